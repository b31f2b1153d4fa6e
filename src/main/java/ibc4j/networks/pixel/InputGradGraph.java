package ibc4j.networks.pixel;

import ibc4j.networks.GraphCalls;
import ibc4j.runtime.StepMemory;
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
        // DL4J's feedForward refuses an open workspace; run outside, then copy the results into the open unit.
        Backprop outside = StepMemory.persistent(() -> backpropOutside(inputs, outputEpsilon));
        INDArray[] eps = new INDArray[outside.inputGradients().length];
        for (int i = 0; i < eps.length; i++) {
            eps[i] = moveIn(outside.inputGradients()[i]);
        }
        return new Backprop(moveIn(outside.output()), eps, moveIn(outside.paramGradient()));
    }

    /** A copy in the open unit (or the array itself without one); the detached original is freed at once. */
    private static INDArray moveIn(INDArray detached) {
        if (StepMemory.current() == null) {
            return detached;
        }
        INDArray in = detached.dup();
        detached.close();
        return in;
    }

    private Backprop backpropOutside(INDArray[] inputs, INDArray outputEpsilon) {
        if (getFlattenedGradients() == null) {
            initGradientsView();
        }
        String out = getConfiguration().getNetworkOutputs().get(0);
        java.util.Map<String, INDArray> acts = feedForward(inputs, true, false);
        INDArray output = acts.get(out).dup();
        calcBackpropGradients(false, false, outputEpsilon);
        INDArray[] eps = new INDArray[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            eps[i] = getVertex(getConfiguration().getNetworkInputs().get(i)).getEpsilon().dup();
        }
        INDArray grad = getFlattenedGradients().dup();
        clearLayersStates();
        GraphCalls.closeActivations(acts, inputs);
        return new Backprop(output, eps, grad);
    }
}
