package ibc4j.agents;

import ibc4j.agents.mcmc.Dfo;
import ibc4j.agents.mcmc.LangevinConfig;
import ibc4j.agents.mcmc.Mcmc;
import ibc4j.agents.mcmc.PixelEbmSampling;
import ibc4j.gin.GinConfig;
import ibc4j.networks.pixel.PixelEBM;
import ibc4j.normalizers.Normalizers;
import ibc4j.runtime.NoiseSource;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * IBC's IbcPolicy over a {@link PixelEBM} with {@code late_fusion=True} ({@code ibc/agents/ibc_policy.py}
 * {@code _distribution} under the GreedyPolicy IBC evaluates with, IBC db89ddb), as {@code pixel_ebm_best.gin}
 * (DFO) and {@code pixel_ebm_langevin.gin} (Langevin with optimize_again) configure it.
 *
 * <p>For each of B observations: uint8 'rgb' to [0, 1] and {@code obs_norm_layer} ({@link PixelPolicies}); N =
 * {@code num_action_samples} uniform actions on the sampling spec; the images encoded ONCE and the encoding tiled
 * per sample (late fusion: IBC's {@code iterative_dfo}, {@code langevin_actions_given_obs} and its final
 * {@code get_probabilities} each encode the same images again, with the same result); then, as in
 * {@link IbcPolicy}: {@code iterative_dfo} (temperature 1, 3 iterations, std 0.33: its code defaults) when
 * {@code use_dfo}; when {@code use_langevin} one chain with {@code noise_scale=1.0} and, with
 * {@code optimize_again}, a second with {@code again_stepsize_init/final} and
 * {@code inference_langevin_noise_scale}, then softmax(f) over the N samples; the greedy sample (first index on
 * ties) denormalized by {@code act_denorm_layer} and clipped to the env's action spec.
 *
 * <p>Its settings are IbcPolicy's gin bindings ({@link #fromGin}); only the network and specs come from the agent.
 */
public final class PixelIbcPolicy implements BcPolicy {
    private final PixelEBM net;
    private final Object obsNormLayer;
    private final Object actDenormLayer;
    private final int numActionSamples;
    private final boolean useDfo;
    private final boolean useLangevin;
    private final boolean optimizeAgain;
    private final LangevinConfig langevin;
    private final LangevinConfig again;
    private final float[] minActions;
    private final float[] maxActions;
    private final float[][] envBounds; // null: no clip

    private PixelIbcPolicy(PixelEBM net, Object actionSpec, Object actionSamplingSpec, Object obsNormLayer,
                           Object actDenormLayer, Map<String, Object> a, LangevinConfig langevin) {
        this.net = java.util.Objects.requireNonNull(net, "actor_network");
        this.obsNormLayer = obsNormLayer;
        this.actDenormLayer = actDenormLayer;
        this.numActionSamples = ((Number) a.getOrDefault("num_action_samples", 16384)).intValue();
        this.useDfo = Boolean.TRUE.equals(a.getOrDefault("use_dfo", false));
        this.useLangevin = Boolean.TRUE.equals(a.getOrDefault("use_langevin", true));
        this.optimizeAgain = Boolean.TRUE.equals(a.getOrDefault("optimize_again", false));
        if (!Boolean.TRUE.equals(a.getOrDefault("late_fusion", false))) {
            throw new UnsupportedOperationException("IbcPolicy over PixelEBM needs IbcPolicy.late_fusion = True (IBC's "
                    + "pixel configs bind it); without it IBC encodes every tiled observation again, which is not "
                    + "ported");
        }
        if (Boolean.TRUE.equals(a.getOrDefault("training", false))) {
            throw new UnsupportedOperationException("IbcPolicy.training = True over PixelEBM is not implemented");
        }
        if (!useDfo && !useLangevin) {
            throw new IllegalArgumentException("IbcPolicy: neither use_dfo nor use_langevin; IBC then builds its "
                    + "categorical from probs=0, which cannot pick an action");
        }
        if (numActionSamples < 1) {
            throw new IllegalArgumentException("IbcPolicy.num_action_samples must be >= 1, got " + numActionSamples);
        }
        float[][] mm = Specs.bounds(actionSamplingSpec, net.actionDim(), "action_sampling_spec");
        this.minActions = mm[0];
        this.maxActions = mm[1];
        boolean clip = Boolean.TRUE.equals(a.getOrDefault("clip", true));
        this.envBounds = clip ? PixelPolicies.clipBounds(actionSpec, net.actionDim()) : null;
        this.langevin = langevin.withNoiseScale(1.0); // a literal in IBC's first chain
        this.again = langevin.withStepsizes(((Number) a.getOrDefault("again_stepsize_init", 0.1)).doubleValue(),
                ((Number) a.getOrDefault("again_stepsize_final", 1e-5)).doubleValue())
                .withNoiseScale(((Number) a.getOrDefault("inference_langevin_noise_scale", 1.0)).doubleValue());
    }

    /**
     * The policy with IbcPolicy's gin bindings (num_action_samples, use_dfo, use_langevin, optimize_again, ...)
     * and langevin_actions_given_obs's, on this network and these specs.
     *
     * @param actionSpec         the env's action spec (the final clip); null: no clip
     * @param actionSamplingSpec the normalized sampling bounds (a SamplingSpec)
     */
    public static PixelIbcPolicy fromGin(GinConfig gin, PixelEBM net, Object actionSpec, Object actionSamplingSpec,
                                         Object obsNormLayer, Object actDenormLayer) {
        Map<String, Object> a = gin == null ? Map.of("late_fusion", true)
                : gin.resolveArguments("IbcPolicy", new LinkedHashMap<>());
        // PixelEbmSampling runs the late-fusion chain itself, so the MLPEBM path's refusal of late_fusion is moot.
        Map<String, Object> chain = new LinkedHashMap<>();
        chain.put("late_fusion", false);
        LangevinConfig langevin = Mcmc.resolveLangevin(gin, chain);
        return new PixelIbcPolicy(net, actionSpec, actionSamplingSpec, obsNormLayer, actDenormLayer, a, langevin);
    }

    public PixelEBM network() {
        return net;
    }

    public int numActionSamples() {
        return numActionSamples;
    }

    /** The greedy actions {@code [B, A]} for raw observations (per key {@code [B, T, d]}). */
    @Override
    public INDArray action(Map<String, INDArray> observations, NoiseSource noise) {
        INDArray rgb = PixelPolicies.normalizedRgb(observations, obsNormLayer, net.imageSpec());
        int b = (int) rgb.size(0);
        int n = numActionSamples;
        int a = net.actionDim();
        INDArray u = Nd4j.create(DataType.FLOAT, (long) b * n, a);
        noise.uniform(u);
        INDArray samples = uniform(u);
        INDArray enc = PixelEbmSampling.encodings(net, rgb, (long) b * n, true);
        INDArray probs = null;
        if (useDfo) {
            Dfo.Result r = Dfo.iterativeDfo(PixelEbmSampling.energies(net, enc), b, samples, n, minActions,
                    maxActions, 1.0f, 3, 0.33f, noise);
            probs = r.probabilities();
            samples = r.actions();
        }
        if (useLangevin) {
            Mcmc.ActionGradient f = PixelEbmSampling.actionGradient(net, enc);
            samples = Mcmc.langevinActionsGivenObs(f, samples, minActions, maxActions, langevin, noise).actions();
            if (optimizeAgain) {
                samples = Mcmc.langevinActionsGivenObs(f, samples, minActions, maxActions, again, noise).actions();
            }
            probs = Dfo.getProbabilities(net.energiesGivenEncoding(enc, samples).dup(), b, n, 1.0f);
        }
        INDArray denorm = actDenormLayer == null ? samples.dup('c')
                : Normalizers.denormalizeActions(actDenormLayer, samples);
        float[] p = probs.castTo(DataType.FLOAT).dup('c').data().asFloat();
        INDArray mode = Nd4j.create(DataType.FLOAT, b, a);
        for (int i = 0; i < b; i++) {
            int best = 0;
            for (int j = 1; j < n; j++) {
                if (p[i * n + j] > p[i * n + best]) { // strict: the first index wins ties, as tf.argmax
                    best = j;
                }
            }
            mode.getRow(i).assign(denorm.getRow((long) i * n + best));
        }
        return PixelPolicies.clip(mode, envBounds);
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
}
