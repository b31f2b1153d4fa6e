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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The explicit pixel policy network; mirrors {@code ConvMLPMSE} in {@code networks/pixel_mse.py} (IBC db89ddb):
 * <pre>
 * x = resize(stack(obs['rgb']), [target_height, target_width]);  x = concat(x, coords) if coord_conv
 * y = head(mlp(get_conv_maxpool(x)))                 call(training=False) = act_denorm_layer(y)
 * </pre>
 * One DL4J graph (input {@code rgb}: NCHW {@code [B, 3T (+2), th, tw]}, output {@code head} [B, A]). The stacking
 * and resize are ConvMLPMSE's own, the same operations as {@link ImagePrepro}; the coord-conv channels are
 * {@link ImagePrepro#coordChannels} (y then x). The MLP is {@code layers} ∈ MLPDropout / ResNetOrig /
 * ResNetPreActivation with {@code [width] * depth} and Keras dropout; MLP and head use Keras 'normal' init
 * (kernels and biases), the convs glorot_uniform / zeros.
 */
public final class ConvMLPMSE {
    private final PixelEBM.ImageSpec spec;
    private final int actionDim;
    private final int targetHeight;
    private final int targetWidth;
    private final boolean coordConv;
    private final Object actDenormLayer;
    private final MLPMSE.Config config;
    private final ComputationGraph graph;
    private final KerasParams params;
    private final INDArray coords;

    private ConvMLPMSE(PixelEBM.ImageSpec spec, int actionDim, MLPMSE.Config config, boolean coordConv,
                       int targetHeight, int targetWidth, Object actDenormLayer, long seed) {
        ConvMaxpoolEncoder.checkSize("ConvMLPMSE", targetHeight, targetWidth);
        Preconditions.checkArgument(actionDim >= 1, "ConvMLPMSE: action_spec must have >= 1 dimension");
        this.spec = spec;
        this.actionDim = actionDim;
        this.config = config;
        this.coordConv = coordConv;
        this.targetHeight = targetHeight;
        this.targetWidth = targetWidth;
        this.actDenormLayer = actDenormLayer;
        int channels = spec.channels() * spec.sequenceLength() + (coordConv ? 2 : 0);
        TrunkLayer trunk = trunkFor(config);
        GraphBuilder gb = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT)
                .trainingWorkspaceMode(WorkspaceMode.NONE).inferenceWorkspaceMode(WorkspaceMode.NONE)
                .graphBuilder().addInputs("rgb")
                .setInputTypes(InputType.convolutional(targetHeight, targetWidth, channels));
        String cnn = ConvMaxpoolEncoder.addTo(gb, "rgb", channels);
        String top = trunk.addTo(gb, cnn, ConvMaxpoolEncoder.OUTPUT_WIDTH);
        gb.addLayer("head", new DenseLayer.Builder().nIn(trunk.outputWidth()).nOut(actionDim)
                .activation(Activation.IDENTITY).build(), top);
        this.graph = new ComputationGraph(gb.setOutputs("head").build());
        graph.init();
        List<String> dense = new ArrayList<>(trunk.denseNames());
        dense.add("head");
        KerasParams.normalInit(graph, dense, seed + 1);
        List<String> all = new ArrayList<>(ConvMaxpoolEncoder.CONV_LAYERS);
        all.addAll(dense);
        this.params = new KerasParams(graph, all);
        this.coords = coordConv ? ImagePrepro.coordChannels(targetHeight, targetWidth) : null;
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
        return graph;
    }

    public MLPMSE.Config config() {
        return config;
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

    /** Every parameter in Keras layout and order (convs, MLP, head). */
    public Map<String, INDArray> params() {
        return params.get();
    }

    public void setParams(Map<String, INDArray> values) {
        params.set(values);
    }

    /** Stacked, resized, coord-conv image, NCHW: the cnn's input. */
    public INDArray preprocess(INDArray rgb) {
        spec.check("ConvMLPMSE observation", rgb);
        INDArray x = ImagePrepro.preprocessNchw(rgb, targetHeight, targetWidth);
        if (!coordConv) {
            return x;
        }
        long b = x.size(0);
        INDArray c = coords.repeat(0, b);
        return Nd4j.concat(1, x, c);
    }

    /** {@code ConvMLPMSE.call}: training=False → act_denorm_layer(head), dropout off; training=True → head. */
    public INDArray call(INDArray rgb, boolean training) {
        if (training) {
            return GraphCalls.output(graph, true, preprocess(rgb))[0];
        }
        if (actDenormLayer == null) {
            throw new IllegalStateException("ConvMLPMSE.call(training=False) applies act_denorm_layer, which is "
                    + "None (IBC fails there too)");
        }
        return Normalizers.denormalizeActions(actDenormLayer, outputNormalized(rgb));
    }

    /** The head before act_denorm_layer, dropout off. */
    public INDArray outputNormalized(INDArray rgb) {
        return GraphCalls.output(graph, false, preprocess(rgb))[0];
    }

    /** One training-mode pass and ∂L/∂θ for ∂L/∂y = upstream(y), through the same dropout masks. */
    public MLPMSE.TrainingPass trainingPass(INDArray rgb, UnaryOperator<INDArray> upstream) {
        try (GraphCalls.Pass pass = GraphCalls.forward(graph, preprocess(rgb))) {
            INDArray y = pass.activation("head").dup();
            INDArray dLdy = upstream.apply(y);
            INDArray flat = pass.backward(dLdy.castTo(y.dataType()));
            return new MLPMSE.TrainingPass(y, flat);
        }
    }

    /** Where the dropout layers draw from in training calls until the binding is closed. */
    public KerasDropout.Binding dropoutNoise(NoiseSource noise) {
        return KerasDropout.bind(graph, noise);
    }
}
