package ibc4j.networks.layers;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.nd4j.linalg.activations.Activation;

/**
 * The original (post-activation) residual MLP; mirrors {@code ResNetOrigLayer} in
 * {@code networks/layers/resnet.py} (IBC db89ddb).
 *
 * <pre>
 * h = proj(x)                                   linear
 * per block: h = drop(act(h + dense2(drop(act(dense1(h))))))
 * </pre>
 * The activation after the add only reads the add's own output, so DL4J's in-place ActivationLayer is harmless
 * here; the next block's skip reads the activated (and dropped) value, as in Keras.
 */
public final class ResNetOrigLayer extends ResNetLayer {
    public ResNetOrigLayer(int width, int depth, double rate, String activation) {
        super(width, depth, rate, activation);
    }

    @Override
    protected String addBlock(GraphBuilder gb, String p, String input) {
        gb.addLayer(p + "_dense1", dense(width, width, dl4jActivation()), input);
        String x = dropout(gb, p + "_dropout1", p + "_dense1");
        gb.addLayer(p + "_dense2", dense(width, width, Activation.IDENTITY), x);
        gb.addVertex(p + "_sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), input, p + "_dense2");
        gb.addLayer(p + "_act2", new ActivationLayer(dl4jActivation()), p + "_sum");
        return dropout(gb, p + "_dropout2", p + "_act2");
    }
}
