package ibc4j.agents;

import java.nio.FloatBuffer;
import ibc4j.networks.EbmKernel;
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
 */
public final class Mcmc {
    private Mcmc() {}

    /** ∂f/∂a and f for a batch of actions (observations are bound inside, e.g. a prepared kernel). */
    public interface ActionGradient {
        /** Writes f to {@code energies} {@code [M]} and ∂f/∂a to {@code grads} {@code [M, A]}. */
        void evaluate(INDArray actions, INDArray energies, INDArray grads);

        /**
         * ∂f/∂a alone, what the chain needs when it is not recorded; f costs an MLPEBM a third big GEMM per step.
         * The default evaluates both (into a fresh array); {@link #fromKernel} skips f.
         */
        default void gradient(INDArray actions, INDArray grads) {
            evaluate(actions, Nd4j.create(DataType.FLOAT, actions.size(0)), grads);
        }
    }

    /**
     * The chain's gradient from a kernel whose observations are prepared ({@link EbmKernel#prepareObservations}),
     * without allocating: the gradient alone when the chain is not recorded, else gradient and energies together.
     * When the chain is not recorded, {@link #langevinActionsGivenObs} runs it through
     * {@link EbmKernel#chainStep}, so that a fused kernel applies the update inside its last pass.
     */
    public static ActionGradient fromKernel(EbmKernel kernel) {
        return new KernelGradient(kernel);
    }

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

    /** IBC's ChainData: actions after step k, energies and gradient norms at the input of step k. */
    public record ChainData(INDArray actions, INDArray energies, INDArray gradNorms) {}

    /** Final samples, and the chain when requested. */
    public record Result(INDArray actions, ChainData chain) {}

    /** {@code PolynomialSchedule.get_rate} in float32. */
    public static float polynomialRate(float init, float fin, float power, int numSteps, int index) {
        float progress = 1f - (float) index / (float) (numSteps - 1);
        return (init - fin) * (float) Math.pow(progress, power) + fin;
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
        float[] clip = new float[a];
        for (int i = 0; i < a; i++) {
            // numpy float64 arithmetic, then used as a float32 clip bound (spec §3.2).
            clip[i] = (float) (cfg.deltaActionClip() * 0.5 * ((double) maxActions[i] - (double) minActions[i]));
        }
        ChainData chain = cfg.returnChain() ? new ChainData(Nd4j.create(DataType.FLOAT, cfg.numIterations(), m, a),
                Nd4j.create(DataType.FLOAT, cfg.numIterations(), m), Nd4j.create(DataType.FLOAT, cfg.numIterations(), m))
                : null;
        EbmKernel kernel = chain == null && f instanceof KernelGradient kg ? kg.kernel() : null;
        Step rule = new Step(actions, kernel != null ? kernel.chainGradients() : grads, eps, cfg, clip, minActions,
                maxActions, norms);
        if (kernel != null) {
            kernel.beginChain(actions);
        }
        float stepsize = cfg.stepsizeInit();
        for (int k = 0; k < cfg.numIterations(); k++) {
            rule.stepsize = stepsize;
            if (kernel != null) {
                noise.normal(eps); // the same draws in the same order: one [M, A] normal per step
                kernel.chainStep(rule);
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
                chain.actions().get(org.nd4j.linalg.indexing.NDArrayIndex.point(k)).assign(actions);
                chain.energies().getRow(k).assign(energies);
                chain.gradNorms().getRow(k).assign(Nd4j.createFromArray(norms));
            }
            stepsize = cfg.usePolynomialRate()
                    ? polynomialRate(cfg.stepsizeInit(), cfg.stepsizeFinal(), cfg.stepsizePower(), cfg.numIterations(),
                            k + 1)
                    // IBC's ExponentialSchedule runs once at trace time: every later step uses init·decay.
                    : cfg.stepsizeInit() * cfg.stepsizeDecay();
        }
        return new Result(actions, chain);
    }

    /**
     * One {@code langevin_step} in place on one row of {@code actions}, in TF's float32 operation order; a
     * {@link EbmKernel.RowUpdate}, so a fused kernel can apply it inside its last pass (from two threads, on
     * different rows: it writes only its row of the actions and of the norms).
     */
    static final class Step implements EbmKernel.RowUpdate {
        private final FloatBuffer act;
        private final FloatBuffer g;
        private final FloatBuffer e;
        private final int a;
        private final float[] clip;
        private final float[] lo;
        private final float[] hi;
        private final float[] normsOut;
        private final boolean hasGradClip;
        private final float gradClip;
        private final float sigma;
        private final int normType;
        /** s_k of the current step; set before each step (the kernel's pass hand-off publishes it). */
        float stepsize;

        Step(INDArray actions, INDArray grads, INDArray eps, LangevinConfig cfg, float[] clip, float[] lo, float[] hi,
             float[] normsOut) {
            this.act = actions.data().asNioFloat();
            this.g = grads.data().asNioFloat();
            this.e = eps.data().asNioFloat();
            this.a = (int) actions.size(1);
            this.clip = clip;
            this.lo = lo;
            this.hi = hi;
            this.normsOut = normsOut;
            this.hasGradClip = cfg.gradClip() != null;
            this.gradClip = hasGradClip ? cfg.gradClip() : 0f;
            this.sigma = cfg.noiseScale();
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
                delta = Math.min(Math.max(delta, -clip[j]), clip[j]);
                float next = act.get(i) - delta;
                act.put(i, Math.min(Math.max(next, lo[j]), hi[j]));
            }
        }
    }

    private static final int INF = 0;
    private static final int L1 = 1;
    private static final int L2 = 2;

    /** grad_norm_type resolved once per step, not per element. */
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
}
