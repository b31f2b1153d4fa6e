package ibc4j.networks.layers;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.nd4j.linalg.activations.Activation;

/**
 * The pre-activation residual MLP; mirrors {@code ResNetPreActivationLayer} in {@code networks/layers/resnet.py}
 * (IBC db89ddb).
 *
 * <pre>
 * h = proj(x)                                   linear, no activation
 * per block: h = h + dense2(drop(act(dense1(drop(act(h))))))
 * </pre>
 * No activation after the last block: the head reads the raw residual stream.
 *
 * <p>Graph layout of one block (vertex names with the block prefix):
 * {@code in_copy} (ScaleVertex 1.0) → {@code relu1} (ActivationLayer) → [{@code dropout1}] →
 * {@code dense1} (Dense, activation folded in: Keras' second ReLU) → [{@code dropout2}] → {@code dense2} (linear)
 * → {@code residual} (Add with the block input).
 *
 * <p>Why the copy: DL4J's ActivationLayer applies its activation IN PLACE on its input during inference when
 * workspaces are off (it only dups in training). The block input also feeds the skip connection, so without the
 * copy the skip would add relu(h) instead of h (see dl4j-lab.md §8). ScaleVertex computes {@code in.mul(1.0)},
 * a fresh array, exactly equal to h, so the layout is correct in every workspace mode, in inference and training.
 *
 * <p>With a normalizer: {@code h = h + dense2(drop(act(norm2(dense1(drop(act(norm1(h))))))))}: {@code norm1}
 * reads the block input and writes a fresh array (no copy needed), the first dense is linear and
 * {@code <prefix>_act2} an ActivationLayer after {@code norm2}.
 */
public final class ResNetPreActivationLayer extends ResNetLayer {
    public ResNetPreActivationLayer(int width, int depth, double rate, String activation) {
        this(width, depth, rate, activation, null);
    }

    public ResNetPreActivationLayer(int width, int depth, double rate, String activation, String normalizer) {
        super(width, depth, rate, activation, normalizer);
    }

    @Override
    protected String addBlock(GraphBuilder gb, String p, String input) {
        if (normalizer != null) {
            return addNormalizedBlock(gb, p, input);
        }
        gb.addVertex(p + "_in_copy", new ScaleVertex(1.0), input);
        gb.addLayer(p + "_relu1", new ActivationLayer(dl4jActivation()), p + "_in_copy");
        String x = dropout(gb, p + "_dropout1", p + "_relu1");
        gb.addLayer(p + "_dense1", dense(width, width, dl4jActivation()), x);
        x = dropout(gb, p + "_dropout2", p + "_dense1");
        gb.addLayer(p + "_dense2", dense(width, width, Activation.IDENTITY), x);
        // TF adds x_start_block + x; float addition is commutative, so the input order cannot change a bit.
        gb.addVertex(p + "_residual", new ElementWiseVertex(ElementWiseVertex.Op.Add), input, p + "_dense2");
        return p + "_residual";
    }

    private String addNormalizedBlock(GraphBuilder gb, String p, String input) {
        gb.addLayer(p + "_relu1", new ActivationLayer(dl4jActivation()), norm(gb, p + "_norm1", input));
        String x = dropout(gb, p + "_dropout1", p + "_relu1");
        gb.addLayer(p + "_dense1", dense(width, width, Activation.IDENTITY), x);
        gb.addLayer(p + "_act2", new ActivationLayer(dl4jActivation()), norm(gb, p + "_norm2", p + "_dense1"));
        x = dropout(gb, p + "_dropout2", p + "_act2");
        gb.addLayer(p + "_dense2", dense(width, width, Activation.IDENTITY), x);
        gb.addVertex(p + "_residual", new ElementWiseVertex(ElementWiseVertex.Op.Add), input, p + "_dense2");
        return p + "_residual";
    }
}
