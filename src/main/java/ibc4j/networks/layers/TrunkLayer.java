package ibc4j.networks.layers;

import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.nd4j.linalg.activations.Activation;

/**
 * The hidden layers between MLPEBM's input and its energy head ({@code MLPEBM._mlp} in {@code networks/mlp_ebm.py}),
 * written into a DL4J {@link GraphBuilder}.
 *
 * <p>Each dense layer is a DL4J layer whose name is also the Keras-like prefix of its parameters
 * ({@code proj} → {@code proj_kernel}, {@code proj_bias}), so one string finds both sides.
 */
public abstract class TrunkLayer {
    /** IBC's {@code layers} values. */
    public static final List<String> KINDS = List.of("MLPDropout", "ResNetOrig", "ResNetPreActivation");

    /**
     * The trunk IBC's networks build for {@code layers}. IBC has no final else there and fails later on the unset
     * {@code self._mlp}; this fails with the value, naming {@code owner}'s parameter.
     */
    public static TrunkLayer of(String owner, String layers, int width, int depth, double rate, String activation) {
        return of(owner, layers, width, depth, rate, activation, null);
    }

    /**
     * As {@link #of(String, String, int, int, double, String)} with {@code ResNetLayer.normalizer} (null: None,
     * else {@link KerasNorm#KINDS}); MLPDropout has no normalizer and ignores it, as IBC's does.
     */
    public static TrunkLayer of(String owner, String layers, int width, int depth, double rate, String activation,
                                String normalizer) {
        return switch (layers) {
            case "MLPDropout" -> new MLPDropoutLayer(width, depth, rate, activation);
            case "ResNetOrig" -> new ResNetOrigLayer(width, depth, rate, activation, normalizer);
            case "ResNetPreActivation" -> new ResNetPreActivationLayer(width, depth, rate, activation, normalizer);
            default -> throw new IllegalArgumentException(owner + ".layers '" + layers + "' is not one of " + KINDS);
        };
    }

    /** The {@code activation} strings IBC's layers accept. */
    public static final List<String> ACTIVATIONS = List.of("relu", "swish");

    protected final int width;
    protected final int depth;
    protected final double rate;
    protected final String activation;

    protected TrunkLayer(int width, int depth, double rate, String activation) {
        if (width < 1) {
            throw new IllegalArgumentException("width must be >= 1, got " + width);
        }
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be >= 1, got " + depth);
        }
        if (!(rate >= 0.0 && rate < 1.0)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
        }
        if (!ACTIVATIONS.contains(activation)) {
            // resnet.py raises ValueError('Expected a different layer activation.') without the value.
            throw new IllegalArgumentException("activation '" + activation + "' is not one of " + ACTIVATIONS);
        }
        this.width = width;
        this.depth = depth;
        this.rate = rate;
        this.activation = activation;
    }

    /**
     * Adds this layer's vertices after {@code input} (of width {@code nIn}).
     *
     * @return the name of the vertex holding this layer's output, {@code [R, width]}
     */
    public abstract String addTo(GraphBuilder gb, String input, int nIn);

    /** Names of the dense layers in Keras' trainable-variable order; the first one reads the network input. */
    public abstract List<String> denseNames();

    /**
     * Names of the layers with parameters in Keras' trainable-variable order: the dense layers and, in a ResNet with
     * a normalizer, the {@link KerasNorm} layers.
     */
    public List<String> paramLayerNames() {
        return denseNames();
    }

    /** The ResNet normalizer ({@link KerasNorm#KINDS}), or null (None; always for MLPDropout). */
    public String normalizer() {
        return null;
    }

    /** Width of the output ({@code hidden_sizes[-1]}). */
    public int outputWidth() {
        return width;
    }

    public double rate() {
        return rate;
    }

    protected final Activation dl4jActivation() {
        // DL4J's SWISH is x*sigmoid(x), Keras' swish with beta=1.
        return activation.equals("relu") ? Activation.RELU : Activation.SWISH;
    }

    protected static DenseLayer dense(int nIn, int nOut, Activation act) {
        return new DenseLayer.Builder().nIn(nIn).nOut(nOut).activation(act).build();
    }

    /**
     * Adds Keras {@code Dropout(rate)} ({@link KerasDropout}) after {@code input} when {@code rate > 0}; returns
     * the vertex to read next. A separate layer (not DL4J's per-layer input dropout) so that the mask sits exactly
     * where Keras puts it.
     */
    protected final String dropout(GraphBuilder gb, String name, String input) {
        if (rate == 0.0) {
            return input; // Keras Dropout(0.0) is the identity, in training too.
        }
        // TF's dropout (keep where u >= rate, x·float32(1/(1−rate))), its draws from the noise the network binds.
        gb.addLayer(name, new DropoutLayer.Builder(new KerasDropout(rate)).build(), input);
        return name;
    }
}
