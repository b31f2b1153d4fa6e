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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The pixel mixture-density network; mirrors {@code ConvMLPMDN} in {@code networks/pixel_mdn.py} (IBC db89ddb):
 * <pre>
 * x = resize(stack(obs['rgb']), [target_height, target_width]);  x = concat(x, coords) if coord_conv
 * call(obs, training) = MdnHead(mlp(get_conv_maxpool(x), training))
 * </pre>
 * ConvMLPMSE's encoder and MLP ({@link ConvMLPMSE}: the same stacking, resize, coord-conv channels, convs and
 * {@code layers} trunk with Keras dropout) feeding the three Dense layers of {@link MdnHead} ({@code mu},
 * {@code logvar}, {@code pi}), as in IBC where the MLP output feeds the head directly. One DL4J graph (input
 * {@code rgb}: NCHW {@code [B, 3T (+2), th, tw]}, outputs {@code mu, logvar, pi}); MLP and head use Keras
 * 'normal' init (kernels and biases), the convs glorot_uniform / zeros.
 */
public final class ConvMLPMDN {
    private final PixelEBM.ImageSpec spec;
    private final int actionDim;
    private final int targetHeight;
    private final int targetWidth;
    private final boolean coordConv;
    private final Object actDenormLayer;
    private final MLPMDN.Config config;
    private final MdnHead head;
    private final ComputationGraph graph;
    private final KerasParams params;
    private final INDArray coords;

    private ConvMLPMDN(PixelEBM.ImageSpec spec, int actionDim, MLPMDN.Config config, boolean coordConv,
                       int targetHeight, int targetWidth, Object actDenormLayer, long seed) {
        ConvMaxpoolEncoder.checkSize("ConvMLPMDN", targetHeight, targetWidth);
        Preconditions.checkArgument(actionDim >= 1, "ConvMLPMDN: action_spec must have >= 1 dimension");
        if (config.trainingTemperature() == 0.0 || config.testTemperature() == 0.0) {
            throw new IllegalArgumentException("ConvMLPMDN: training_temperature and test_temperature divide the "
                    + "logits; got " + config.trainingTemperature() + " and " + config.testTemperature());
        }
        this.spec = spec;
        this.actionDim = actionDim;
        this.config = config;
        this.coordConv = coordConv;
        this.targetHeight = targetHeight;
        this.targetWidth = targetWidth;
        this.actDenormLayer = actDenormLayer;
        this.head = new MdnHead(config.numComponents(), actionDim, config.trainingTemperature(),
                config.testTemperature(), config.testVarianceExponent());
        int channels = spec.channels() * spec.sequenceLength() + (coordConv ? 2 : 0);
        TrunkLayer trunk = trunkFor(config);
        GraphBuilder gb = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT)
                .trainingWorkspaceMode(WorkspaceMode.NONE).inferenceWorkspaceMode(WorkspaceMode.NONE)
                .graphBuilder().addInputs("rgb")
                .setInputTypes(InputType.convolutional(targetHeight, targetWidth, channels));
        String cnn = ConvMaxpoolEncoder.addTo(gb, "rgb", channels);
        String top = trunk.addTo(gb, cnn, ConvMaxpoolEncoder.OUTPUT_WIDTH);
        head.addTo(gb, top, trunk.outputWidth());
        this.graph = new ComputationGraph(gb.setOutputs(MdnHead.DENSE_NAMES.toArray(new String[0])).build());
        graph.init();
        List<String> dense = new ArrayList<>(trunk.denseNames());
        dense.addAll(MdnHead.DENSE_NAMES);
        KerasParams.normalInit(graph, dense, seed + 1);
        List<String> all = new ArrayList<>(ConvMaxpoolEncoder.CONV_LAYERS);
        all.addAll(dense);
        this.params = new KerasParams(graph, all);
        this.coords = coordConv ? ImagePrepro.coordChannels(targetHeight, targetWidth) : null;
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
        return graph;
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
        return spec;
    }

    public Object actDenormLayer() {
        return actDenormLayer;
    }

    /** Every parameter in Keras layout and order (convs, MLP, mu, logvar, pi). */
    public Map<String, INDArray> params() {
        return params.get();
    }

    public void setParams(Map<String, INDArray> values) {
        params.set(values);
    }

    /** Stacked, resized, coord-conv image, NCHW: the cnn's input. */
    public INDArray preprocess(INDArray rgb) {
        spec.check("ConvMLPMDN observation", rgb);
        INDArray x = ImagePrepro.preprocessNchw(rgb, targetHeight, targetWidth);
        if (!coordConv) {
            return x;
        }
        INDArray c = coords.repeat(0, x.size(0));
        return Nd4j.concat(1, x, c);
    }

    /**
     * {@code ConvMLPMDN.call(obs, training)}: the mixture; training=False has dropout off, the test temperature and
     * variance exponent, and the act_denorm_layer applied; training=True draws dropout from the noise given to
     * {@link #dropoutNoise}.
     */
    public GaussianMixture call(INDArray rgb, boolean training) {
        INDArray[] out = GraphCalls.output(graph, training, preprocess(rgb));
        return head.mixture(out[0], out[1], out[2], training, actDenormLayer);
    }

    /** One training-mode pass and {@code ∂L/∂θ} by DL4J backprop through the same dropout masks. */
    public MLPMDN.TrainingPass trainingPass(INDArray rgb, MLPMDN.Upstream upstream) {
        try (GraphCalls.Pass pass = GraphCalls.forward(graph, preprocess(rgb))) {
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
        return KerasDropout.bind(graph, noise);
    }
}
