package ibc4j.networks;

import ibc4j.data.SpecNode;
import ibc4j.data.TensorSpec;
import ibc4j.gin.Configurable;
import ibc4j.gin.MaxBytes;
import ibc4j.gin.Param;
import ibc4j.gin.Positive;
import ibc4j.gin.Range;
import ibc4j.networks.layers.KerasDropout;
import ibc4j.networks.layers.ResNetLayer;
import ibc4j.networks.layers.TrunkLayer;
import ibc4j.normalizers.Normalizers;
import ibc4j.runtime.NoiseSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.GaussianDistribution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The explicit (mean-squared-error) behavioral-cloning network; mirrors {@code MLPMSE} in
 * {@code networks/mlp_mse.py} (IBC db89ddb).
 *
 * <pre>
 * y = head(trunk(obs_flat))                 obs [B, obsDim] (flattened, normalized) → y [B, A]
 * call(obs, training=False) = act_denorm_layer(y)       call(obs, training=True) = y (dropout on)
 * </pre>
 * The trunk is {@code layers} = 'MLPDropout' | 'ResNetOrig' | 'ResNetPreActivation' with {@code hidden_sizes =
 * [width] * depth}, regular Dense layers, relu, and Keras {@code 'normal'} = RandomNormal(0, 0.05) for every kernel
 * and bias (mlp_mse.py hard-codes all three); the head is a linear {@code Dense(A)} with the same init. Dropout is
 * Keras' ({@link ibc4j.networks.layers.KerasDropout}): its draws come from the noise given to {@link #dropoutNoise}.
 *
 * <p>As in {@link MLPEBM}, the DL4J {@link ComputationGraph} (input {@code obs}, output {@code head} [B, A]) is the
 * model of record and {@link #params()} are Keras-named views into its flat parameter array ({@code proj_kernel},
 * …, {@code head_kernel [width, A]}, {@code head_bias [A]}).
 *
 * <p>{@code act_denorm_layer}: a {@link Normalizers.Std} (what IBC's MSE configs produce), a
 * {@link Normalizers.MinMax}, a {@code UnaryOperator<INDArray>}, or None. IBC calls it unconditionally when
 * {@code training} is False, so None fails there; {@link #outputNormalized} gives the inference output before it.
 */
@Configurable("MLPMSE")
public final class MLPMSE {
    /** IBC's {@code layers} values. */
    public static final List<String> LAYERS = MLPEBM.LAYERS;

    /**
     * MLPMSE's architecture parameters ({@code MLPMSE.__init__} defaults: width 512, depth 2, rate 0.1,
     * 'MLPDropout'; every IBC MSE config: 'ResNetPreActivation', rate 0.1).
     */
    public record Config(int width, int depth, double rate, String layers, String normalizer) {
        /** Without a ResNet normalizer (None). */
        public Config(int width, int depth, double rate, String layers) {
            this(width, depth, rate, layers, null);
        }

        public static Config ibcDefaults() {
            return new Config(512, 2, 0.1, "MLPDropout");
        }

        /** {@code configs/particle/mlp_mse.gin}: ResNetPreActivation, width 256, depth 2, rate 0.1. */
        public static Config particle() {
            return new Config(256, 2, 0.1, "ResNetPreActivation");
        }

        public Config withWidth(int w) {
            return new Config(w, depth, rate, layers, normalizer);
        }

        public Config withDepth(int d) {
            return new Config(width, d, rate, layers, normalizer);
        }

        public Config withRate(double r) {
            return new Config(width, depth, r, layers, normalizer);
        }

        public Config withLayers(String l) {
            return new Config(width, depth, rate, l, normalizer);
        }

        /** {@code ResNetLayer.normalizer}: null (None), 'Batch' or 'Layer'. */
        public Config withNormalizer(String n) {
            return new Config(width, depth, rate, layers, n);
        }
    }

    private final Config config;
    private final int obsDim;
    private final int actionDim;
    private final Object actDenormLayer;
    private final TrunkLayer trunk;
    private final ComputationGraph graph;
    private final List<String> denseNames;
    private final DenseParams params;

    /**
     * IBC's constructor, parameter for parameter, for gin. The weights are drawn with a seed taken from ND4J's
     * global generator, as Keras draws them from TF's global seed.
     */
    public MLPMSE(
            @Param(value = "obs_spec", doc = "observation spec: a dict of [T, d] TensorSpecs, a TensorSpec, or the "
                    + "flattened width as a number") Object obsSpec,
            @Param(value = "action_spec", doc = "the action spec (its last dimension is A), or A") Object actionSpec,
            @Positive @MaxBytes(bytesPerUnit = 4, power = 2, what = "one width x width float32 kernel")
            @Param(value = "width", dflt = "512", doc = "hidden width; particle config 256") int width,
            @Positive
            @Param(value = "depth", dflt = "2", doc = "hidden dense layers (ResNet: 2 per block + projection)")
            int depth,
            @Range(min = 0, max = 1, maxExclusive = true)
            @Param(value = "rate", dflt = "0.1", doc = "Keras dropout rate in training") double rate,
            @Param(value = "act_denorm_layer", dflt = "None",
                    doc = "applied to the output when training is False (Normalizers.Std / MinMax, a "
                            + "UnaryOperator<INDArray>)") Object actDenormLayer,
            @Param(value = "name", dflt = "'MLPMSE'", doc = "unused") String name,
            @Param(value = "layers", dflt = "'MLPDropout'", doc = "one of MLPDropout, ResNetOrig, ResNetPreActivation")
            String layers) {
        this(ginConfig(width, depth, rate, layers), obsDimOf(obsSpec), actionDimOf(actionSpec),
                initSeedOf(obsSpec), actDenormLayer, WorkspaceMode.ENABLED);
    }

    /**
     * An {@code obs_spec} that also carries the seed of the initial weights, which Keras takes from TF's global seed:
     * how train_eval hands a network built through gin its seed explicitly.
     */
    public record SeededObsSpec(int obsDim, long initSeed) {}

    /** The seed of {@code obsSpec} if it carries one, else a draw from ND4J's global generator (TF's global seed). */
    static long initSeedOf(Object obsSpec) {
        return obsSpec instanceof SeededObsSpec s ? s.initSeed() : Nd4j.getRandom().nextLong();
    }

    /** The gin constructor's Config, with the bound {@code ResNetLayer.normalizer}. */
    private static Config ginConfig(int width, int depth, double rate, String layers) {
        return new Config(width, depth, rate, layers,
                ibc4j.networks.layers.ResNetNormalizer.bound(layers));
    }

    private MLPMSE(Config config, int obsDim, int actionDim, long seed, Object actDenormLayer,
                   WorkspaceMode workspace) {
        Preconditions.checkArgument(obsDim >= 1 && actionDim >= 1,
                "need obsDim >= 1 and actionDim >= 1, got obsDim=%s actionDim=%s", obsDim, actionDim);
        this.config = config;
        this.obsDim = obsDim;
        this.actionDim = actionDim;
        this.actDenormLayer = actDenormLayer;
        this.trunk = trunkFor(config);
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
        gb.addLayer("head", new DenseLayer.Builder().nIn(trunk.outputWidth()).nOut(actionDim)
                .activation(Activation.IDENTITY).build(), top);
        ComputationGraphConfiguration conf = gb.setOutputs("head").build();
        this.graph = new ComputationGraph(conf);
        INDArray flat = Nd4j.create(dt, 1, conf.getVertices().values().stream()
                .mapToLong(v -> v.numParams(true)).sum());
        Nd4j.getExecutioner().exec(new GaussianDistribution(flat, 0.0, MLPEBM.NORMAL_INIT_STDDEV),
                Nd4j.getRandomFactory().getNewRandomInstance(seed));
        graph.init(flat, false);
        DenseParams.initNormalizers(graph);
        List<String> names = new ArrayList<>(trunk.denseNames());
        names.add("head");
        this.denseNames = Collections.unmodifiableList(names);
        List<String> paramLayers = new ArrayList<>(trunk.paramLayerNames());
        paramLayers.add("head");
        this.params = new DenseParams(graph, paramLayers);
    }

    /** A network without gin: {@code obsDim} flattened observation values in, A actions out, no denorm layer. */
    public static MLPMSE create(Config config, int obsDim, int actionDim, long seed) {
        return create(config, obsDim, actionDim, seed, null, WorkspaceMode.ENABLED);
    }

    /** As {@link #create(Config, int, int, long)} with an {@code act_denorm_layer} and a DL4J workspace mode. */
    public static MLPMSE create(Config config, int obsDim, int actionDim, long seed, Object actDenormLayer,
                                WorkspaceMode workspace) {
        return new MLPMSE(config, obsDim, actionDim, seed, actDenormLayer, workspace);
    }

    private static TrunkLayer trunkFor(Config c) {
        return TrunkLayer.of("MLPMSE", c.layers(), c.width(), c.depth(), c.rate(), "relu", c.normalizer());
    }

    /** Flattened observation width: {@code Σ_k T·d_k} over a dict of [T, d] specs, a spec's size, or a number. */
    static int obsDimOf(Object obsSpec) {
        if (obsSpec instanceof SeededObsSpec seeded) {
            return seeded.obsDim();
        }
        if (obsSpec instanceof Number n) {
            return n.intValue();
        }
        if (obsSpec instanceof SpecNode node) {
            return node.flatten().stream().mapToInt(l -> l.spec().size()).sum();
        }
        if (obsSpec instanceof Map<?, ?> m) {
            int sum = 0;
            for (Object v : m.values()) {
                sum += obsDimOf(v);
            }
            return sum;
        }
        throw new IllegalArgumentException("obs_spec: expected a dict of TensorSpecs, a TensorSpec or a number, got "
                + (obsSpec == null ? "None" : obsSpec.getClass().getName()));
    }

    /** IBC's {@code action_spec.shape[-1]}. */
    static int actionDimOf(Object actionSpec) {
        if (actionSpec instanceof Number n) {
            return n.intValue();
        }
        if (actionSpec instanceof TensorSpec s && s.shape().length > 0) {
            return s.shape()[s.shape().length - 1];
        }
        throw new IllegalArgumentException("action_spec: expected a TensorSpec of rank >= 1 or a number, got "
                + (actionSpec == null ? "None" : actionSpec));
    }

    public Config config() {
        return config;
    }

    public int obsDim() {
        return obsDim;
    }

    public int actionDim() {
        return actionDim;
    }

    /** The act_denorm_layer given at construction, or null. */
    public Object actDenormLayer() {
        return actDenormLayer;
    }

    /** Number of residual blocks (ResNet layers), or of hidden dense layers (MLPDropout). */
    public int numBlocks() {
        return trunk instanceof ResNetLayer r ? r.numBlocks() : config.depth();
    }

    /** Number of Keras Dropout layers a training pass goes through (each draws one [B, width] uniform). */
    public int numDropoutLayers() {
        if (config.rate() == 0.0) {
            return 0;
        }
        return trunk instanceof ResNetLayer r ? 2 * r.numBlocks() : config.depth();
    }

    public DataType dataType() {
        return graph.params().dataType();
    }

    /** The model of record; its parameter array must not be replaced. */
    public ComputationGraph graph() {
        return graph;
    }

    /** DL4J names of the dense layers in Keras' trainable-variable order, head last. */
    public List<String> denseNames() {
        return denseNames;
    }

    public List<String> paramNames() {
        return List.copyOf(params.views().keySet());
    }

    /** Named views into the graph's parameters (writes go to the model). */
    public Map<String, INDArray> params() {
        return params.views();
    }

    public INDArray param(String name) {
        return params.param(name);
    }

    /** The same named views laid over another flat array with the graph's parameter layout (e.g. a gradient). */
    public Map<String, INDArray> viewsOf(INDArray flat) {
        return params.viewsOf(flat);
    }

    /** Sets every parameter from Keras-shaped arrays (kernels [in, out], biases [out]), e.g. TF goldens. */
    public void setParams(Map<String, INDArray> values) {
        params.set(values);
    }

    /**
     * {@code MLPMSE.call(obs, training)}: training=False → act_denorm_layer(head output), dropout off;
     * training=True → the head output in normalized units, dropout drawing from the noise given to {@link #dropoutNoise}.
     *
     * @throws IllegalStateException for training=False without an act_denorm_layer (IBC calls None and fails)
     */
    public INDArray call(INDArray obs, boolean training) {
        if (training) {
            return GraphCalls.output(graph, true, obs)[0];
        }
        if (actDenormLayer == null) {
            throw new IllegalStateException("MLPMSE.call(training=False) applies act_denorm_layer, which is None "
                    + "(IBC fails there too); use outputNormalized for the normalized output");
        }
        return Normalizers.denormalizeActions(actDenormLayer, outputNormalized(obs));
    }

    /** The inference output before act_denorm_layer: the head {@code [B, A]}, dropout off. */
    public INDArray outputNormalized(INDArray obs) {
        return GraphCalls.output(graph, false, obs)[0];
    }

    /**
     * One training-mode pass and its parameter gradient: the output {@code y = call(obs, training=True)} and
     * {@code ∂L/∂θ} for {@code ∂L/∂y = upstream(y)}, by DL4J backprop through the SAME dropout masks (one
     * forward pass, so the masks drawn for y are the ones differentiated).
     *
     * @param output   {@code [B, A]}
     * @param gradient flat, in the graph's parameter layout (see {@link #viewsOf})
     */
    public record TrainingPass(INDArray output, INDArray gradient) {}

    public TrainingPass trainingPass(INDArray obs, UnaryOperator<INDArray> upstream) {
        try (GraphCalls.Pass pass = GraphCalls.forward(graph, obs)) {
            INDArray y = pass.activation("head").dup();
            INDArray dLdy = upstream.apply(y);
            Preconditions.checkArgument(java.util.Arrays.equals(dLdy.shape(), y.shape()),
                    "upstream gradient: expected shape %s, got %s", y.shape(), dLdy.shape());
            INDArray flat = pass.backward(dLdy.castTo(y.dataType()));
            return new TrainingPass(y, flat);
        }
    }

    /** Where the dropout layers draw from in training calls until the binding is closed. */
    public KerasDropout.Binding dropoutNoise(NoiseSource noise) {
        return KerasDropout.bind(graph, noise);
    }
}
