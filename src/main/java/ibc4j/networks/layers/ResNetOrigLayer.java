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
 *
 * <p>With a normalizer: {@code h = drop(act(h + norm2(dense2(drop(act(norm1(dense1(h))))))))}; the first dense is
 * then linear and {@code <prefix>_act1} an ActivationLayer (in place on the norm's own output, read by nothing
 * else).
 */
public final class ResNetOrigLayer extends ResNetLayer {
    public ResNetOrigLayer(int width, int depth, double rate, String activation) {
        this(width, depth, rate, activation, null);
    }

    public ResNetOrigLayer(int width, int depth, double rate, String activation, String normalizer) {
        super(width, depth, rate, activation, normalizer);
    }

    @Override
    protected String addBlock(GraphBuilder gb, String p, String input) {
        String x;
        if (normalizer == null) {
            gb.addLayer(p + "_dense1", dense(width, width, dl4jActivation()), input);
            x = p + "_dense1";
        } else {
            gb.addLayer(p + "_dense1", dense(width, width, Activation.IDENTITY), input);
            gb.addLayer(p + "_act1", new ActivationLayer(dl4jActivation()), norm(gb, p + "_norm1", p + "_dense1"));
            x = p + "_act1";
        }
        x = dropout(gb, p + "_dropout1", x);
        gb.addLayer(p + "_dense2", dense(width, width, Activation.IDENTITY), x);
        gb.addVertex(p + "_sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), input,
                norm(gb, p + "_norm2", p + "_dense2"));
        gb.addLayer(p + "_act2", new ActivationLayer(dl4jActivation()), p + "_sum");
        return dropout(gb, p + "_dropout2", p + "_act2");
    }
}
