package ibc4j.networks.pixel;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A DL4J {@link ComputationGraph} that also returns the gradient with respect to its inputs, which
 * ComputationGraph has no public API for (only MultiLayerNetwork does). Backprop from an external epsilon on the
 * single output through DL4J's own layers; needs {@code WorkspaceMode.NONE} (else DL4J reports a leaked
 * workspace pointer). The output vertex must not be an output layer, so that an external epsilon is accepted.
 */
final class InputGradGraph extends ComputationGraph {
    InputGradGraph(ComputationGraphConfiguration conf) {
        super(conf);
    }

    /** One backward pass: the output, dL/d(each input) and dL/dθ (flat, the graph's layout). */
    record Backprop(INDArray output, INDArray[] inputGradients, INDArray paramGradient) {}

    /**
     * Forward (DL4J training mode: this graph has no dropout, so it equals inference) and backward from
     * {@code outputEpsilon} = dL/d(output).
     */
    synchronized Backprop backprop(INDArray[] inputs, INDArray outputEpsilon) {
        if (getFlattenedGradients() == null) {
            initGradientsView();
        }
        String out = getConfiguration().getNetworkOutputs().get(0);
        INDArray output = feedForward(inputs, true, false).get(out).dup();
        calcBackpropGradients(false, false, outputEpsilon);
        INDArray[] eps = new INDArray[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            eps[i] = getVertex(getConfiguration().getNetworkInputs().get(i)).getEpsilon().dup();
        }
        INDArray grad = getFlattenedGradients().dup();
        clearLayersStates();
        return new Backprop(output, eps, grad);
    }
}
