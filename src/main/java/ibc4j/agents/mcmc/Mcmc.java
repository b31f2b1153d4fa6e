package ibc4j.agents.mcmc;

import ibc4j.gin.Configurable;
import ibc4j.gin.GinConfig;
import ibc4j.gin.Param;
import ibc4j.gin.Positive;
import ibc4j.losses.ChainData;
import ibc4j.networks.EbmKernel;
import ibc4j.networks.MLPEBM;
import ibc4j.runtime.NoiseSource;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Langevin MCMC over actions; mirrors {@code ibc/agents/mcmc.py} ({@code langevin_step},
 * {@code langevin_actions_given_obs}, {@code PolynomialSchedule}) (IBC db89ddb).
 *
 * <p>Sign convention, which decides everything: the network output f is a logit (higher is better) and the
 * chain ascends it. IBC computes {@code d = −∂f/∂a} and steps {@code a − δ}; the two minus signs cancel:
 * <pre>
 *   δ = clip(s_k · (0.5·d + σ·ε), ±c),  a ← clip(a − δ, lo, hi),  c = delta_action_clip · 0.5 · (hi − lo)
 * </pre>
 * Step k uses {@code s_k = (init − final)(1 − k/(K−1))^power + final} in float32 (AutoGraph casts the loop index),
 * except step 0, which uses {@code init} as given. Energies and gradient norms are logged at each step's input.
 *
 * <p>float32 conversions happen where TF makes them: {@code init − final} and {@code 0.1·0.5} are Python float64
 * arithmetic, {@code hi − lo} is a float32 NumPy subtraction, and each result becomes a float32 where it meets a
 * tensor (spec §15, golden/export/README.md §8).
 */
public final class Mcmc {
    private Mcmc() {}

    /** ∂f/∂a and f for a batch of actions (observations are bound inside, e.g. a prepared kernel). */
    public interface ActionGradient {
        /** Writes f to {@code energies} {@code [M]} and ∂f/∂a to {@code grads} {@code [M, A]}. */
        void evaluate(INDArray actions, INDArray energies, INDArray grads);

        /**
         * ∂f/∂a alone, what an unrecorded chain needs. The default evaluates both (into a fresh array); a kernel's
         * ({@link #energyGradient}) skips f.
         */
        default void gradient(INDArray actions, INDArray grads) {
            evaluate(actions, Nd4j.create(DataType.FLOAT, actions.size(0)), grads);
        }
    }

    /**
     * f and ∂f/∂a through a kernel with prepared observations, without allocating. {@link #langevinActionsGivenObs}
     * recognises it and runs the chain through {@link EbmKernel#chainStep}, so that a fused kernel applies the
     * update inside its last pass; its f and ∂f/∂a are the same bits as {@link #evaluate}'s.
     */
    private record KernelGradient(EbmKernel kernel) implements ActionGradient {
        @Override
        public void evaluate(INDArray actions, INDArray energies, INDArray grads) {
            grads.assign(kernel.actionGradientWithEnergies(actions));
            energies.assign(kernel.lastEnergies());
        }

        @Override
        public void gradient(INDArray actions, INDArray grads) {
            grads.assign(kernel.actionGradient(actions));
        }
    }

    /** Final samples, and the chain when requested. */
    public record Result(INDArray actions, ChainData chain) {}

    /**
     * Everything one {@code langevin_step} computes, as the golden exporter records it (all new arrays).
     *
     * @param energies        f at the input actions {@code [M]}
     * @param deDact          IBC's {@code gradient_wrt_act} output {@code −∂f/∂a} {@code [M, A]}
     * @param gradNorms       norm of deDact per row {@code [M]}
     * @param deltaPreClip    {@code s·(0.5·d + σ·ε)} {@code [M, A]}
     * @param deltaPostClip   after the box clip {@code ±c}
     * @param actionsPreClip  {@code a − δ} before the {@code [lo, hi]} clip
     * @param actions         the step's output
     */
    public record Step(INDArray energies, INDArray deDact, INDArray gradNorms, INDArray deltaPreClip,
                       INDArray deltaPostClip, INDArray actionsPreClip, INDArray actions) {}

    /**
     * {@code PolynomialSchedule.get_rate} as TF runs it in graph mode: float32, with {@code init − final} in float64.
     * {@code float(index) / float(K−1)} divides a float32 tensor by a constant, which Grappler's constant folding
     * rewrites into a multiplication by the float32 reciprocal: {@code k·fl32(1/(K−1))}, not {@code k/(K−1)}. The
     * two agree for K = 10 and 100 but not for most K (e.g. 25).
     */
    public static float polynomialRate(double init, double fin, double power, int numSteps, int index) {
        float reciprocal = 1f / (float) (numSteps - 1);
        float progress = 1f - (float) index * reciprocal;
        // tf.pow(x, 2.0) in float32 is the correctly rounded square; x² is exact in double, so one rounding.
        float p = (float) Math.pow(progress, power);
        return (float) (init - fin) * p + (float) fin;
    }

    /** The step size of every step k = 0..K−1 (step 0 uses init as given; the others the schedule). */
    public static float[] stepsizes(LangevinConfig cfg) {
        float[] s = new float[cfg.numIterations()];
        for (int k = 0; k < s.length; k++) {
            s[k] = k == 0 ? (float) cfg.stepsizeInit()
                    : cfg.usePolynomialRate()
                    ? polynomialRate(cfg.stepsizeInit(), cfg.stepsizeFinal(), cfg.stepsizePower(), s.length, k)
                    // IBC's ExponentialSchedule runs once at trace time: every later step uses init·decay.
                    : (float) (cfg.stepsizeInit() * cfg.stepsizeDecay());
        }
        return s;
    }

    /**
     * The box clip of δ per dimension: {@code delta_action_clip * 0.5*(max − min)}. Python multiplies the two
     * floats first (float64); inside the {@code tf.function} the bounds are float32 tensors, so the product is
     * {@code fl32(fl32(0.05)·fl32(hi − lo))}, every step in float32.
     */
    public static float[] deltaClip(LangevinConfig cfg, float[] lo, float[] hi) {
        float[] c = new float[lo.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = deltaClip(cfg.deltaActionClip(), lo[i], hi[i]);
        }
        return c;
    }

    /** One dimension's clip bound: {@code fl32(fl32(delta_action_clip·0.5)·fl32(hi − lo))}. */
    public static float deltaClip(double deltaActionClip, float lo, float hi) {
        return (float) (deltaActionClip * 0.5) * (hi - lo);
    }

    /**
     * {@code langevin_actions_given_obs}: runs the chain from {@code initialActions} ({@code [M, A]}, not
     * modified) with per-dimension bounds; draws one {@code [M, A]} normal per step from {@code noise}.
     */
    public static Result langevinActionsGivenObs(ActionGradient f, INDArray initialActions, float[] minActions,
                                                 float[] maxActions, LangevinConfig cfg, NoiseSource noise) {
        int m = (int) initialActions.size(0);
        int a = (int) initialActions.size(1);
        INDArray actions = initialActions.castTo(DataType.FLOAT).dup('c');
        INDArray energies = Nd4j.create(DataType.FLOAT, m);
        INDArray grads = Nd4j.create(DataType.FLOAT, m, a);
        INDArray eps = Nd4j.create(DataType.FLOAT, m, a);
        float[] norms = new float[m];
        float[] clip = deltaClip(cfg, minActions, maxActions);
        float[] steps = stepsizes(cfg);
        ChainData chain = cfg.returnChain() ? new ChainData(Nd4j.create(DataType.FLOAT, cfg.numIterations(), m, a),
                Nd4j.create(DataType.FLOAT, cfg.numIterations(), m), Nd4j.create(DataType.FLOAT, cfg.numIterations(), m),
                actions.dup('c'), null, false) : null;
        FloatBuffer chainActions = chain == null ? null : chain.actions().data().asNioFloat();
        FloatBuffer chainEnergies = chain == null ? null : chain.energies().data().asNioFloat();
        FloatBuffer chainNorms = chain == null ? null : chain.gradNorms().data().asNioFloat();
        EbmKernel kernel = f instanceof KernelGradient kg ? kg.kernel() : null;
        RowStep rule = new RowStep(actions, kernel != null ? kernel.chainGradients() : grads, eps, cfg, clip,
                minActions, maxActions, norms, null);
        if (kernel != null) {
            kernel.beginChain(actions, chain != null);
        }
        for (int k = 0; k < cfg.numIterations(); k++) {
            rule.stepsize = steps[k];
            if (kernel != null) {
                noise.normal(eps); // the same draws in the same order: one [M, A] normal per step
                kernel.chainStep(rule);
                if (chain != null) {
                    energies.assign(kernel.lastEnergies());
                }
            } else {
                if (chain != null) {
                    f.evaluate(actions, energies, grads);
                } else {
                    f.gradient(actions, grads);
                }
                noise.normal(eps);
                for (int r = 0; r < m; r++) {
                    rule.apply(r);
                }
            }
            if (chain != null) {
                // Bulk copies into the c-order [K, M, ·] arrays: no views, no ND4J op per step.
                chainActions.put(k * m * a, actions.data().asNioFloat(), 0, m * a);
                chainEnergies.put(k * m, energies.data().asNioFloat(), 0, m);
                chainNorms.put(k * m, norms, 0, m);
            }
        }
        return new Result(actions, chain);
    }

    /**
     * One {@code langevin_step} from {@code actions} (not modified) with the given normal draw {@code eps}; every
     * intermediate is returned. Teacher-forced parity checks drive the chain with this.
     */
    public static Step langevinStep(ActionGradient f, INDArray actions, INDArray eps, float stepsize,
                                    LangevinConfig cfg, float[] minActions, float[] maxActions) {
        int m = (int) actions.size(0);
        int a = (int) actions.size(1);
        INDArray out = actions.castTo(DataType.FLOAT).dup('c');
        INDArray energies = Nd4j.create(DataType.FLOAT, m);
        INDArray grads = Nd4j.create(DataType.FLOAT, m, a);
        f.evaluate(out, energies, grads);
        float[] norms = new float[m];
        INDArray[] trace = {Nd4j.create(DataType.FLOAT, m, a), Nd4j.create(DataType.FLOAT, m, a),
                Nd4j.create(DataType.FLOAT, m, a)};
        step(out, grads, eps.castTo(DataType.FLOAT).dup('c'), stepsize, cfg, deltaClip(cfg, minActions, maxActions),
                minActions, maxActions, norms, trace);
        return new Step(energies, grads.mul(-1.0f), Nd4j.createFromArray(norms), trace[0], trace[1], trace[2], out);
    }

    /**
     * One {@code langevin_step} in place on {@code actions}, in TF's float32 operation order; {@code trace}, when
     * not null, receives δ before and after the box clip and {@code a − δ} before the bound clip.
     */
    static void step(INDArray actions, INDArray grads, INDArray eps, float stepsize, LangevinConfig cfg,
                     float[] clip, float[] lo, float[] hi, float[] normsOut, INDArray[] trace) {
        RowStep rule = new RowStep(actions, grads, eps, cfg, clip, lo, hi, normsOut, trace);
        rule.stepsize = stepsize;
        for (int r = 0; r < actions.size(0); r++) {
            rule.apply(r);
        }
    }

    /**
     * {@code langevin_step} on one row, in TF's float32 operation order: the chain's update as an
     * {@link EbmKernel.RowUpdate}, so a fused kernel can apply it inside its last pass (possibly from two threads,
     * on different rows: it writes only its row of the actions, the norms and the trace).
     */
    static final class RowStep implements EbmKernel.RowUpdate {
        private final FloatBuffer act;
        private final FloatBuffer g;
        private final FloatBuffer e;
        private final int a;
        private final float[] clip;
        private final float[] lo;
        private final float[] hi;
        private final float[] normsOut;
        private final INDArray[] trace;
        private final boolean hasGradClip;
        private final float gradClip;
        private final float sigma;
        private final int normType;
        /** s_k of the current step, set before each step (the kernel's hand-off to its helper publishes it). */
        float stepsize;

        RowStep(INDArray actions, INDArray grads, INDArray eps, LangevinConfig cfg, float[] clip, float[] lo,
                float[] hi, float[] normsOut, INDArray[] trace) {
            this.act = actions.data().asNioFloat();
            this.g = grads.data().asNioFloat();
            this.e = eps.data().asNioFloat();
            this.a = (int) actions.size(1);
            this.clip = clip;
            this.lo = lo;
            this.hi = hi;
            this.normsOut = normsOut;
            this.trace = trace;
            this.hasGradClip = cfg.gradClip() != null;
            this.gradClip = hasGradClip ? (float) (double) cfg.gradClip() : 0f;
            this.sigma = (float) cfg.noiseScale();
            this.normType = normType(cfg.gradNormType());
        }

        @Override
        public void apply(int row) {
            int i0 = row * a;
            float norm = 0f;
            for (int j = 0; j < a; j++) {
                norm = accumulateNorm(normType, norm, -g.get(i0 + j));
            }
            normsOut[row] = normType == L2 ? (float) Math.sqrt(norm) : norm;
            for (int j = 0, i = i0; j < a; j++, i++) {
                float d = g.get(i) * -1.0f;                      // gradient_wrt_act returns −∂f/∂a
                if (hasGradClip) {
                    d = Math.min(Math.max(d, -gradClip), gradClip);
                }
                d = 0.5f * d + e.get(i) * 1.0f * sigma;          // gradient_scale·l_lambda, then noise·l_lambda·σ
                float delta = stepsize * d;
                float clipped = Math.min(Math.max(delta, -clip[j]), clip[j]);
                float next = act.get(i) - clipped;
                if (trace != null) {
                    trace[0].putScalar(i, delta);
                    trace[1].putScalar(i, clipped);
                    trace[2].putScalar(i, next);
                }
                act.put(i, Math.min(Math.max(next, lo[j]), hi[j]));
            }
        }
    }

    private static final int INF = 0;
    private static final int L1 = 1;
    private static final int L2 = 2;

    /** grad_norm_type resolved once per chain, not per element. */
    private static int normType(String type) {
        return switch (type) {
            case "inf" -> INF;
            case "1" -> L1;
            case "2" -> L2;
            default -> throw new IllegalArgumentException("grad_norm_type: expected 'inf', '1' or '2', got '" + type
                    + "'");
        };
    }

    private static float accumulateNorm(int type, float acc, float x) {
        return switch (type) {
            case INF -> Math.max(acc, Math.abs(x));
            case L1 -> acc + Math.abs(x);
            default -> acc + x * x;
        };
    }

    /**
     * f and ∂f/∂a of {@code net} at fixed observations {@code [M, obsDim]}, through {@code kernel} (bound to M
     * rows): the observation half of the first layer is computed once, as a chain needs it.
     */
    public static ActionGradient energyGradient(EbmKernel kernel, INDArray observations) {
        kernel.prepareObservations(observations);
        return new KernelGradient(kernel);
    }

    /** f and ∂f/∂a through {@code kernel}, whose observations the caller has prepared. */
    public static ActionGradient fromKernel(EbmKernel kernel) {
        return new KernelGradient(kernel);
    }

    /**
     * IBC's gin-configurable {@code langevin_actions_given_obs}, parameter for parameter (IBC's names and
     * defaults); the noise comes from ND4J's global generator, as TF's comes from its global one.
     *
     * @param energyNetwork an {@link MLPEBM}, an {@link EbmKernel} bound to M rows (reused, no allocation), or a
     *                      PixelEBM (the DL4J graph path, {@link PixelEbmSampling})
     * @param observations  {@code [M, obsDim]}, already tiled and flattened; for a PixelEBM the normalized images
     *                      {@code [B, T, H, W, C]} (B = M / num_action_samples with late_fusion, else M)
     * @param actionSamples {@code [M, A]} initial actions
     * @param minActions    a number (IBC's scalar sampling bounds), or one value per dimension
     * @return the final actions {@code [M, A]}, with the chain when {@code return_chain}
     */
    @Configurable("langevin_actions_given_obs")
    public static Result langevinActionsGivenObs(
            @Param(value = "energy_network", doc = "the EBM: MLPEBM or an EbmKernel over it") Object energyNetwork,
            @Param(value = "observations", doc = "[M, obs] tiled, flattened, normalized") INDArray observations,
            @Param(value = "action_samples", doc = "[M, A] initial actions") INDArray actionSamples,
            @Param(value = "policy_state", doc = "unused (MLPEBM is stateless)") Object policyState,
            @Param(value = "min_actions", doc = "lower bound, scalar or per dimension") Object minActions,
            @Param(value = "max_actions", doc = "upper bound, scalar or per dimension") Object maxActions,
            @Positive @Param(value = "num_action_samples", doc = "samples per observation (late fusion only)")
            int numActionSamples,
            // 0 is a chain that leaves the uniform samples as drawn (IbcPolicy then takes the best of them).
            @ibc4j.gin.Range(min = 0)
            @Param(value = "num_iterations", dflt = "25", doc = "K; IBC's particle configs bind 100") int numIterations,
            @Param(value = "training", dflt = "False", doc = "network mode (dropout) inside the chain")
            boolean training,
            @Param(value = "tfa_step_type", dflt = "()", doc = "unused") Object tfaStepType,
            @Param(value = "sampler_stepsize_init", dflt = "0.1", doc = "step size of step 0")
            double samplerStepsizeInit,
            @Param(value = "sampler_stepsize_decay", dflt = "0.8", doc = "exponential schedule only")
            double samplerStepsizeDecay,
            @Param(value = "noise_scale", dflt = "1.0", doc = "σ: the noise term is s·σ·ε") double noiseScale,
            @Param(value = "grad_clip", dflt = "None", doc = "elementwise clip of −∂f/∂a, or None") Double gradClip,
            @Param(value = "delta_action_clip", dflt = "0.1", doc = "δ is clipped to ±this·0.5·(hi − lo)")
            double deltaActionClip,
            @Param(value = "stop_chain_grad", dflt = "True",
                    doc = "IBC stops the gradient after each step; ibc4j never differentiates through the chain")
            boolean stopChainGrad,
            @Param(value = "apply_exp", dflt = "False", doc = "take the gradient of exp(f); not implemented")
            boolean applyExp,
            @Param(value = "use_polynomial_rate", dflt = "True", doc = "polynomial (else exponential) schedule")
            boolean usePolynomialRate,
            @Param(value = "sampler_stepsize_final", dflt = "1e-5", doc = "step size of step K−1")
            double samplerStepsizeFinal,
            @Param(value = "sampler_stepsize_power", dflt = "2.0", doc = "power of the polynomial schedule")
            double samplerStepsizePower,
            @Param(value = "return_chain", dflt = "False", doc = "also return ChainData") boolean returnChain,
            @Param(value = "grad_norm_type", dflt = "'inf'", doc = "'inf', '1' or '2'") String gradNormType,
            @Param(value = "late_fusion", dflt = "False", doc = "PixelEBM: obs [B, ...] encoded once") boolean lateFusion) {
        if (applyExp) {
            throw new UnsupportedOperationException("langevin_actions_given_obs.apply_exp=True is not implemented "
                    + "(no IBC config sets it)");
        }
        LangevinConfig cfg = new LangevinConfig(numIterations, samplerStepsizeInit, samplerStepsizeDecay, noiseScale,
                gradClip, deltaActionClip, usePolynomialRate, samplerStepsizeFinal, samplerStepsizePower, returnChain,
                gradNormType);
        // Called through gin, the draws come from ND4J's global generator, as IBC's come from TF's global one;
        // ibc4j's own callers resolve the settings once (resolveLangevin) and pass their noise to langevin(...).
        return langevin(energyNetwork, observations, actionSamples, minActions, maxActions, training, lateFusion, cfg,
                NoiseSource.nd4jGlobal());
    }

    /**
     * The chain {@code langevin_actions_given_obs} runs on any energy network it accepts, settings resolved and the
     * noise given.
     *
     * @param energyNetwork an MLPEBM, an EbmKernel over one bound to {@code actionSamples}' row count, or a PixelEBM
     *                      (the DL4J graph path, {@link PixelEbmSampling}; with {@code lateFusion} the observations
     *                      are one per group of samples)
     */
    public static Result langevin(Object energyNetwork, INDArray observations, INDArray actionSamples,
                                  Object minActions, Object maxActions, boolean training, boolean lateFusion,
                                  LangevinConfig cfg, NoiseSource noise) {
        if (energyNetwork instanceof ibc4j.networks.pixel.PixelEBM pixel) {
            // The DL4J graph path: encoder once, value graph's ∂f/∂a per step (PixelEBM has no dropout).
            int a = (int) actionSamples.size(1);
            return PixelEbmSampling.langevin(pixel, observations, actionSamples, lateFusion, bounds(minActions, a),
                    bounds(maxActions, a), cfg, noise);
        }
        if (lateFusion) {
            throw new UnsupportedOperationException("langevin_actions_given_obs.late_fusion=True needs PixelEBM's "
                    + "encoder; " + (energyNetwork == null ? "None" : energyNetwork.getClass().getSimpleName())
                    + " has none");
        }
        return langevin(energyNetwork, observations, actionSamples, minActions, maxActions, training, cfg, noise);
    }

    /**
     * The chain {@code langevin_actions_given_obs} runs, with its settings already resolved and the noise given.
     *
     * @param energyNetwork an MLPEBM, or an EbmKernel over one bound to {@code actionSamples}' row count
     */
    public static Result langevin(Object energyNetwork, INDArray observations, INDArray actionSamples,
                                  Object minActions, Object maxActions, boolean training, LangevinConfig cfg,
                                  NoiseSource noise) {
        int m = (int) actionSamples.size(0);
        int a = (int) actionSamples.size(1);
        EbmKernel kernel = kernelFor(energyNetwork, m, training);
        return langevinActionsGivenObs(energyGradient(kernel, observations), actionSamples, bounds(minActions, a),
                bounds(maxActions, a), cfg, noise);
    }

    /**
     * {@code langevin_actions_given_obs}'s settings as gin would pass them, resolved once: {@code callerArgs} (what
     * the IBC caller passes explicitly, e.g. {@code return_chain}), then the bindings in {@code gin}, then IBC's code
     * defaults ({@code gin} null: no bindings).
     */
    public static LangevinConfig resolveLangevin(GinConfig gin, Map<String, Object> callerArgs) {
        LangevinConfig d = LangevinConfig.ibcDefaults();
        Map<String, Object> a = gin == null ? new LinkedHashMap<>(callerArgs)
                : gin.resolveArguments("langevin_actions_given_obs", callerArgs);
        if ((Boolean) a.getOrDefault("apply_exp", false)) {
            throw new UnsupportedOperationException("langevin_actions_given_obs.apply_exp=True is not implemented "
                    + "(no IBC config sets it)");
        }
        if ((Boolean) a.getOrDefault("late_fusion", false)) {
            throw new UnsupportedOperationException("langevin_actions_given_obs.late_fusion=True needs PixelEBM's "
                    + "encoder; MLPEBM has none");
        }
        return new LangevinConfig(num(a, "num_iterations", d.numIterations()).intValue(),
                num(a, "sampler_stepsize_init", d.stepsizeInit()).doubleValue(),
                num(a, "sampler_stepsize_decay", d.stepsizeDecay()).doubleValue(),
                num(a, "noise_scale", d.noiseScale()).doubleValue(),
                a.containsKey("grad_clip") ? (Double) a.get("grad_clip") : d.gradClip(),
                num(a, "delta_action_clip", d.deltaActionClip()).doubleValue(),
                (Boolean) a.getOrDefault("use_polynomial_rate", d.usePolynomialRate()),
                num(a, "sampler_stepsize_final", d.stepsizeFinal()).doubleValue(),
                num(a, "sampler_stepsize_power", d.stepsizePower()).doubleValue(),
                (Boolean) a.getOrDefault("return_chain", d.returnChain()),
                (String) a.getOrDefault("grad_norm_type", d.gradNormType()));
    }

    private static Number num(Map<String, Object> a, String key, Number dflt) {
        return (Number) a.getOrDefault(key, dflt);
    }

    /** The kernel to run f and ∂f/∂a with: the one given, or a new one over {@code energyNetwork}. */
    static EbmKernel kernelFor(Object energyNetwork, int rows, boolean training) {
        EbmKernel kernel;
        if (energyNetwork instanceof EbmKernel k) {
            if (k.rows() != rows) {
                throw new IllegalArgumentException("energy_network: kernel bound to " + k.rows() + " rows, the chain "
                        + "has " + rows);
            }
            kernel = k;
        } else if (energyNetwork instanceof MLPEBM net) {
            kernel = EbmKernel.create(net, rows);
        } else {
            throw new IllegalArgumentException("energy_network: expected an MLPEBM or an EbmKernel, got "
                    + (energyNetwork == null ? "None" : energyNetwork.getClass().getName()));
        }
        if (training && kernel.net().config().rate() > 0) {
            throw new UnsupportedOperationException("training=True with dropout rate " + kernel.net().config().rate()
                    + " inside the chain is not implemented (every IBC config runs its chains with training=False)");
        }
        return kernel;
    }

    /** IBC's bounds as per-dimension floats: a scalar (the sampling spec's 0-d bounds) is used for every dimension. */
    public static float[] bounds(Object bound, int actionDim) {
        float[] out = new float[actionDim];
        if (bound instanceof Number n) {
            java.util.Arrays.fill(out, n.floatValue());
            return out;
        }
        float[] given;
        if (bound instanceof float[] f) {
            given = f;
        } else if (bound instanceof double[] d) {
            given = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                given[i] = (float) d[i];
            }
        } else if (bound instanceof INDArray arr) {
            if (arr.length() == 1) {
                java.util.Arrays.fill(out, arr.getFloat(0));
                return out;
            }
            given = arr.castTo(DataType.FLOAT).dup().data().asFloat();
        } else {
            throw new IllegalArgumentException("action bound: expected a number, float[], double[] or INDArray, got "
                    + (bound == null ? "None" : bound.getClass().getName()));
        }
        if (given.length == 1) {
            java.util.Arrays.fill(out, given[0]);
            return out;
        }
        if (given.length != actionDim) {
            throw new IllegalArgumentException("action bound: " + given.length + " values for " + actionDim
                    + " action dimensions");
        }
        return given.clone();
    }
}
