package ibc4j.agents.policy;

import ibc4j.agents.IbcPolicy;
import ibc4j.agents.mcmc.LangevinConfig;
import ibc4j.networks.MLPEBM;
import ibc4j.normalizers.Normalizers;
import java.util.Collection;
import java.util.List;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The configuration of IBC's inference policy as a DL4J layer (mirrors {@code ibc/agents/ibc_policy.py}
 * IbcPolicy with IBC's GreedyPolicy): input the RAW flattened observation {@code [B, nIn]}, output the action
 * {@code [B, nOut]}. Its parameters are the EBM's ({@link EbmParamInitializer}); everything else the policy
 * computes with is stored here as plain fields, which DL4J's JSON configuration writes and reads ({@code @JsonProperty}:
 * DL4J's mapper sees only getters otherwise; the class name is the JSON type id, so no registration is needed): the obs normalizer expanded to the flat layout, the sampling
 * bounds, the act denormalizer, the env clip, IbcPolicy's settings, the Langevin settings, and the noise seed.
 *
 * <p>Observation layout (IBC's MLPEBM flatten): frame by frame, oldest first; within a frame the observation keys
 * in sorted order ({@link #getObsKeys()}), each key's values ({@link #getObsKeyDims()}).
 *
 * <p>The math is {@link IbcPolicy}'s: {@link IbcPolicyLayerImpl} rebuilds that policy over these settings and
 * calls it, so the layer computes exactly what the training code evaluates.
 */
public class IbcPolicyLayer extends FeedForwardLayer {
    private static final long serialVersionUID = 1L;

    // MLPEBM.Config
    @JsonProperty
    private int ebmWidth;
    @JsonProperty
    private int ebmDepth;
    @JsonProperty
    private double ebmRate;
    @JsonProperty
    private String ebmActivation;
    @JsonProperty
    private String ebmLayers;
    @JsonProperty
    private String ebmKernelInitializer;
    @JsonProperty
    private String ebmBiasInitializer;
    @JsonProperty
    private String ebmDenseLayerType;
    // observation layout and obs_norm_layer (null mean/std: no normalizer)
    @JsonProperty
    private String[] obsKeys;
    @JsonProperty
    private int[] obsKeyDims;
    @JsonProperty
    private int historyLength;
    @JsonProperty
    private float[] obsMean;
    @JsonProperty
    private float[] obsStd;
    // act_denorm_layer: "none", "std" (a = mean, b = std) or "minmax" (a = min, b = max)
    @JsonProperty
    private String actDenorm;
    @JsonProperty
    private float[] actDenormA;
    @JsonProperty
    private float[] actDenormB;
    // action_sampling_spec (normalized) and action_spec (the clip; null without)
    @JsonProperty
    private float[] samplingMin;
    @JsonProperty
    private float[] samplingMax;
    @JsonProperty
    private boolean clip;
    @JsonProperty
    private float[] envMin;
    @JsonProperty
    private float[] envMax;
    // IbcPolicy
    @JsonProperty
    private int numActionSamples;
    @JsonProperty
    private boolean training;
    @JsonProperty
    private boolean useDfo;
    @JsonProperty
    private boolean useLangevin;
    @JsonProperty
    private double inferenceLangevinNoiseScale;
    @JsonProperty
    private boolean optimizeAgain;
    @JsonProperty
    private double againStepsizeInit;
    @JsonProperty
    private double againStepsizeFinal;
    // langevin_actions_given_obs (the first chain)
    @JsonProperty
    private int langevinNumIterations;
    @JsonProperty
    private double langevinStepsizeInit;
    @JsonProperty
    private double langevinStepsizeDecay;
    @JsonProperty
    private double langevinNoiseScale;
    @JsonProperty
    private Double langevinGradClip;
    @JsonProperty
    private double langevinDeltaActionClip;
    @JsonProperty
    private boolean langevinUsePolynomialRate;
    @JsonProperty
    private double langevinStepsizeFinal;
    @JsonProperty
    private double langevinStepsizePower;
    @JsonProperty
    private String langevinGradNormType;
    // the first draw of a freshly instantiated layer's generator
    @JsonProperty
    private long noiseSeed;

    private transient long numEbmParams = -1;

    /** For DL4J's JSON reader. */
    public IbcPolicyLayer() {}

    /**
     * The layer of {@code policy}.
     *
     * @param obsLayout  the observation keys (sorted) with their widths per frame; their widths times the history
     *                   length must be the network's observation width
     * @param noiseSeed  the seed of the layer's own random generator
     */
    public static IbcPolicyLayer of(IbcPolicy policy, java.util.SortedMap<String, Integer> obsLayout, long noiseSeed) {
        MLPEBM net = policy.network();
        if (net.spectralNorm()) {
            throw new UnsupportedOperationException("exporting a policy with MLPEBM.dense_layer_type='spectral_norm' "
                    + "is not supported (its DenseSN u state is not part of the exported layer)");
        }
        IbcPolicy.Settings s = policy.settings();
        IbcPolicyLayer l = new IbcPolicyLayer();
        l.nIn = net.obsDim();
        l.nOut = net.actionDim();
        MLPEBM.Config c = net.config();
        l.ebmWidth = c.width();
        l.ebmDepth = c.depth();
        l.ebmRate = c.rate();
        l.ebmActivation = c.activation();
        l.ebmLayers = c.layers();
        l.ebmKernelInitializer = c.kernelInitializer();
        l.ebmBiasInitializer = c.biasInitializer();
        l.ebmDenseLayerType = c.denseLayerType();
        ObsLayout layout = ObsLayout.of(obsLayout, net.obsDim(), s.obsNormLayer());
        l.obsKeys = layout.keys();
        l.obsKeyDims = layout.dims();
        l.historyLength = layout.historyLength();
        l.obsMean = layout.mean();
        l.obsStd = layout.std();
        Object denorm = s.actDenormLayer();
        if (denorm == null) {
            l.actDenorm = "none";
        } else if (denorm instanceof Normalizers.Std std) {
            l.actDenorm = "std";
            l.actDenormA = std.mean().clone();
            l.actDenormB = std.std().clone();
        } else if (denorm instanceof Normalizers.MinMax mm) {
            l.actDenorm = "minmax";
            l.actDenormA = mm.min().clone();
            l.actDenormB = mm.max().clone();
        } else {
            throw new UnsupportedOperationException("act_denorm_layer " + denorm.getClass().getName()
                    + " cannot be exported; only Normalizers.Std, Normalizers.MinMax or None");
        }
        l.samplingMin = s.minActions();
        l.samplingMax = s.maxActions();
        l.clip = s.clip();
        if (s.envBounds() != null) {
            l.envMin = s.envBounds()[0];
            l.envMax = s.envBounds()[1];
        }
        l.numActionSamples = s.numActionSamples();
        l.training = s.training();
        l.useDfo = s.useDfo();
        l.useLangevin = s.useLangevin();
        l.inferenceLangevinNoiseScale = s.inferenceLangevinNoiseScale();
        l.optimizeAgain = s.optimizeAgain();
        l.againStepsizeInit = s.againStepsizeInit();
        l.againStepsizeFinal = s.againStepsizeFinal();
        LangevinConfig g = s.langevin();
        if (g.returnChain()) {
            throw new UnsupportedOperationException("langevin_actions_given_obs.return_chain=True cannot be exported");
        }
        l.langevinNumIterations = g.numIterations();
        l.langevinStepsizeInit = g.stepsizeInit();
        l.langevinStepsizeDecay = g.stepsizeDecay();
        l.langevinNoiseScale = g.noiseScale();
        l.langevinGradClip = g.gradClip();
        l.langevinDeltaActionClip = g.deltaActionClip();
        l.langevinUsePolynomialRate = g.usePolynomialRate();
        l.langevinStepsizeFinal = g.stepsizeFinal();
        l.langevinStepsizePower = g.stepsizePower();
        l.langevinGradNormType = g.gradNormType();
        l.noiseSeed = noiseSeed;
        return l;
    }

    MLPEBM.Config ebmConfig() {
        return new MLPEBM.Config(ebmWidth, ebmDepth, ebmRate, ebmActivation, ebmLayers, ebmKernelInitializer,
                ebmBiasInitializer, ebmDenseLayerType);
    }

    /** A new EBM of this layer's architecture, initialised by MLPEBM with {@code seed}. */
    MLPEBM newEbm(long seed) {
        return MLPEBM.create(ebmConfig(), (int) nIn, (int) nOut, seed);
    }

    long numEbmParams() {
        if (numEbmParams < 0) {
            numEbmParams = newEbm(EbmParamInitializer.INIT_SEED).graph().numParams();
        }
        return numEbmParams;
    }

    /** IbcPolicy over {@code ebm} with this layer's settings, taking one observation key {@code [B, 1, nIn]}. */
    IbcPolicy newPolicy(MLPEBM ebm) {
        float[][] env = envMin == null ? null : new float[][] {envMin, envMax};
        Object obsNorm = obsMean == null ? null : new Normalizers.Std(obsMean, obsStd);
        Object denorm = switch (actDenorm) {
            case "none" -> null;
            case "std" -> new Normalizers.Std(actDenormA, actDenormB);
            case "minmax" -> new Normalizers.MinMax(actDenormA, actDenormB);
            default -> throw new IllegalStateException("IbcPolicyLayer.actDenorm: unknown '" + actDenorm + "'");
        };
        IbcPolicy p = new IbcPolicy(null, env, new float[][] {samplingMin, samplingMax}, ebm,
                new ibc4j.gin.Tuple(List.of()), new ibc4j.gin.Tuple(List.of()), numActionSamples, clip, training,
                null, useDfo, useLangevin, inferenceLangevinNoiseScale, optimizeAgain, againStepsizeInit,
                againStepsizeFinal, false, obsNorm, denorm);
        return p.withLangevin(new LangevinConfig(langevinNumIterations, langevinStepsizeInit, langevinStepsizeDecay,
                langevinNoiseScale, langevinGradClip, langevinDeltaActionClip, langevinUsePolynomialRate,
                langevinStepsizeFinal, langevinStepsizePower, false, langevinGradNormType));
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> listeners, int layerIndex,
                                                       INDArray layerParamsView, boolean initializeParams,
                                                       DataType networkDataType) {
        IbcPolicyLayerImpl layer = new IbcPolicyLayerImpl(conf, networkDataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        layer.setParamTable(initializer().init(conf, layerParamsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }

    @Override
    public ParamInitializer initializer() {
        return EbmParamInitializer.INSTANCE;
    }

    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return List.of();
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return new LayerMemoryReport.Builder(layerName, IbcPolicyLayer.class, inputType, getOutputType(-1, inputType))
                .standardMemory(numEbmParams(), 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    /** The observation keys, sorted: the order of each frame's values in the flat input. */
    public String[] getObsKeys() {
        return obsKeys.clone();
    }

    /** Each key's width per frame, in {@link #getObsKeys()} order. */
    public int[] getObsKeyDims() {
        return obsKeyDims.clone();
    }

    /** The number of frames T in the flat input (IBC's sequence_length). */
    public int getHistoryLength() {
        return historyLength;
    }

    /** The seed a freshly instantiated layer's random generator starts from. */
    public long getNoiseSeed() {
        return noiseSeed;
    }

    public int getNumActionSamples() {
        return numActionSamples;
    }

    public boolean isUseDfo() {
        return useDfo;
    }

    public boolean isUseLangevin() {
        return useLangevin;
    }
}
