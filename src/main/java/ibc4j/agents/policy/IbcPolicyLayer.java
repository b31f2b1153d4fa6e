package ibc4j.agents.policy;

import ibc4j.agents.IbcPolicy;
import ibc4j.agents.mcmc.LangevinConfig;
import ibc4j.networks.MLPEBM;
import java.util.Collection;
import java.util.List;
import java.util.SortedMap;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * IBC's inference policy as a DL4J layer (mirrors {@code ibc/agents/ibc_policy.py} IbcPolicy with IBC's
 * GreedyPolicy): raw flat observation in, action out. Its parameters are the EBM's in MLPEBM's flat layout; it
 * stores, besides what every {@link PolicyLayer} holds, the EBM's architecture, the sampling bounds, IbcPolicy's
 * settings, the Langevin settings and the noise seed.
 *
 * <p>The math is {@link IbcPolicy}'s: {@link IbcPolicyLayerImpl} rebuilds that policy over these settings and
 * calls it, so the layer computes exactly what the training code evaluates.
 */
public class IbcPolicyLayer extends PolicyLayer {
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
    // action_sampling_spec (normalized)
    @JsonProperty
    private float[] samplingMin;
    @JsonProperty
    private float[] samplingMax;
    // IbcPolicy
    @JsonProperty
    private boolean clip;
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

    /** For DL4J's JSON reader. */
    public IbcPolicyLayer() {}

    /**
     * The layer of {@code policy}.
     *
     * @param obsLayout the observation keys (sorted) with their widths per frame; their widths times the history
     *                  length must be the network's observation width
     * @param noiseSeed the seed of the layer's own random generator
     */
    public static IbcPolicyLayer of(IbcPolicy policy, SortedMap<String, Integer> obsLayout, long noiseSeed) {
        MLPEBM net = policy.network();
        if (net.spectralNorm()) {
            throw new UnsupportedOperationException("exporting a policy with MLPEBM.dense_layer_type='spectral_norm' "
                    + "is not supported (its DenseSN u state is not part of the exported layer)");
        }
        IbcPolicy.Settings s = policy.settings();
        if (s.autoregressiveDfo() != null) {
            throw new UnsupportedOperationException("exporting a policy with IbcPolicy.dfo_kind='autoregressive' is "
                    + "not supported (the layer stores IBC's settings only)");
        }
        IbcPolicyLayer l = new IbcPolicyLayer();
        l.setCommon(net.obsDim(), net.actionDim(), ObsLayout.of(obsLayout, net.obsDim(), s.obsNormLayer()),
                s.actDenormLayer(), s.envBounds());
        MLPEBM.Config c = net.config();
        l.ebmWidth = c.width();
        l.ebmDepth = c.depth();
        l.ebmRate = c.rate();
        l.ebmActivation = c.activation();
        l.ebmLayers = c.layers();
        l.ebmKernelInitializer = c.kernelInitializer();
        l.ebmBiasInitializer = c.biasInitializer();
        l.ebmDenseLayerType = c.denseLayerType();
        l.samplingMin = s.minActions();
        l.samplingMax = s.maxActions();
        l.clip = s.clip();
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

    /** A new EBM of this layer's architecture, initialised by MLPEBM with {@code seed}. */
    MLPEBM newEbm(long seed) {
        return MLPEBM.create(new MLPEBM.Config(ebmWidth, ebmDepth, ebmRate, ebmActivation, ebmLayers,
                ebmKernelInitializer, ebmBiasInitializer, ebmDenseLayerType), (int) nIn, (int) nOut, seed);
    }

    @Override
    protected INDArray freshParams(long seed) {
        return newEbm(seed).graph().params();
    }

    /** IbcPolicy over {@code ebm} with this layer's settings, taking one observation key {@code [B, 1, nIn]}. */
    IbcPolicy newPolicy(MLPEBM ebm) {
        IbcPolicy p = new IbcPolicy(null, envBounds(), new float[][] {samplingMin, samplingMax}, ebm,
                new ibc4j.gin.Tuple(List.of()), new ibc4j.gin.Tuple(List.of()), numActionSamples, clip, training,
                null, useDfo, useLangevin, inferenceLangevinNoiseScale, optimizeAgain, againStepsizeInit,
                againStepsizeFinal, false, obsNorm(), actDenormLayer(), "iterative");
        return p.withLangevin(new LangevinConfig(langevinNumIterations, langevinStepsizeInit, langevinStepsizeDecay,
                langevinNoiseScale, langevinGradClip, langevinDeltaActionClip, langevinUsePolynomialRate,
                langevinStepsizeFinal, langevinStepsizePower, false, langevinGradNormType));
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> listeners, int layerIndex,
                                                       INDArray layerParamsView, boolean initializeParams,
                                                       DataType networkDataType) {
        return PolicyLayerImpl.wire(new IbcPolicyLayerImpl(conf, networkDataType), conf, listeners, layerIndex,
                layerParamsView, initializeParams);
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
