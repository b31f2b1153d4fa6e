package ibc4j.networks.pixel;

import ibc4j.gin.Configurable;
import ibc4j.gin.Param;
import ibc4j.gin.Positive;
import ibc4j.gin.Range;
import ibc4j.networks.GaussianMixture;
import ibc4j.networks.GraphCalls;
import ibc4j.networks.MLPEBM;
import ibc4j.networks.MLPMDN;
import ibc4j.networks.MdnHead;
import ibc4j.networks.layers.KerasDropout;
import ibc4j.networks.layers.TrunkLayer;
import ibc4j.runtime.NoiseSource;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The pixel mixture-density network; mirrors {@code ConvMLPMDN} in {@code networks/pixel_mdn.py} (IBC db89ddb):
 * <pre>
 * x = resize(stack(obs['rgb']), [target_height, target_width]);  x = concat(x, coords) if coord_conv
 * call(obs, training) = MdnHead(mlp(get_conv_maxpool(x), training))
 * </pre>
 * ConvMLPMSE's encoder and MLP ({@link ConvMlpBody}, which both build on: the same stacking, resize, coord-conv
 * channels, convs and {@code layers} trunk with Keras dropout) feeding the three Dense layers of {@link MdnHead}
 * ({@code mu}, {@code logvar}, {@code pi}), as in IBC where the MLP output feeds the head directly; the graph's
 * outputs are {@code mu, logvar, pi}.
 */
public final class ConvMLPMDN {
    private final int actionDim;
    private final Object actDenormLayer;
    private final MLPMDN.Config config;
    private final MdnHead head;
    private final ConvMlpBody body;

    private ConvMLPMDN(PixelEBM.ImageSpec spec, int actionDim, MLPMDN.Config config, boolean coordConv,
                       int targetHeight, int targetWidth, Object actDenormLayer, long seed) {
        ConvMlpBody.check("ConvMLPMDN", actionDim, targetHeight, targetWidth);
        if (config.trainingTemperature() == 0.0 || config.testTemperature() == 0.0) {
            throw new IllegalArgumentException("ConvMLPMDN: training_temperature and test_temperature divide the "
                    + "logits; got " + config.trainingTemperature() + " and " + config.testTemperature());
        }
        this.actionDim = actionDim;
        this.config = config;
        this.actDenormLayer = actDenormLayer;
        this.head = new MdnHead(config.numComponents(), actionDim, config.trainingTemperature(),
                config.testTemperature(), config.testVarianceExponent());
        this.body = new ConvMlpBody("ConvMLPMDN", spec, actionDim, trunkFor(config), coordConv, targetHeight,
                targetWidth, seed, (gb, top, width) -> {
                    head.addTo(gb, top, width);
                    return MdnHead.DENSE_NAMES;
                });
    }

    /** A ConvMLPMDN without gin. */
    public static ConvMLPMDN create(PixelEBM.ImageSpec spec, int actionDim, MLPMDN.Config config, boolean coordConv,
                                    int targetHeight, int targetWidth, Object actDenormLayer, long seed) {
        return new ConvMLPMDN(spec, actionDim, config, coordConv, targetHeight, targetWidth, actDenormLayer, seed);
    }

    /** The {@code ConvMLPMDN} gin configurable, IBC's constructor parameter for parameter. */
    @Configurable("ConvMLPMDN")
    public static ConvMLPMDN fromGin(
            @Param(value = "obs_spec", doc = "the image spec: a PixelEBM.ImageSpec (obs['rgb'].shape)")
            PixelEBM.ImageSpec obsSpec,
            @Param(value = "action_spec", doc = "the action width (an Integer)") Object actionSpec,
            @Positive @Param(value = "width", dflt = "512", doc = "MLP width") int width,
            @Positive @Param(value = "depth", dflt = "2", doc = "MLP hidden layers (ResNet: 2 per block)") int depth,
            @Range(min = 0, max = 1, maxExclusive = true)
            @Param(value = "rate", dflt = "0.1", doc = "Keras dropout rate in training") double rate,
            @Param(value = "act_denorm_layer", dflt = "None", doc = "denormalizes the mixture when training is False")
            Object actDenormLayer,
            @Param(value = "coord_conv", dflt = "True", doc = "append the (y, x) coordinate channels")
            boolean coordConv,
            @Param(value = "target_height", dflt = "90", doc = "resize height") int targetHeight,
            @Param(value = "target_width", dflt = "120", doc = "resize width") int targetWidth,
            @Positive @Param(value = "num_components", dflt = "1", doc = "mixture components k") int numComponents,
            @Param(value = "training_temperature", dflt = "2.5", doc = "logits are divided by it in training")
            double trainingTemperature,
            @Param(value = "test_temperature", dflt = "2.5", doc = "logits are divided by it at inference")
            double testTemperature,
            @Param(value = "test_variance_exponent", dflt = "1.", doc = "scale ** it at inference")
            double testVarianceExponent,
            @Param(value = "name", dflt = "'ConvMLPMDN'", doc = "unused") String name,
            @Param(value = "layers", dflt = "'MLPDropout'", doc = "MLPDropout, ResNetOrig or ResNetPreActivation")
            String layers) {
        if (!(actionSpec instanceof Integer a)) {
            throw new IllegalArgumentException("ConvMLPMDN.action_spec: expected the action width, got "
                    + actionSpec);
        }
        MLPEBM.requireNoResNetNormalizer();
        MLPMDN.Config cfg = new MLPMDN.Config(width, depth, rate, layers, numComponents, trainingTemperature,
                testTemperature, testVarianceExponent);
        return create(obsSpec, a, cfg, coordConv, targetHeight, targetWidth, actDenormLayer, obsSpec.initSeed());
    }

    private static TrunkLayer trunkFor(MLPMDN.Config c) {
        return TrunkLayer.of("ConvMLPMDN", c.layers(), c.width(), c.depth(), c.rate(), "relu");
    }

    public ComputationGraph graph() {
        return body.graph();
    }

    public MLPMDN.Config config() {
        return config;
    }

    public MdnHead head() {
        return head;
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

    /** Every parameter in Keras layout and order (convs, MLP, mu, logvar, pi). */
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

    /**
     * {@code ConvMLPMDN.call(obs, training)}: the mixture; training=False has dropout off, the test temperature and
     * variance exponent, and the act_denorm_layer applied; training=True draws dropout from the noise given to
     * {@link #dropoutNoise}.
     */
    public GaussianMixture call(INDArray rgb, boolean training) {
        INDArray[] out = GraphCalls.output(body.graph(), training, preprocess(rgb));
        return head.mixture(out[0], out[1], out[2], training, actDenormLayer);
    }

    /** One training-mode pass and {@code ∂L/∂θ} by DL4J backprop through the same dropout masks. */
    public MLPMDN.TrainingPass trainingPass(INDArray rgb, MLPMDN.Upstream upstream) {
        try (GraphCalls.Pass pass = GraphCalls.forward(body.graph(), preprocess(rgb))) {
            INDArray mu = pass.activation("mu").dup();
            INDArray logvar = pass.activation("logvar").dup();
            INDArray pi = pass.activation("pi").dup();
            INDArray[] eps = upstream.gradients(mu, logvar, pi);
            Preconditions.checkArgument(eps.length == 3, "expected 3 upstream gradients, got %s", eps.length);
            DataType dt = mu.dataType();
            INDArray flat = pass.backward(eps[0].castTo(dt), eps[1].castTo(dt), eps[2].castTo(dt));
            return new MLPMDN.TrainingPass(mu, logvar, pi, flat);
        }
    }

    /** Where the dropout layers draw from in training calls until the binding is closed. */
    public KerasDropout.Binding dropoutNoise(NoiseSource noise) {
        return body.dropoutNoise(noise);
    }
}
