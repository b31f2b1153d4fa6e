package ibc4j.agents.mcmc;

import ibc4j.gin.Configurable;
import ibc4j.gin.GinConfig;
import ibc4j.gin.Param;
import ibc4j.gin.Positive;
import ibc4j.gin.Range;
import ibc4j.networks.EbmKernel;
import ibc4j.runtime.NoiseSource;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Autoregressive (coordinate-wise) DFO over one joint energy model f(o, a): the "autoregressive version of DFO" of
 * the IBC paper (arXiv 2109.00137, App. B.1, used for the N-D particle result of App. B.4 / Fig. 11). IBC's code
 * at db89ddb has no counterpart (its issue #25), so there is no TF reference and no parity check; the paper
 * trains one energy model per action dimension, ibc4j has one joint model, hence this single-model variant.
 *
 * <p>With M = B·n samples {@code S} (n per observation) and {@link Dfo}'s round R(S) = score f(S), draw n indices
 * per observation from softmax(f/T), gather them with multiplicity:
 * <pre>
 *   S ← R(S)                                      (round 0, as iterative_dfo)
 *   for j = 0 .. A−1:  σ ← iteration_std
 *     repeat num_iterations − 1 times:
 *       S[:, j] ← clip(S[:, j] + σ·ε, lo_j, hi_j),  ε ~ N(0, 1)^M;   S ← R(S);   σ ← σ·iteration_std_shrink
 *   probabilities = softmax(f(S)/T) per observation
 * </pre>
 * Dimensions other than j keep their current values while j is searched, so dimension j is optimised conditioned
 * on the values already chosen for 0..j−1. For A = 1 the samples equal {@code iterative_dfo}'s draw for draw. Unlike
 * {@code iterative_dfo} (whose probabilities belong to the samples before its last resampling), the
 * probabilities here are those of the returned samples: f is evaluated once more at the end.
 */
public final class AutoregressiveDfo {
    private AutoregressiveDfo() {}

    /** The gin name, beside IBC's {@code iterative_dfo}. */
    public static final String NAME = "autoregressive_dfo";

    /** The settings; defaults are {@code iterative_dfo}'s (3 rounds, std 0.33 halving, temperature 1). */
    public record Settings(int numIterations, float iterationStd, float iterationStdShrink, float temperature) {
        public Settings {
            if (numIterations < 1 || !(iterationStd >= 0) || !(iterationStdShrink >= 0) || !(temperature > 0)) {
                throw new IllegalArgumentException(NAME + ": need num_iterations >= 1, iteration_std >= 0, "
                        + "iteration_std_shrink >= 0 and temperature > 0, got " + numIterations + ", " + iterationStd
                        + ", " + iterationStdShrink + ", " + temperature);
            }
        }

        public static Settings defaults() {
            return new Settings(3, 0.33f, 0.5f, 1.0f);
        }
    }

    /** The values of the {@code dfo_kind} parameter ibc4j adds to IbcPolicy and ImplicitBCAgent. */
    public static final java.util.List<String> DFO_KINDS = java.util.List.of("iterative", "autoregressive");

    /**
     * Whether {@code dfoKind} (the value of {@code param}, e.g. {@code IbcPolicy.dfo_kind}) picks this optimizer;
     * 'iterative' is IBC's {@code iterative_dfo}.
     */
    public static boolean isSelectedBy(String param, String dfoKind) {
        if (!DFO_KINDS.contains(dfoKind)) {
            throw new IllegalArgumentException(param + " '" + dfoKind + "' is not one of 'iterative' (IBC's "
                    + "iterative_dfo) or 'autoregressive' (" + NAME + ")");
        }
        return dfoKind.equals("autoregressive");
    }

    /** The settings as gin binds {@code autoregressive_dfo} ({@code gin} null: the defaults). */
    public static Settings resolve(GinConfig gin) {
        Settings d = Settings.defaults();
        if (gin == null) {
            return d;
        }
        Map<String, Object> a = gin.resolveArguments(NAME, Map.of());
        return new Settings(((Number) a.getOrDefault("num_iterations", d.numIterations())).intValue(),
                ((Number) a.getOrDefault("iteration_std", d.iterationStd())).floatValue(),
                ((Number) a.getOrDefault("iteration_std_shrink", d.iterationStdShrink())).floatValue(),
                ((Number) a.getOrDefault("temperature", d.temperature())).floatValue());
    }

    /**
     * Runs the search from {@code actionSamples} ({@code [B·n, A]}, not modified); draws, in order, round 0's
     * categoricals, then per dimension and round one normal {@code [B·n]} and the round's categoricals.
     */
    public static Dfo.Result run(Dfo.Energies f, int batchSize, INDArray actionSamples, int numActionSamples,
                                 float[] minActions, float[] maxActions, Settings s, NoiseSource noise) {
        int m = (int) actionSamples.size(0);
        int a = (int) actionSamples.size(1);
        if (m != batchSize * numActionSamples || minActions.length != a || maxActions.length != a) {
            throw new IllegalArgumentException(NAME + ": action_samples " + java.util.Arrays.toString(
                    actionSamples.shape()) + " do not match batch_size " + batchSize + " · num_action_samples "
                    + numActionSamples + " with " + minActions.length + "/" + maxActions.length + " bounds");
        }
        INDArray logits = Nd4j.create(DataType.FLOAT, m);
        INDArray samples = Dfo.round(f, batchSize, actionSamples.castTo(DataType.FLOAT).dup('c'), null,
                numActionSamples, s.temperature(), logits, noise).resampled();
        INDArray eps = Nd4j.create(DataType.FLOAT, m);
        for (int j = 0; j < a; j++) {
            float std = s.iterationStd();
            for (int i = 0; i < s.numIterations() - 1; i++) {
                noise.normal(eps);
                float[] x = samples.dup('c').data().asFloat();
                float[] e = eps.data().asFloat();
                for (int r = 0; r < m; r++) {
                    float v = x[r * a + j] + e[r] * std;  // float32, as iterative_dfo's action_samples += normal*std
                    x[r * a + j] = Math.min(Math.max(v, minActions[j]), maxActions[j]);
                }
                samples = Dfo.round(f, batchSize, Nd4j.create(x, samples.shape(), 'c'), null, numActionSamples,
                        s.temperature(), logits, noise).resampled();
                std *= s.iterationStdShrink();
            }
        }
        f.evaluate(samples, logits);
        INDArray probs = Dfo.softmaxRows(logits.reshape(batchSize, numActionSamples).div(s.temperature()));
        return new Dfo.Result(probs.reshape(-1), samples);
    }

    /**
     * {@code autoregressive_dfo} as a gin configurable, with {@code iterative_dfo}'s signature plus
     * {@code iteration_std_shrink}; draws from ND4J's global generator (TF's global one). ibc4j's own callers resolve the
     * settings once ({@link #resolve}) and call {@link #run}.
     */
    @Configurable(NAME)
    public static Dfo.Result autoregressiveDfo(
            @Param(value = "network", doc = "the EBM: MLPEBM or an EbmKernel over it") Object network,
            @Positive @Param(value = "batch_size", doc = "B") int batchSize,
            @Param(value = "observations", doc = "[B·n, obs] tiled, flattened, normalized") INDArray observations,
            @Param(value = "action_samples", doc = "[B·n, A] initial actions") INDArray actionSamples,
            @Param(value = "policy_state", doc = "unused (MLPEBM is stateless)") Object policyState,
            @Positive @Param(value = "num_action_samples", doc = "n per observation") int numActionSamples,
            @Param(value = "min_actions", doc = "lower bound, scalar or per dimension") Object minActions,
            @Param(value = "max_actions", doc = "upper bound, scalar or per dimension") Object maxActions,
            @Positive @Param(value = "temperature", dflt = "1.0", doc = "T of softmax(f/T)") double temperature,
            @Positive @Param(value = "num_iterations", dflt = "3", doc = "rounds per dimension (round 0 shared)")
            int numIterations,
            @Range(min = 0) @Param(value = "iteration_std", dflt = "0.33", doc = "σ of a dimension's first round")
            double iterationStd,
            @Range(min = 0) @Param(value = "iteration_std_shrink", dflt = "0.5", doc = "σ factor per round")
            double iterationStdShrink,
            @Param(value = "training", dflt = "False", doc = "network mode (dropout not implemented)")
            boolean training,
            @Param(value = "late_fusion", dflt = "False", doc = "PixelEBM: not supported") boolean lateFusion,
            @Param(value = "tfa_step_type", dflt = "()", doc = "unused") Object tfaStepType) {
        if (lateFusion) {
            throw new UnsupportedOperationException(NAME + ".late_fusion=True is not supported (MLPEBM only)");
        }
        int a = (int) actionSamples.size(1);
        EbmKernel k = Mcmc.kernelFor(network, (int) actionSamples.size(0), training);
        k.prepareObservations(observations);
        return run((act, e) -> e.assign(k.energies(act)), batchSize, actionSamples, numActionSamples,
                Mcmc.bounds(minActions, a), Mcmc.bounds(maxActions, a), new Settings(numIterations,
                        (float) iterationStd, (float) iterationStdShrink, (float) temperature), NoiseSource.nd4jGlobal());
    }
}
