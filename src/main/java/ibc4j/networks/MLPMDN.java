package ibc4j.networks;

import ibc4j.gin.Configurable;
import ibc4j.gin.MaxBytes;
import ibc4j.gin.Param;
import ibc4j.gin.Positive;
import ibc4j.gin.Range;
import ibc4j.networks.layers.KerasDropout;
import ibc4j.networks.layers.TrunkLayer;
import ibc4j.runtime.NoiseSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.GaussianDistribution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The mixture-density-network behavioral-cloning network; mirrors {@code MLPMDN} in {@code networks/mlp_mdn.py}
 * (IBC db89ddb).
 *
 * <pre>
 * x = trunk(obs_flat)                       obs [B, obsDim] (flattened, normalized)
 * call(obs, training) = MdnHead(x)          a MixtureSameFamily of k diagonal Gaussians over A actions
 * </pre>
 * The trunk is MLPMSE's ({@code layers} = 'MLPDropout' | 'ResNetOrig' | 'ResNetPreActivation', {@code [width] *
 * depth}, relu, Keras {@code 'normal'} init); the head is {@link MdnHead}. The DL4J graph (input {@code obs},
 * outputs {@code mu}, {@code logvar}, {@code pi}) is the model of record; {@link #params()} are Keras-named views
 * into its flat parameters ({@code proj_kernel}, …, {@code mu_kernel}, {@code logvar_kernel}, {@code pi_kernel}).
 */
@Configurable("MLPMDN")
public final class MLPMDN {
    /** MLPMDN's parameters ({@code MLPMDN.__init__} defaults: 512, 2, 0.1, 'MLPDropout', 1, 2.5, 2.5, 1.0). */
    public record Config(int width, int depth, double rate, String layers, int numComponents,
                         double trainingTemperature, double testTemperature, double testVarianceExponent,
                         String normalizer) {
        /** Without a ResNet normalizer (None). */
        public Config(int width, int depth, double rate, String layers, int numComponents,
                      double trainingTemperature, double testTemperature, double testVarianceExponent) {
            this(width, depth, rate, layers, numComponents, trainingTemperature, testTemperature,
                    testVarianceExponent, null);
        }

        /** {@code ResNetLayer.normalizer}: null (None), 'Batch' or 'Layer'. */
        public Config withNormalizer(String n) {
            return new Config(width, depth, rate, layers, numComponents, trainingTemperature, testTemperature,
                    testVarianceExponent, n);
        }

        public static Config ibcDefaults() {
            return new Config(512, 2, 0.1, "MLPDropout", 1, 2.5, 2.5, 1.0);
        }

        /** {@code configs/d4rl/mlp_mdn.gin}: ResNetPreActivation, 128 × 2, rate 0, 26 components, T 2.5. */
        public static Config d4rl() {
            return new Config(128, 2, 0.0, "ResNetPreActivation", 26, 2.5, 2.5, 1.0);
        }
    }

    private final Config config;
    private final int obsDim;
    private final int actionDim;
    private final Object actDenormLayer;
    private final MdnHead head;
    private final ComputationGraph graph;
    private final List<String> denseNames;
    private final DenseParams params;

    /** IBC's constructor, parameter for parameter, for gin; the weights' seed comes from ND4J's generator. */
    public MLPMDN(
            @Param(value = "obs_spec", doc = "observation spec (dict of [T, d] specs), a spec, or the flattened "
                    + "width") Object obsSpec,
            @Param(value = "action_spec", doc = "the action spec (shape[0] is A), or A") Object actionSpec,
            @Positive @MaxBytes(bytesPerUnit = 4, power = 2, what = "one width x width float32 kernel")
            @Param(value = "width", dflt = "512", doc = "hidden width") int width,
            @Positive @Param(value = "depth", dflt = "2", doc = "hidden dense layers (ResNet: 2 per block)")
            int depth,
            @Range(min = 0, max = 1, maxExclusive = true)
            @Param(value = "rate", dflt = "0.1", doc = "Keras dropout rate in training") double rate,
            @Param(value = "act_denorm_layer", dflt = "None",
                    doc = "denormalizes the mixture when training is False") Object actDenormLayer,
            @Positive @Param(value = "num_components", dflt = "1", doc = "mixture components k")
            int numComponents,
            @Param(value = "training_temperature", dflt = "2.5", doc = "logits are divided by it in training")
            double trainingTemperature,
            @Param(value = "test_temperature", dflt = "2.5", doc = "logits are divided by it at inference")
            double testTemperature,
            @Param(value = "test_variance_exponent", dflt = "1.", doc = "scale ** it at inference")
            double testVarianceExponent,
            @Param(value = "name", dflt = "'MLPMDN'", doc = "unused") String name,
            @Param(value = "layers", dflt = "'MLPDropout'", doc = "one of MLPDropout, ResNetOrig, ResNetPreActivation")
            String layers) {
        this(checked(new Config(width, depth, rate, layers, numComponents, trainingTemperature, testTemperature,
                        testVarianceExponent, ibc4j.networks.layers.ResNetNormalizer.bound(layers))),
                MLPMSE.obsDimOf(obsSpec), MLPMSE.actionDimOf(actionSpec), MLPMSE.initSeedOf(obsSpec), actDenormLayer,
                WorkspaceMode.ENABLED);
    }

    private static Config checked(Config c) {
        if (c.trainingTemperature() == 0.0 || c.testTemperature() == 0.0) {
            throw new IllegalArgumentException("MLPMDN: training_temperature and test_temperature divide the "
                    + "logits; got " + c.trainingTemperature() + " and " + c.testTemperature());
        }
        return c;
    }

    private MLPMDN(Config config, int obsDim, int actionDim, long seed, Object actDenormLayer,
                   WorkspaceMode workspace) {
        Preconditions.checkArgument(obsDim >= 1 && actionDim >= 1,
                "need obsDim >= 1 and actionDim >= 1, got obsDim=%s actionDim=%s", obsDim, actionDim);
        this.config = config;
        this.obsDim = obsDim;
        this.actionDim = actionDim;
        this.actDenormLayer = actDenormLayer;
        TrunkLayer trunk = trunkFor(config);
        this.head = new MdnHead(config.numComponents(), actionDim, config.trainingTemperature(),
                config.testTemperature(), config.testVarianceExponent());
        DataType dt = Nd4j.defaultFloatingPointType();
        GraphBuilder gb = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dt)
                .weightInit(new NormalDistribution(0.0, MLPEBM.NORMAL_INIT_STDDEV)) // documents; overwritten below
                .trainingWorkspaceMode(workspace)
                .inferenceWorkspaceMode(workspace)
                .graphBuilder()
                .addInputs("obs");
        String top = trunk.addTo(gb, "obs", obsDim);
        head.addTo(gb, top, trunk.outputWidth());
        ComputationGraphConfiguration conf = gb.setOutputs(MdnHead.DENSE_NAMES.toArray(new String[0])).build();
        this.graph = new ComputationGraph(conf);
        INDArray flat = Nd4j.create(dt, 1, conf.getVertices().values().stream()
                .mapToLong(v -> v.numParams(true)).sum());
        Nd4j.getExecutioner().exec(new GaussianDistribution(flat, 0.0, MLPEBM.NORMAL_INIT_STDDEV),
                Nd4j.getRandomFactory().getNewRandomInstance(seed));
        graph.init(flat, false);
        DenseParams.initNormalizers(graph);
        List<String> names = new ArrayList<>(trunk.denseNames());
        names.addAll(MdnHead.DENSE_NAMES);
        this.denseNames = Collections.unmodifiableList(names);
        List<String> paramLayers = new ArrayList<>(trunk.paramLayerNames());
        paramLayers.addAll(MdnHead.DENSE_NAMES);
        this.params = new DenseParams(graph, paramLayers);
    }

    /** A network without gin and without an act_denorm_layer. */
    public static MLPMDN create(Config config, int obsDim, int actionDim, long seed) {
        return create(config, obsDim, actionDim, seed, null);
    }

    public static MLPMDN create(Config config, int obsDim, int actionDim, long seed, Object actDenormLayer) {
        return new MLPMDN(checked(config), obsDim, actionDim, seed, actDenormLayer, WorkspaceMode.ENABLED);
    }

    private static TrunkLayer trunkFor(Config c) {
        return TrunkLayer.of("MLPMDN", c.layers(), c.width(), c.depth(), c.rate(), "relu", c.normalizer());
    }

    public Config config() {
        return config;
    }

    public MdnHead head() {
        return head;
    }

    public int obsDim() {
        return obsDim;
    }

    public int actionDim() {
        return actionDim;
    }

    public Object actDenormLayer() {
        return actDenormLayer;
    }

    public ComputationGraph graph() {
        return graph;
    }

    public List<String> denseNames() {
        return denseNames;
    }

    /** Named views into the graph's parameters, Keras' variable order (writes go to the model). */
    public Map<String, INDArray> params() {
        return params.views();
    }

    public Map<String, INDArray> viewsOf(INDArray flat) {
        return params.viewsOf(flat);
    }

    /** Sets every parameter from Keras-shaped arrays (kernels [in, out], biases [out]). */
    public void setParams(Map<String, INDArray> values) {
        params.set(values);
    }

    /**
     * {@code MLPMDN.call(obs, training)}: the mixture; training=False has dropout off, the test temperature and
     * variance exponent, and the act_denorm_layer applied; training=True draws dropout from
     * the noise given to {@link #dropoutNoise}.
     */
    public GaussianMixture call(INDArray obs, boolean training) {
        INDArray[] out = GraphCalls.output(graph, training, obs);
        return head.mixture(out[0], out[1], out[2], training, actDenormLayer);
    }

    /** The three Dense outputs {@code mu, logvar, pi} of one pass and the parameter gradient. */
    public record TrainingPass(INDArray mu, INDArray logvar, INDArray pi, INDArray gradient) {}

    /** Upstream gradients for the three Dense outputs, computed from them. */
    public interface Upstream {
        INDArray[] gradients(INDArray mu, INDArray logvar, INDArray pi);
    }

    /** One training-mode pass and {@code ∂L/∂θ} by DL4J backprop through the same dropout masks. */
    public TrainingPass trainingPass(INDArray obs, Upstream upstream) {
        try (GraphCalls.Pass pass = GraphCalls.forward(graph, obs)) {
            INDArray mu = pass.activation("mu").dup();
            INDArray logvar = pass.activation("logvar").dup();
            INDArray pi = pass.activation("pi").dup();
            INDArray[] eps = upstream.gradients(mu, logvar, pi);
            Preconditions.checkArgument(eps.length == 3, "expected 3 upstream gradients, got %s", eps.length);
            DataType dt = mu.dataType();
            INDArray flat = pass.backward(eps[0].castTo(dt), eps[1].castTo(dt), eps[2].castTo(dt));
            return new TrainingPass(mu, logvar, pi, flat);
        }
    }

    /** Where the dropout layers draw from in training calls until the binding is closed. */
    public KerasDropout.Binding dropoutNoise(NoiseSource noise) {
        return KerasDropout.bind(graph, noise);
    }
}
