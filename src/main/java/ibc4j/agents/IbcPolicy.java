package ibc4j.agents;

import ibc4j.agents.mcmc.AutoregressiveDfo;
import ibc4j.agents.mcmc.Dfo;
import ibc4j.agents.mcmc.LangevinConfig;
import ibc4j.agents.mcmc.Mcmc;
import ibc4j.gin.Configurable;
import ibc4j.gin.Extension;
import ibc4j.gin.GinConfig;
import ibc4j.gin.Param;
import ibc4j.gin.Positive;
import ibc4j.gin.Tuple;
import ibc4j.networks.EbmKernel;
import ibc4j.networks.MLPEBM;
import ibc4j.normalizers.Normalizers;
import ibc4j.runtime.NoiseSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * IBC's inference policy; mirrors {@code ibc/agents/ibc_policy.py} IbcPolicy ({@code _distribution}) with the
 * GreedyPolicy IBC evaluates with (IBC db89ddb).
 *
 * <p>For each of B observations: normalize ({@code obs_norm_layer}), flatten (sorted keys, time-major), tile N =
 * {@code num_action_samples} times; draw N uniform actions on the sampling spec; optionally DFO; if
 * {@code use_langevin}, one Langevin chain with {@code noise_scale=1.0} (a literal in IBC: gin's noise_scale does
 * not reach it) and, with {@code optimize_again}, a second one from its output with {@code again_stepsize_init/
 * final} and {@code inference_langevin_noise_scale}; then {@code get_probabilities} = softmax(f) over the N
 * samples. The samples are denormalized ({@code act_denorm_layer}); the greedy action is the sample with the
 * largest probability (first index on ties, as tf.argmax), clipped to the env's action spec.
 *
 * <p>Batches: IBC builds ONE categorical over all B·N samples, which is right only for B = 1 (its only use).
 * Here each observation gets the argmax over its own N samples; for B = 1 that is IBC's action.
 *
 * <p>{@code dfo_kind} is ibc4j's, not IBC's: 'iterative' (the default) runs IBC's {@code iterative_dfo} when
 * {@code use_dfo}; 'autoregressive' runs {@link AutoregressiveDfo} instead (the paper's App. B.1 optimizer, absent
 * from IBC's code). A kind beside {@code use_dfo} rather than a second switch: {@code use_dfo} keeps IBC's meaning
 * (run DFO on the uniform samples), and the two DFOs cannot both be asked for.
 *
 * <p>The chains are {@code langevin_actions_given_obs} called through a {@link GinConfig} (as in the agent): the
 * one that built this policy, else a fresh one; see {@link #ginConfig()}.
 */
@Configurable("IbcPolicy")
public final class IbcPolicy implements BcPolicy {
    private final MLPEBM net;
    private final Object obsNormLayer;
    private final Object actDenormLayer;
    private final int numActionSamples;
    private final boolean clip;
    private final boolean training;
    private final boolean useDfo;
    private final boolean useLangevin;
    private final double inferenceLangevinNoiseScale;
    private final boolean optimizeAgain;
    private final double againStepsizeInit;
    private final double againStepsizeFinal;
    private final float[] minActions;
    private final float[] maxActions;
    private final float[][] envBounds;   // null: no clip possible (no action_spec given)
    private final LangevinConfig langevin; // langevin_actions_given_obs as this policy calls it
    private final AutoregressiveDfo.Settings autoregressiveDfo; // null: use_dfo runs IBC's iterative_dfo
    private EbmKernel kernel;

    /** IBC's constructor, parameter for parameter (names and defaults as {@code IbcPolicy.__init__}). */
    public IbcPolicy(
            @Param(value = "time_step_spec", doc = "tf-agents time step spec (unused)") Object timeStepSpec,
            @Param(value = "action_spec", doc = "the env's bounded action spec: the final clip") Object actionSpec,
            @Param(value = "action_sampling_spec", doc = "normalized sampling bounds (SamplingSpec or TensorSpec)")
            Object actionSamplingSpec,
            @Param(value = "actor_network", doc = "the EBM") MLPEBM actorNetwork,
            @Param(value = "policy_state_spec", dflt = "()", doc = "unused (MLPEBM is stateless)")
            Object policyStateSpec,
            @Param(value = "info_spec", dflt = "()", doc = "unused") Object infoSpec,
            @Positive
            @Param(value = "num_action_samples", dflt = "16384", doc = "N per observation (IBC: 2**14; particle 512)")
            int numActionSamples,
            @Param(value = "clip", dflt = "True", doc = "clip the action to action_spec") boolean clip,
            @Param(value = "training", dflt = "False", doc = "network mode in DFO") boolean training,
            @Param(value = "name", dflt = "None", doc = "unused") String name,
            @Param(value = "use_dfo", dflt = "False", doc = "run iterative_dfo on the uniform samples") boolean useDfo,
            @Param(value = "use_langevin", dflt = "True", doc = "run the Langevin chain(s)") boolean useLangevin,
            @Param(value = "inference_langevin_noise_scale", dflt = "1.0", doc = "noise of the optimize_again chain")
            double inferenceLangevinNoiseScale,
            @Param(value = "optimize_again", dflt = "False", doc = "a second Langevin chain from the first's output")
            boolean optimizeAgain,
            @Param(value = "again_stepsize_init", dflt = "0.1", doc = "first step size of the second chain")
            double againStepsizeInit,
            @Param(value = "again_stepsize_final", dflt = "1e-5", doc = "last step size of the second chain")
            double againStepsizeFinal,
            @Param(value = "late_fusion", dflt = "False", doc = "PixelEBM only (PixelIbcPolicy)") boolean lateFusion,
            @Param(value = "obs_norm_layer", dflt = "None",
                    doc = "Map<String, Normalizers.Std> per key (IBC's NestMap), a Normalizers.Std, or None")
            Object obsNormLayer,
            @Param(value = "act_denorm_layer", dflt = "None",
                    doc = "Normalizers.MinMax / Std, a UnaryOperator<INDArray>, or None") Object actDenormLayer,
            @Extension @Param(value = "dfo_kind", dflt = "'iterative'",
                    doc = "ibc4j only: the DFO use_dfo runs, 'iterative' (IBC) or 'autoregressive' "
                            + "(autoregressive_dfo)")
            String dfoKind) {
        if (lateFusion) {
            throw new UnsupportedOperationException("IbcPolicy.late_fusion=True needs PixelEBM (PixelIbcPolicy over "
                    + "pixel configs); this policy is over an MLPEBM, which has no encoder");
        }
        if (!useDfo && !useLangevin) {
            throw new IllegalArgumentException("IbcPolicy: neither use_dfo nor use_langevin; IBC then builds its "
                    + "categorical from probs=0, which cannot pick an action");
        }
        if (numActionSamples < 1) {
            throw new IllegalArgumentException("num_action_samples must be >= 1, got " + numActionSamples);
        }
        this.net = java.util.Objects.requireNonNull(actorNetwork, "actor_network");
        EbmKernel.requireSupported(net.config(), false);
        if (training && net.config().rate() > 0) {
            throw new UnsupportedOperationException("IbcPolicy.training=True with dropout rate "
                    + net.config().rate() + " is not implemented");
        }
        if (training && net.spectralNorm()) {
            throw new UnsupportedOperationException("IbcPolicy.training=True with dense_layer_type='spectral_norm' "
                    + "is not implemented (DenseSN would advance u at every Langevin step)");
        }
        this.obsNormLayer = obsNormLayer;
        this.actDenormLayer = actDenormLayer;
        this.numActionSamples = numActionSamples;
        this.clip = clip;
        this.training = training;
        this.useDfo = useDfo;
        this.useLangevin = useLangevin;
        this.inferenceLangevinNoiseScale = inferenceLangevinNoiseScale;
        this.optimizeAgain = optimizeAgain;
        this.againStepsizeInit = againStepsizeInit;
        this.againStepsizeFinal = againStepsizeFinal;
        float[][] mm = Specs.bounds(actionSamplingSpec, net.actionDim(), "action_sampling_spec");
        this.minActions = mm[0];
        this.maxActions = mm[1];
        this.envBounds = actionSpec == null ? null : Specs.bounds(actionSpec, net.actionDim(), "action_spec");
        if (clip && envBounds == null) {
            throw new IllegalArgumentException("IbcPolicy: clip=True needs the env's bounded action_spec (give "
                    + "one, e.g. to ImplicitBCAgent, or bind IbcPolicy.clip = False)");
        }
        this.langevin = Mcmc.resolveLangevin(GinConfig.currentOrNull(), Map.of("noise_scale", 1.0));
        boolean autoregressive = AutoregressiveDfo.isSelectedBy("IbcPolicy.dfo_kind", dfoKind);
        if (autoregressive && !useDfo) {
            throw new IllegalArgumentException("IbcPolicy.dfo_kind='autoregressive' needs use_dfo=True");
        }
        this.autoregressiveDfo = autoregressive ? AutoregressiveDfo.resolve(GinConfig.currentOrNull()) : null;
    }

    private IbcPolicy(IbcPolicy o, LangevinConfig langevin) {
        this.net = o.net;
        this.obsNormLayer = o.obsNormLayer;
        this.actDenormLayer = o.actDenormLayer;
        this.numActionSamples = o.numActionSamples;
        this.clip = o.clip;
        this.training = o.training;
        this.useDfo = o.useDfo;
        this.useLangevin = o.useLangevin;
        this.inferenceLangevinNoiseScale = o.inferenceLangevinNoiseScale;
        this.optimizeAgain = o.optimizeAgain;
        this.againStepsizeInit = o.againStepsizeInit;
        this.againStepsizeFinal = o.againStepsizeFinal;
        this.minActions = o.minActions;
        this.maxActions = o.maxActions;
        this.envBounds = o.envBounds;
        this.langevin = langevin;
        this.autoregressiveDfo = o.autoregressiveDfo;
    }

    /**
     * A policy without gin: IBC's defaults except the given network, specs, layers and sample count; the chain
     * runs with IBC's code defaults unless {@link #withLangevin} replaces them.
     */
    public static IbcPolicy create(MLPEBM net, Object actionSpec, Object actionSamplingSpec, int numActionSamples,
                                   Object obsNormLayer, Object actDenormLayer) {
        return new IbcPolicy(null, actionSpec, actionSamplingSpec, net, new Tuple(List.of()), new Tuple(List.of()),
                numActionSamples, actionSpec != null, false, null, false, true, 1.0, false, 0.1, 1e-5, false,
                obsNormLayer, actDenormLayer, "iterative");
    }

    /** The settings of the first Langevin chain (resolved from gin when gin built the policy). */
    public LangevinConfig langevin() {
        return langevin;
    }

    /** This policy with other Langevin settings (the noise scale of the first chain stays IBC's literal 1.0). */
    public IbcPolicy withLangevin(LangevinConfig settings) {
        return new IbcPolicy(this, settings.withNoiseScale(1.0));
    }

    /**
     * Everything this policy computes with besides the network's weights, as resolved (bounds as the float32
     * values the samplers use; {@code envBounds} null when there is no clip spec).
     */
    public record Settings(int numActionSamples, boolean clip, boolean training, boolean useDfo, boolean useLangevin,
                           double inferenceLangevinNoiseScale, boolean optimizeAgain, double againStepsizeInit,
                           double againStepsizeFinal, float[] minActions, float[] maxActions, float[][] envBounds,
                           Object obsNormLayer, Object actDenormLayer, LangevinConfig langevin,
                           AutoregressiveDfo.Settings autoregressiveDfo) {}

    public Settings settings() {
        return new Settings(numActionSamples, clip, training, useDfo, useLangevin, inferenceLangevinNoiseScale,
                optimizeAgain, againStepsizeInit, againStepsizeFinal, minActions.clone(), maxActions.clone(),
                envBounds == null ? null : new float[][] {envBounds[0].clone(), envBounds[1].clone()}, obsNormLayer,
                actDenormLayer, langevin, autoregressiveDfo);
    }

    public MLPEBM network() {
        return net;
    }

    public int numActionSamples() {
        return numActionSamples;
    }

    /** IBC's MappedCategorical: probabilities {@code [B·N]} over the denormalized samples {@code [B·N, A]}. */
    public record Distribution(INDArray probabilities, INDArray actions) {}

    /**
     * Everything one call computes, in order.
     *
     * @param observations    the normalized, flattened observations {@code [B, obs]}
     * @param tiled           tiled N times {@code [B·N, obs]}
     * @param initialActions  the uniform samples {@code [B·N, A]}
     * @param chains          the Langevin results (first chain, then the optimize_again one), empty without
     * @param samples         the final normalized samples {@code [B·N, A]}
     * @param logits          f at the final samples {@code [B·N]} (null for DFO-only)
     * @param distribution    probabilities and denormalized samples
     * @param argmax          per observation, the index of the greedy sample among its N
     * @param modeActions     the greedy samples, denormalized, before the clip {@code [B, A]}
     * @param actions         the policy's actions {@code [B, A]}
     */
    public record Inference(INDArray observations, INDArray tiled, INDArray initialActions, List<Mcmc.Result> chains,
                            INDArray samples, INDArray logits, Distribution distribution, int[] argmax,
                            INDArray modeActions, INDArray actions) {}

    /** The greedy actions {@code [B, A]} for raw observations (per key {@code [B, T, d]}). */
    @Override
    public INDArray action(Map<String, INDArray> observations, NoiseSource noise) {
        return infer(observations, noise).actions();
    }

    /** {@code _distribution} plus the greedy choice for raw observations (per key {@code [B, T, d]}). */
    public Inference infer(Map<String, INDArray> observations, NoiseSource noise) {
        return inferNormalized(normalizeAndFlatten(observations), noise);
    }

    /** The observation path of {@code _distribution}: obs_norm_layer, then MLPEBM's flatten. */
    public INDArray normalizeAndFlatten(Map<String, INDArray> observations) {
        return Observations.normalizeAndFlatten(observations, obsNormLayer);
    }

    /** {@code _distribution} plus the greedy choice, for normalized, flattened observations {@code [B, obs]}. */
    public Inference inferNormalized(INDArray observations, NoiseSource noise) {
        if (observations.rank() != 2 || observations.size(1) != net.obsDim()) {
            throw new IllegalArgumentException("observations: expected [B, " + net.obsDim() + "], got "
                    + java.util.Arrays.toString(observations.shape()));
        }
        int b = (int) observations.size(0);
        int n = numActionSamples;
        int a = net.actionDim();
        INDArray tiled = Observations.tile(observations.castTo(DataType.FLOAT), n);
        INDArray u = Nd4j.create(DataType.FLOAT, b * n, a);
        noise.uniform(u);
        INDArray init = uniform(u);
        INDArray samples = init;
        INDArray probs = null;
        net.call(false); // DenseSN: this call's W̄ from the current u and weights (every network call is training=False)
        EbmKernel k = kernel(b * n);
        if (useDfo) {
            k.prepareObservations(tiled);
            Dfo.Energies f = (act, e) -> e.assign(k.energies(act));
            Dfo.Result r = autoregressiveDfo == null
                    ? Dfo.iterativeDfo(f, b, samples, n, minActions, maxActions, 1.0f, 3, 0.33f, noise)
                    : AutoregressiveDfo.run(f, b, samples, n, minActions, maxActions, autoregressiveDfo, noise);
            probs = r.probabilities();
            samples = r.actions();
        }
        List<Mcmc.Result> chains = new java.util.ArrayList<>();
        INDArray logits = null;
        if (useLangevin) {
            chains.add(Mcmc.langevin(k, tiled, samples, minActions, maxActions, false, langevin, noise));
            if (optimizeAgain) {
                LangevinConfig again = langevin.withStepsizes(againStepsizeInit, againStepsizeFinal)
                        .withNoiseScale(inferenceLangevinNoiseScale);
                chains.add(Mcmc.langevin(k, tiled, chains.get(0).actions(), minActions, maxActions, false, again,
                        noise));
            }
            samples = chains.get(chains.size() - 1).actions();
            k.prepareObservations(tiled);
            logits = k.energies(samples).dup();
            probs = Dfo.getProbabilities(logits, b, n, 1.0f);
        }
        INDArray denorm = denormalize(samples);
        int[] argmax = new int[b];
        INDArray mode = Nd4j.create(DataType.FLOAT, b, a);
        float[] p = probs.castTo(DataType.FLOAT).dup('c').data().asFloat();
        for (int i = 0; i < b; i++) {
            int best = 0;
            for (int j = 1; j < n; j++) {
                if (p[i * n + j] > p[i * n + best]) { // strict: the first index wins ties, as tf.argmax
                    best = j;
                }
            }
            argmax[i] = best;
            mode.getRow(i).assign(denorm.getRow((long) i * n + best));
        }
        INDArray actions = mode.dup('c');
        if (clip) {
            for (int j = 0; j < a; j++) {
                INDArray col = actions.getColumn(j);
                col.assign(org.nd4j.linalg.ops.transforms.Transforms.min(
                        org.nd4j.linalg.ops.transforms.Transforms.max(col, envBounds[0][j], true),
                        envBounds[1][j], false));
            }
        }
        return new Inference(observations, tiled, init, chains, samples, logits, new Distribution(probs, denorm),
                argmax, mode, actions);
    }

    /** {@code tf.random.uniform(minval, maxval)} on U[0,1): {@code U·(max − min) + min} in float32. */
    private INDArray uniform(INDArray u) {
        int a = (int) u.size(1);
        float[] x = u.dup('c').data().asFloat();
        for (int i = 0; i < x.length; i++) {
            int j = i % a;
            x[i] = x[i] * (maxActions[j] - minActions[j]) + minActions[j];
        }
        return Nd4j.create(x, u.shape(), 'c');
    }

    private INDArray denormalize(INDArray samples) {
        return actDenormLayer == null ? samples.dup('c') : Normalizers.denormalizeActions(actDenormLayer, samples);
    }

    private EbmKernel kernel(int rows) {
        if (kernel == null || kernel.rows() != rows) {
            kernel = EbmKernel.create(net, rows);
        }
        return kernel;
    }
}
