package ibc4j.networks.pixel;

import ibc4j.gin.Configurable;
import ibc4j.gin.Param;
import ibc4j.gin.Positive;
import ibc4j.gin.Range;
import ibc4j.networks.GraphCalls;
import ibc4j.networks.MLPEBM;
import ibc4j.networks.MLPMSE;
import ibc4j.networks.layers.KerasDropout;
import ibc4j.networks.layers.TrunkLayer;
import ibc4j.normalizers.Normalizers;
import ibc4j.runtime.NoiseSource;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The explicit pixel policy network; mirrors {@code ConvMLPMSE} in {@code networks/pixel_mse.py} (IBC db89ddb):
 * <pre>
 * x = resize(stack(obs['rgb']), [target_height, target_width]);  x = concat(x, coords) if coord_conv
 * y = head(mlp(get_conv_maxpool(x)))                 call(training=False) = act_denorm_layer(y)
 * </pre>
 * {@link ConvMlpBody} (the stacking and resize, the same operations as {@link ImagePrepro}; the coord-conv channels
 * {@link ImagePrepro#coordChannels}, y then x; the encoder; the MLP {@code layers} ∈ MLPDropout / ResNetOrig /
 * ResNetPreActivation with {@code [width] * depth} and Keras dropout) with one Dense {@code head} [B, A] as the
 * graph's output.
 */
public final class ConvMLPMSE {
    private final int actionDim;
    private final Object actDenormLayer;
    private final MLPMSE.Config config;
    private final ConvMlpBody body;

    private ConvMLPMSE(PixelEBM.ImageSpec spec, int actionDim, MLPMSE.Config config, boolean coordConv,
                       int targetHeight, int targetWidth, Object actDenormLayer, long seed) {
        this.actionDim = actionDim;
        this.config = config;
        this.actDenormLayer = actDenormLayer;
        this.body = new ConvMlpBody("ConvMLPMSE", spec, actionDim, trunkFor(config), coordConv, targetHeight,
                targetWidth, seed, (gb, top, width) -> {
                    gb.addLayer("head", new DenseLayer.Builder().nIn(width).nOut(actionDim)
                            .activation(Activation.IDENTITY).build(), top);
                    return List.of("head");
                });
    }

    /** A ConvMLPMSE without gin. */
    public static ConvMLPMSE create(PixelEBM.ImageSpec spec, int actionDim, MLPMSE.Config config, boolean coordConv,
                                    int targetHeight, int targetWidth, Object actDenormLayer, long seed) {
        return new ConvMLPMSE(spec, actionDim, config, coordConv, targetHeight, targetWidth, actDenormLayer, seed);
    }

    /** The {@code ConvMLPMSE} gin configurable, IBC's constructor parameter for parameter. */
    @Configurable("ConvMLPMSE")
    public static ConvMLPMSE fromGin(
            @Param(value = "obs_spec", doc = "the image spec: a PixelEBM.ImageSpec (obs['rgb'].shape)")
            PixelEBM.ImageSpec obsSpec,
            @Param(value = "action_spec", doc = "the action width (an Integer)") Object actionSpec,
            @Positive @Param(value = "width", dflt = "512", doc = "MLP width") int width,
            @Positive @Param(value = "depth", dflt = "2", doc = "MLP hidden layers (ResNet: 2 per block)") int depth,
            @Range(min = 0, max = 1, maxExclusive = true)
            @Param(value = "rate", dflt = "0.1", doc = "Keras dropout rate in training") double rate,
            @Param(value = "act_denorm_layer", dflt = "None", doc = "applied when training is False")
            Object actDenormLayer,
            @Param(value = "name", dflt = "'ConvMLPMSE'", doc = "unused") String name,
            @Param(value = "layers", dflt = "'MLPDropout'", doc = "MLPDropout, ResNetOrig or ResNetPreActivation")
            String layers,
            @Param(value = "coord_conv", dflt = "True", doc = "append the (y, x) coordinate channels")
            boolean coordConv,
            @Param(value = "target_height", dflt = "90", doc = "resize height") int targetHeight,
            @Param(value = "target_width", dflt = "120", doc = "resize width") int targetWidth) {
        if (!(actionSpec instanceof Integer a)) {
            throw new IllegalArgumentException("ConvMLPMSE.action_spec: expected the action width, got "
                    + actionSpec);
        }
        MLPEBM.requireNoResNetNormalizer();
        return create(obsSpec, a, new MLPMSE.Config(width, depth, rate, layers), coordConv, targetHeight,
                targetWidth, actDenormLayer, obsSpec.initSeed());
    }

    private static TrunkLayer trunkFor(MLPMSE.Config c) {
        return TrunkLayer.of("ConvMLPMSE", c.layers(), c.width(), c.depth(), c.rate(), "relu");
    }

    public ComputationGraph graph() {
        return body.graph();
    }

    public MLPMSE.Config config() {
        return config;
    }

    public int actionDim() {
        return actionDim;
    }

    public PixelEBM.ImageSpec imageSpec() {
        return body.imageSpec();
    }

    public Object actDenormLayer() {
        return actDenormLayer;
    }

    /** Every parameter in Keras layout and order (convs, MLP, head). */
    public Map<String, INDArray> params() {
        return body.params();
    }

    public void setParams(Map<String, INDArray> values) {
        body.setParams(values);
    }

    /** Stacked, resized, coord-conv image, NCHW: the cnn's input. */
    public INDArray preprocess(INDArray rgb) {
        return body.preprocess(rgb);
    }

    /** {@code ConvMLPMSE.call}: training=False → act_denorm_layer(head), dropout off; training=True → head. */
    public INDArray call(INDArray rgb, boolean training) {
        if (training) {
            return GraphCalls.output(body.graph(), true, preprocess(rgb))[0];
        }
        if (actDenormLayer == null) {
            throw new IllegalStateException("ConvMLPMSE.call(training=False) applies act_denorm_layer, which is "
                    + "None (IBC fails there too)");
        }
        return Normalizers.denormalizeActions(actDenormLayer, outputNormalized(rgb));
    }

    /** The head before act_denorm_layer, dropout off. */
    public INDArray outputNormalized(INDArray rgb) {
        return GraphCalls.output(body.graph(), false, preprocess(rgb))[0];
    }

    /** One training-mode pass and ∂L/∂θ for ∂L/∂y = upstream(y), through the same dropout masks. */
    public MLPMSE.TrainingPass trainingPass(INDArray rgb, UnaryOperator<INDArray> upstream) {
        try (GraphCalls.Pass pass = GraphCalls.forward(body.graph(), preprocess(rgb))) {
            INDArray y = pass.activation("head").dup();
            INDArray dLdy = upstream.apply(y);
            INDArray flat = pass.backward(dLdy.castTo(y.dataType()));
            return new MLPMSE.TrainingPass(y, flat);
        }
    }

    /** Where the dropout layers draw from in training calls until the binding is closed. */
    public KerasDropout.Binding dropoutNoise(NoiseSource noise) {
        return body.dropoutNoise(noise);
    }
}
