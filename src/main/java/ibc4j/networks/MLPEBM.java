package ibc4j.networks;

import ibc4j.gin.Configurable;
import ibc4j.gin.MaxBytes;
import ibc4j.gin.Param;
import ibc4j.gin.Positive;
import ibc4j.gin.Range;
import ibc4j.networks.layers.ResNetLayer;
import ibc4j.networks.layers.ResNetNormalizer;
import ibc4j.networks.layers.SpectralNorm;
import ibc4j.networks.layers.TrunkLayer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.GaussianDistribution;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * The energy network; mirrors {@code MLPEBM} in {@code networks/mlp_ebm.py} (IBC db89ddb).
 *
 * <pre>
 * f(obs, act) = head(trunk(concat(obs_flat, act)))     obs [R, obsDim], act [R, A] → f [R]
 * </pre>
 * The trunk is {@code layers} = 'MLPDropout' | 'ResNetOrig' | 'ResNetPreActivation' with {@code hidden_sizes =
 * [width] * depth}; the head is a linear {@code Dense(1)} (IBC builds {@code dense(action_spec.shape[-1])} and
 * get_cloning_network passes {@code action_spec = TensorSpec([1])}, the energy's spec). f is what IBC calls the
 * energy; it is a logit (higher is better), see spec §2.1.
 *
 * <p>The DL4J {@link ComputationGraph} (inputs {@code obs}, {@code action}; output {@code head} [R, 1]) is the
 * model of record: its flat parameter array is what gets trained and checkpointed. {@link #params()} are named
 * views into that array with Keras-like names and Keras shapes ({@code proj_kernel [in, width]},
 * {@code proj_bias [width]}, …, {@code head_kernel [width, 1]}, {@code head_bias [1]}); kernels are DL4J's
 * 'f'-order [in, out] views. {@link EbmKernel} reads the same views, so there is one copy of the weights.
 *
 * <p>{@code dense_layer_type='spectral_norm'} (IBC's DenseSN, {@link SpectralNorm}): the graph holds the raw kernels
 * W, which are trained and checkpointed, and each dense layer has a non-trainable vector {@code u}
 * ({@link #spectralNormState()}). A second graph of the same configuration holds the weights a call runs with,
 * W̄ = W/σ and the same biases; {@link #call(boolean)} recomputes them (and, on training calls, advances u) as every
 * DenseSN call does, and the kernels read them ({@link #forwardParam}). For 'regular' both are the one graph.
 *
 * <p>Initialisation: Keras' {@code 'normal'} is RandomNormal(mean 0, stddev 0.05) for kernels AND biases. DL4J's
 * biasInit is a constant, so the whole flat array is drawn from N(0, 0.05) with a seeded ND4J generator (the
 * global ND4J RNG is not touched). TF's random stream cannot be reproduced; parity tests load TF's weights
 * through {@link #setParams(Map)}.
 */
public final class MLPEBM {
    /** IBC's {@code layers} values. */
    public static final List<String> LAYERS = TrunkLayer.KINDS;
    /** Keras RandomNormal's default stddev, which {@code 'normal'} resolves to. */
    public static final double NORMAL_INIT_STDDEV = 0.05;

    /**
     * MLPEBM's gin parameters, with IBC's defaults in {@link #ibcDefaults()}.
     *
     * @param width             hidden width. IBC default 512; particle config 256.
     * @param depth             number of hidden dense layers (ResNet: 2 per block, plus the projection). Default 2.
     * @param rate              Keras dropout rate (fraction dropped). Default 0.1; every EBM config sets 0.0.
     * @param activation        'relu' or 'swish'. Default 'relu'.
     * @param layers            one of {@link #LAYERS}. Default 'MLPDropout'; every EBM config: 'ResNetPreActivation'.
     * @param kernelInitializer only 'normal' (the default) is supported.
     * @param biasInitializer   only 'normal' (the default) is supported.
     * @param denseLayerType    'regular' (default) or 'spectral_norm' (the d4rl config; see {@link SpectralNorm}).
     * @param normalizer        {@code ResNetLayer.normalizer}: null (None, IBC's default and every config), 'Batch'
     *                          or 'Layer' ({@link ibc4j.networks.layers.KerasNorm}); ResNet layers only
     */
    public record Config(int width, int depth, double rate, String activation, String layers,
                         String kernelInitializer, String biasInitializer, String denseLayerType,
                         String normalizer) {
        /** Without a normalizer (None). */
        public Config(int width, int depth, double rate, String activation, String layers, String kernelInitializer,
                      String biasInitializer, String denseLayerType) {
            this(width, depth, rate, activation, layers, kernelInitializer, biasInitializer, denseLayerType, null);
        }

        /** The defaults of {@code MLPEBM.__init__}. */
        public static Config ibcDefaults() {
            return new Config(512, 2, 0.1, "relu", "MLPDropout", "normal", "normal", "regular");
        }

        /** {@code configs/particle/mlp_ebm_langevin.gin}: ResNetPreActivation, width 256, depth 2, rate 0. */
        public static Config particle() {
            return new Config(256, 2, 0.0, "relu", "ResNetPreActivation", "normal", "normal", "regular");
        }

        public Config withWidth(int w) {
            return new Config(w, depth, rate, activation, layers, kernelInitializer, biasInitializer, denseLayerType,
                    normalizer);
        }

        public Config withDepth(int d) {
            return new Config(width, d, rate, activation, layers, kernelInitializer, biasInitializer, denseLayerType,
                    normalizer);
        }

        public Config withRate(double r) {
            return new Config(width, depth, r, activation, layers, kernelInitializer, biasInitializer, denseLayerType,
                    normalizer);
        }

        public Config withLayers(String l) {
            return new Config(width, depth, rate, activation, l, kernelInitializer, biasInitializer, denseLayerType,
                    normalizer);
        }

        /** {@code ResNetLayer.normalizer}: null (None), 'Batch' or 'Layer'. */
        public Config withNormalizer(String n) {
            return new Config(width, depth, rate, activation, layers, kernelInitializer, biasInitializer,
                    denseLayerType, n);
        }
    }

    private final Config config;
    private final int obsDim;
    private final int actionDim;
    private final TrunkLayer trunk;
    private final ComputationGraph graph;
    private final List<String> denseNames; // Keras order, head last
    private final DenseParams params;
    private final SpectralNormWeights spectralNorm; // null for 'regular'
    private boolean kernelTrainingPass = true;
    /** The lean training kernel of {@link #trainingPass(INDArray, INDArray, boolean)}, for one row count. */
    private PreActivationKernel leanKernel;
    /** Kernels by row count, the two used last (see {@link #kernel(int)}). */
    private final Map<Integer, EbmKernel> kernels = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, EbmKernel> eldest) {
            return size() > 2;
        }
    };

    private MLPEBM(Config config, int obsDim, int actionDim, TrunkLayer trunk, ComputationGraph graph,
                   long seed) {
        this.config = config;
        this.obsDim = obsDim;
        this.actionDim = actionDim;
        this.trunk = trunk;
        this.graph = graph;
        List<String> names = new ArrayList<>(trunk.denseNames());
        names.add("head");
        this.denseNames = Collections.unmodifiableList(names);
        List<String> paramLayers = new ArrayList<>(trunk.paramLayerNames());
        paramLayers.add("head");
        this.params = new DenseParams(graph, paramLayers);
        // DenseSN's u is drawn after the weights, from its own generator (seed + 1).
        this.spectralNorm = config.denseLayerType().equals("spectral_norm")
                ? new SpectralNormWeights(graph, params, denseNames, seed + 1) : null;
    }

    /** Builds and initialises the network with DL4J's default updater and workspaces on. */
    public static MLPEBM create(Config config, int obsDim, int actionDim, long seed) {
        return create(config, obsDim, actionDim, seed, null, WorkspaceMode.ENABLED);
    }

    /**
     * Builds the graph and draws every parameter from N(0, 0.05) with {@code seed}.
     *
     * @param obsDim    flattened observation width (particle 2-D: 2 frames × 8 = 16)
     * @param actionDim action width A
     * @param updater   the training updater stored in the graph configuration, or null for DL4J's default
     * @param workspace DL4J workspace mode for training and inference (the layout is correct in both)
     */
    public static MLPEBM create(Config config, int obsDim, int actionDim, long seed, IUpdater updater,
                                WorkspaceMode workspace) {
        Preconditions.checkArgument(obsDim >= 0 && actionDim >= 1,
                "need obsDim >= 0 and actionDim >= 1, got obsDim=%s actionDim=%s", obsDim, actionDim);
        TrunkLayer trunk = trunkFor(config);
        DataType dt = Nd4j.defaultFloatingPointType();
        NeuralNetConfiguration.Builder nn = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dt)
                .weightInit(new NormalDistribution(0.0, NORMAL_INIT_STDDEV)) // documents the init; overwritten below
                .trainingWorkspaceMode(workspace)
                .inferenceWorkspaceMode(workspace);
        if (updater != null) {
            nn.updater(updater);
        }
        GraphBuilder gb = nn.graphBuilder().addInputs("obs", "action");
        gb.addVertex("net_input", new MergeVertex(), "obs", "action"); // tf.concat([obs, act], -1)
        String top = trunk.addTo(gb, "net_input", obsDim + actionDim);
        gb.addLayer("head", new DenseLayer.Builder().nIn(trunk.outputWidth()).nOut(1)
                .activation(Activation.IDENTITY).build(), top);
        ComputationGraphConfiguration conf = gb.setOutputs("head").build();
        ComputationGraph graph = new ComputationGraph(conf);

        INDArray flat = Nd4j.create(dt, 1, conf.getVertices().values().stream()
                .mapToLong(v -> v.numParams(true)).sum());
        Nd4j.getExecutioner().exec(new GaussianDistribution(flat, 0.0, NORMAL_INIT_STDDEV),
                Nd4j.getRandomFactory().getNewRandomInstance(seed));
        graph.init(flat, false); // given parameters are used as is: no DL4J initialiser runs
        DenseParams.initNormalizers(graph); // Keras' 1, 0 (and moving 0, 1) where the draw put N(0, 0.05)
        return new MLPEBM(config, obsDim, actionDim, trunk, graph, seed);
    }

    /**
     * The {@code MLPEBM} gin configurable, IBC's constructor parameter for parameter. IBC's
     * {@code get_cloning_network} passes {@code obs_spec=(obs_tensor_spec, action_tensor_spec)}; here that pair is
     * an {@link InputSpec} of flattened widths. The initial weights come from {@link ibc4j.runtime.GlobalSeed}, as
     * Keras' initialisers draw from TF's global seed.
     */
    @Configurable("MLPEBM")
    public static MLPEBM fromGin(
            @Param(value = "obs_spec", doc = "(observation, action) widths: an MLPEBM.InputSpec") InputSpec obsSpec,
            @Param(value = "action_spec", doc = "the energy's spec, TensorSpec([1]) in IBC (unused)") Object actionSpec,
            @Positive @MaxBytes(bytesPerUnit = 4, power = 2, what = "one width x width float32 kernel")
            @Param(value = "width", dflt = "512", doc = "hidden width") int width,
            @Positive @Param(value = "depth", dflt = "2", doc = "hidden layers (ResNet: 2 per block)") int depth,
            @Range(min = 0, max = 1, maxExclusive = true)
            @Param(value = "rate", dflt = "0.1", doc = "dropout rate (training only)") double rate,
            @Param(value = "name", dflt = "'MLPEBM'", doc = "unused") String name,
            @Param(value = "activation", dflt = "'relu'", doc = "hidden activation") String activation,
            @Param(value = "layers", dflt = "'MLPDropout'", doc = "MLPDropout, ResNetOrig or ResNetPreActivation")
            String layers,
            @Param(value = "kernel_initializer", dflt = "'normal'", doc = "only 'normal'") String kernelInitializer,
            @Param(value = "bias_initializer", dflt = "'normal'", doc = "only 'normal'") String biasInitializer,
            @Param(value = "dense_layer_type", dflt = "'regular'", doc = "'regular' or 'spectral_norm'")
            String denseLayerType) {
        Config c = new Config(width, depth, rate, activation, layers, kernelInitializer, biasInitializer,
                denseLayerType, ResNetNormalizer.bound(layers));
        return create(c, obsSpec.obsDim(), obsSpec.actionDim(), obsSpec.initSeed());
    }

    /**
     * Refuses a {@code ResNetLayer.normalizer} binding other than None for the networks that do not build one yet
     * (ConvMLPMSE, ConvMLPMDN); see {@link ResNetNormalizer#requireNone}.
     */
    public static void requireNoResNetNormalizer() {
        ResNetNormalizer.requireNone(ibc4j.gin.GinConfig.currentOrNull(), "the pixel networks' trunks");
    }

    /**
     * What MLPEBM needs from IBC's {@code (obs_tensor_spec, action_tensor_spec)}: the flattened widths; and, which
     * TF takes from its global seed, the seed of the initial weights.
     */
    public record InputSpec(int obsDim, int actionDim, long initSeed) {}

    private static TrunkLayer trunkFor(Config c) {
        if (!c.denseLayerType().equals("regular") && !c.denseLayerType().equals("spectral_norm")) {
            throw new IllegalArgumentException("MLPEBM.dense_layer_type must be 'regular' or 'spectral_norm', got '"
                    + c.denseLayerType() + "'");
        }
        for (String init : List.of(c.kernelInitializer(), c.biasInitializer())) {
            if (!init.equals("normal")) {
                throw new UnsupportedOperationException("MLPEBM initializer '" + init
                        + "' is not supported; only Keras 'normal' (RandomNormal stddev 0.05), IBC's default");
            }
        }
        if (c.normalizer() != null && c.denseLayerType().equals("spectral_norm")
                && !c.layers().equals("MLPDropout")) {
            // DenseSN's second graph holds W/σ and the biases only; the norms' statistics would not reach it.
            throw new UnsupportedOperationException("ResNetLayer.normalizer = '" + c.normalizer() + "' with "
                    + "MLPEBM.dense_layer_type = 'spectral_norm' is not implemented (no IBC config binds both)");
        }
        return TrunkLayer.of("MLPEBM", c.layers(), c.width(), c.depth(), c.rate(), c.activation(), c.normalizer());
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

    /** Width of the network input, {@code obsDim + actionDim}. */
    public int inputDim() {
        return obsDim + actionDim;
    }

    /** Number of residual blocks (ResNet layers), or of hidden dense layers (MLPDropout). */
    public int numBlocks() {
        return trunk instanceof ResNetLayer ? ((ResNetLayer) trunk).numBlocks() : config.depth();
    }

    public DataType dataType() {
        return graph.params().dataType();
    }

    /** The model of record. Its parameter array must not be replaced (e.g. by {@code init()}) under a kernel. */
    public ComputationGraph graph() {
        return graph;
    }

    /** DL4J names of the dense layers in Keras' trainable-variable order, head last. */
    public List<String> denseNames() {
        return denseNames;
    }

    /** Parameter names in Keras' trainable-variable order: {@code <dense>_kernel, <dense>_bias, …}. */
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

    /**
     * The same named views laid over another flat array with the graph's parameter layout (e.g. a gradient).
     *
     * @param flat {@code [numParams]} or {@code [1, numParams]}, contiguous
     */
    public Map<String, INDArray> viewsOf(INDArray flat) {
        return params.viewsOf(flat);
    }

    /**
     * Sets every parameter from Keras-shaped arrays (kernels [in, out], biases [out]), e.g. TF goldens.
     *
     * @throws IllegalArgumentException if a name is missing or unknown, or a shape differs
     */
    public void setParams(Map<String, INDArray> values) {
        params.set(values);
    }

    // ------------------------------------------------------------------------------- spectral norm

    /** Whether the dense layers are IBC's DenseSN. */
    public boolean spectralNorm() {
        return spectralNorm != null;
    }

    /**
     * DenseSN's non-trainable {@code u} per dense layer ([1, units], live arrays: assign to restore a checkpoint);
     * empty for 'regular'.
     */
    public Map<String, INDArray> spectralNormState() {
        return spectralNorm == null ? Map.of() : spectralNorm.u();
    }

    /**
     * The weights one call of the network runs with, as IBC's layers compute them at the start of every call:
     * for DenseSN, W̄ = W/σ from one power iteration from u, and {@code u ← u'} when {@code training}; for
     * 'regular', the parameters themselves (nothing to do). The result maps gradients with respect to those
     * weights back to the parameters.
     */
    public Call call(boolean training) {
        return spectralNorm == null ? Call.IDENTITY : spectralNorm.call(training);
    }

    /** One call's weights; see {@link #call(boolean)}. */
    public interface Call {
        /** The parameters themselves: gradients pass unchanged. */
        Call IDENTITY = g -> g;

        /**
         * @param forwardGradient dL/d(the call's weights), flat in the graph's layout
         * @return dL/dθ, flat in the graph's layout ({@code forwardGradient} itself for 'regular')
         */
        INDArray toParamGradient(INDArray forwardGradient);
    }

    /** The graph the forward passes run on: {@link #graph()}, or for DenseSN the one holding the last call's W̄. */
    public ComputationGraph forwardGraph() {
        return spectralNorm == null ? graph : spectralNorm.normalized();
    }

    /** The weights of the last {@link #call} by parameter name: {@link #params()} unless DenseSN. */
    public Map<String, INDArray> forwardParams() {
        return forward().views();
    }

    /** A weight of the last {@link #call}, by parameter name (the kernels read these). */
    public INDArray forwardParam(String name) {
        return forward().param(name);
    }

    private DenseParams forward() {
        return spectralNorm == null ? params : spectralNorm.normalizedParams();
    }

    // ------------------------------------------------------------------------------- forward

    /**
     * f(obs, act) in inference mode (dropout off), as {@code MLPEBM.call(training=False)}: includes the
     * {@link #call(boolean) call(false)} that DenseSN makes (u unchanged).
     */
    public INDArray energies(INDArray obs, INDArray act) {
        call(false);
        return output(false, obs, act);
    }

    /**
     * f(obs, act) in training mode (dropout on when rate > 0) with the weights of the last {@link #call}: the
     * agent calls {@code call(true)} first, as IBC's prediction pass advances DenseSN's u once.
     */
    public INDArray energiesTraining(INDArray obs, INDArray act) {
        return output(true, obs, act);
    }

    private INDArray output(boolean training, INDArray obs, INDArray act) {
        INDArray head = GraphCalls.output(forwardGraph(), training, obs, act)[0]; // [R, 1]
        return head.reshape(head.size(0)); // tf.squeeze(x, axis=-1)
    }

    /**
     * Gradient of {@code L = Σ_r dLdf[r]·f(obs_r, act_r)} with respect to every weight of the last {@link #call}
     * (the parameters themselves unless DenseSN: then map it with that call), by DL4J backprop in training mode:
     * the first-order path of the training loss (info_nce).
     *
     * @param dLdf {@code [R]} or {@code [R, 1]}
     * @return a new flat array in the graph's parameter layout (use {@link #viewsOf} for names)
     */
    public INDArray paramGradient(INDArray obs, INDArray act, INDArray dLdf) {
        return trainingPass(obs, act).paramGradient(dLdf);
    }

    /**
     * f(obs, act) in training mode with the weights of the last {@link #call}, its layer states kept for one
     * {@link TrainingPass#paramGradient}: a training step's single forward pass, for the loss and its gradient.
     * Where the training forward is the inference forward ({@link #kernelTrains()}) it runs on the kernel of
     * {@link #kernel(int)}, whose parameter gradient keeps the weight-gradient GEMMs out of DL4J's backward; else on
     * the DL4J graph ({@link #graphTrainingPass}).
     */
    public TrainingPass trainingPass(INDArray obs, INDArray act) {
        return trainingPass(obs, act, false);
    }

    /**
     * As {@link #trainingPass(INDArray, INDArray)}; {@code lean} runs the kernel path on a training kernel of its
     * own that keeps only what the parameter gradient reads (per block relu1 and relu2; about half the memory of
     * {@link #kernel(int)} for a deep trunk), with the same values bit for bit. For a step that asks the network
     * nothing else at these rows: IBC's DFO configs, which train without the gradient penalty.
     */
    public TrainingPass trainingPass(INDArray obs, INDArray act, boolean lean) {
        if (!kernelTrains()) {
            return graphTrainingPass(obs, act);
        }
        int rows = (int) obs.size(0);
        PreActivationKernel k;
        if (lean) {
            if (leanKernel == null || leanKernel.rows() != rows) {
                leanKernel = new PreActivationKernel(this, rows, PreActivationKernel.fusedAvailable(), true);
            }
            k = leanKernel;
        } else {
            k = (PreActivationKernel) kernel(rows);
        }
        INDArray f = k.energies(obs, act).dup();
        return new TrainingPass(null, k, f, this);
    }

    /** {@link #trainingPass} on the DL4J graph, whatever the trunk (tests compare the two paths). */
    public TrainingPass graphTrainingPass(INDArray obs, INDArray act) {
        return new TrainingPass(GraphCalls.forward(forwardGraph(), obs, act), null, null, this);
    }

    /**
     * Whether a training pass can run on the kernel: a pre-activation ResNet with ReLU, no dropout (rate 0) and no
     * normalizer (the kernels have none; Batch's training mode differs from its inference mode), so training mode
     * computes what inference mode does.
     */
    public boolean kernelTrains() {
        return kernelTrainingPass && config.layers().equals("ResNetPreActivation") && config.rate() == 0.0
                && config.activation().equals("relu") && config.normalizer() == null;
    }

    /** {@code false} keeps {@link #trainingPass} on the DL4J graph whatever the trunk (benchmarks compare both). */
    public void setKernelTrainingPass(boolean on) {
        this.kernelTrainingPass = on;
    }

    /**
     * The network's kernel for {@code rows} rows, made on first use and kept (the last two row counts: a training
     * batch and a validation batch), so a training step's pass and its gradient penalty share one set of buffers.
     */
    public EbmKernel kernel(int rows) {
        EbmKernel k = kernels.get(rows);
        if (k == null) {
            k = EbmKernel.create(this, rows);
            kernels.put(rows, k);
        }
        return k;
    }

    /** One training-mode forward pass, until its {@link #paramGradient} (or {@link #close}). */
    public static final class TrainingPass implements AutoCloseable {
        private final GraphCalls.Pass pass;        // the graph path, or null
        private final PreActivationKernel kernel;  // the kernel path, or null
        private final INDArray kernelEnergies;
        private final MLPEBM net;

        private TrainingPass(GraphCalls.Pass pass, PreActivationKernel kernel, INDArray kernelEnergies, MLPEBM net) {
            this.pass = pass;
            this.kernel = kernel;
            this.kernelEnergies = kernelEnergies;
            this.net = net;
        }

        /** f at each row, {@code [R]} (a new array). */
        public INDArray energies() {
            if (pass == null) {
                return kernelEnergies;
            }
            INDArray head = pass.output(); // [R, 1]
            return head.reshape(head.size(0)); // tf.squeeze(x, axis=-1)
        }

        /**
         * Gradient of {@code L = Σ_r dLdf[r]·f(obs_r, act_r)} with respect to the weights of the pass's call; ends the
         * pass.
         *
         * @param dLdf {@code [R]} or {@code [R, 1]}
         * @return a new flat array in the graph's parameter layout
         */
        public INDArray paramGradient(INDArray dLdf) {
            if (pass != null) {
                return pass.backward(dLdf.reshape(dLdf.length(), 1));
            }
            INDArray grad = Nd4j.create(net.dataType(), net.graph.params().shape());
            kernel.paramGradient(dLdf, grad);
            return grad;
        }

        @Override
        public void close() {
            if (pass != null) {
                pass.close();
            }
        }
    }
}
