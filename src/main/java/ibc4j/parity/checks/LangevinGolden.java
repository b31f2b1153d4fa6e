package ibc4j.parity.checks;

import ibc4j.agents.mcmc.LangevinConfig;
import ibc4j.agents.mcmc.Mcmc;
import ibc4j.networks.EbmKernel;
import ibc4j.networks.Float32ErrorBounds;
import ibc4j.networks.MLPEBM;
import ibc4j.networks.PreActivationKernel;
import ibc4j.parity.ChainComparison;
import ibc4j.parity.Comparison;
import ibc4j.parity.Excused;
import ibc4j.parity.Fmt;
import ibc4j.parity.Golden;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A recorded Langevin chain ({@code step_*} tensors of the {@code langevin_chain} and {@code ibc_policy_inference}
 * goldens) against {@link Mcmc}, in both modes of {@link ChainComparison}.
 *
 * <p><b>Teacher-forced</b>: step k starts from TF's input actions of step k (its output of step k−1) with TF's
 * noise of step k, so every per-step tensor is compared with no accumulated error. Tolerances come from
 * {@link Float32ErrorBounds} on that very input; rows whose ReLU inputs lie within rounding of 0 at that step may
 * legitimately take the other mask (∂f/∂a then changes by a whole row of W1) and are not compared at that step.
 *
 * <p><b>Free-running</b>: ibc4j's own chain from the initial uniform draw, with TF's noise. f is piecewise linear
 * in a (ReLU), so ∂f/∂a is piecewise constant: while TF and ibc4j sit in the same linear region their δ differ by
 * the rounding of ∂f/∂a only, and the drift adds up linearly (both clips are 1-Lipschitz, so a clip decision that
 * flips costs no more than the rounding that flipped it). A row that comes within (rounding + its actual drift
 * through the first layers) of a ReLU boundary may cross it on one side only; from then on its chain is allowed
 * to diverge: it is counted, reported with the all-row drift, and left out of the comparison.
 */
final class LangevinGolden {
    private static final double U = Float32ErrorBounds.U;

    private LangevinGolden() {}

    /**
     * The results, ibc4j's free-running final actions, which rows left the budget, and the budget (the largest
     * drift a row that stayed in TF's ReLU regions can have).
     */
    record Outcome(List<TensorResult> results, INDArray freeRunningFinal, boolean[] diverged, double budget,
                   double energyBound) {}

    /**
     * @param obs       the chain's observations {@code [M, obsDim]} (tiled, flattened)
     * @param tfInit    TF's initial actions {@code [M, A]} (teacher-forced start)
     * @param ownInit   ibc4j's initial actions (free-running start)
     */
    static Outcome compare(Golden g, MLPEBM net, INDArray obs, INDArray tfInit, INDArray ownInit, LangevinConfig cfg,
                           float[] lo, float[] hi) {
        int m = (int) obs.size(0);
        int a = net.actionDim();
        int steps = cfg.numIterations();
        INDArray noise = g.tensor("step_noise");
        float[] s = Mcmc.stepsizes(cfg);
        List<TensorResult> out = new ArrayList<>();
        out.add(TensorResult.compare(g, "step_size", Nd4j.createFromArray(s), Tolerance.exact(
                "fl32(init−final)·fl32(1−fl32(k)/(K−1))² + fl32(final): the same correctly rounded float32 ops")));
        out.add(TensorResult.compare(g, "delta_clip", Nd4j.scalar(Mcmc.deltaClip(cfg, lo, hi)[0]), Tolerance.exact(
                "fl32((0.1·0.5)·fl32(hi−lo)), float64 product of Python floats, as NumPy computes it")));

        EbmKernel chainKernel = EbmKernel.create(net, m);
        Mcmc.ActionGradient f = Mcmc.energyGradient(chainKernel, obs);
        PreActivationKernel probe = (PreActivationKernel) EbmKernel.create(net, m);
        Probe bounds = new Probe(net);

        // ---------------------------------------------------------------- teacher-forced
        String[] names = {"step_energies", "step_de_dact", "step_grad_norms", "step_delta_pre_clip",
                "step_delta_post_clip", "step_actions_pre_clip", "step_actions"};
        INDArray[] mine = new INDArray[names.length];
        for (int i = 0; i < names.length; i++) {
            mine[i] = Nd4j.create(DataType.FLOAT, g.tensor(names[i]).shape());
        }
        boolean[] drop = new boolean[steps * m];
        boolean[] dropWide = new boolean[steps * m];
        double tolE = 0;
        double tolG = 0;
        INDArray tfActions = g.tensor("step_actions");
        for (int k = 0; k < steps; k++) {
            INDArray in = k == 0 ? tfInit : tfActions.get(NDArrayIndex.point(k - 1)).dup('c');
            Mcmc.Step st = Mcmc.langevinStep(f, in, noise.get(NDArrayIndex.point(k)), s[k], cfg, lo, hi);
            INDArray[] parts = {st.energies(), st.deDact(), st.gradNorms(), st.deltaPreClip(), st.deltaPostClip(),
                    st.actionsPreClip(), st.actions()};
            for (int i = 0; i < parts.length; i++) {
                mine[i].get(NDArrayIndex.point(k)).assign(parts[i]);
            }
            bounds.at(probe, obs, in, null);
            tolE = Math.max(tolE, bounds.head);
            tolG = Math.max(tolG, bounds.grad);
            for (int r = 0; r < m; r++) {
                drop[k * m + r] = bounds.near[r];
                dropWide[k * m + r] = bounds.nearWide[r];
            }
        }
        int dropped = GoldenNetworks.count(drop);
        double amax = Math.max(Math.abs(lo[0]), Math.abs(hi[0]));
        float c = Mcmc.deltaClip(cfg, lo, hi)[0];
        // δ before the clip is not bounded by c: its two roundings scale with its own size. After the clip they
        // do not: where |δ| exceeds c by more than the error both sides clip to ±c exactly, elsewhere |δ| ≲ c.
        double deltaMax = g.tensor("step_delta_pre_clip").amaxNumber().doubleValue();
        double tolDeltaPre = 0.5 * s[0] * tolG + 2 * U * Math.max(c, deltaMax);
        double tolDelta = 0.5 * s[0] * tolG + 2 * U * c;
        Tolerance[] tols = {
            Tolerance.of(tolE, 0, "4·√K·u·Σ|terms| through the network on the step's input, max over steps"),
            Tolerance.of(tolG, 0, "∂f/∂a backward chain bound on the step's input, max over steps"),
            Tolerance.of(tolG, 0, "max |g_i| picks one element of ∂f/∂a: its bound"),
            Tolerance.of(tolDeltaPre, 0, "s·(0.5·d + ε): 0.5·s0·tol(∂f/∂a) plus two roundings of max|δ|"),
            Tolerance.of(tolDelta, 0, "the box clip: 0.5·s0·tol(∂f/∂a) plus two roundings of |δ| ≤ c (beyond c "
                    + "both sides clip to ±c)"),
            Tolerance.of(tolDelta + 2 * U * (amax + c), 0, "a − δ: δ's bound plus each side's rounding of "
                    + "|a − δ| ≤ |a| + c"),
            Tolerance.of(tolDelta + 2 * U * (amax + c), 0, "the bound clip is 1-Lipschitz: a − δ's bound"),
        };
        String skipped = dropped + " of " + drop.length + " (step, row) pairs with a ReLU input within rounding of 0 "
                + "not compared (teacher-forced)";
        for (int i = 0; i < names.length; i++) {
            INDArray tf = g.tensor(names[i]);
            long per = tf.length() / ((long) steps * m);
            out.add(TensorResult.of(g, names[i], GoldenNetworks.keepRows(tf.reshape((long) steps * m, per), drop),
                    GoldenNetworks.keepRows(mine[i].reshape((long) steps * m, per), drop), tols[i])
                    .withNote(i == 0 ? "teacher-forced, " + skipped : "")
                    .excusing(Caps.reluRows(drop, dropWide, "(step, row) pairs")));
        }

        // ---------------------------------------------------------------- free-running
        INDArray state = ownInit.castTo(DataType.FLOAT).dup('c');
        boolean[] flagged = new boolean[m];   // came within rounding + drift of a ReLU boundary at some step
        boolean[] diverged = new boolean[m];  // flagged, and then left the drift budget: excluded from then on
        int firstDivergence = -1;
        List<Comparison> kept = new ArrayList<>();
        double[] allRowDrift = new double[steps];
        double budget = 0;
        for (int k = 0; k < steps; k++) {
            budget += 0.5 * s[k] * tolG + 3 * U * (c + amax);
        }
        Tolerance free = Tolerance.of(budget, 0, "Σ_k (0.5·s_k·tol(∂f/∂a) + 3u·(c+|a|)): ∂f/∂a is piecewise constant "
                + "in a, errors add; only rows that neared a ReLU boundary may leave it");
        for (int k = 0; k < steps; k++) {
            INDArray tfIn = k == 0 ? tfInit : tfActions.get(NDArrayIndex.point(k - 1)).dup('c');
            bounds.at(probe, obs, state, Transforms.abs(state.sub(tfIn), false).max(1));
            for (int r = 0; r < m; r++) {
                flagged[r] |= bounds.near[r];
            }
            state = Mcmc.langevinStep(f, state, noise.get(NDArrayIndex.point(k)), s[k], cfg, lo, hi).actions();
            INDArray tfOut = tfActions.get(NDArrayIndex.point(k)).dup('c');
            double[] rowDrift = Transforms.abs(state.sub(tfOut), false).max(1).toDoubleVector();
            for (int r = 0; r < m; r++) {
                allRowDrift[k] = Math.max(allRowDrift[k], rowDrift[r]);
                if (flagged[r] && !diverged[r] && rowDrift[r] > budget) {
                    diverged[r] = true;
                    firstDivergence = firstDivergence < 0 ? k : firstDivergence;
                }
            }
            kept.add(Comparison.of("step_actions@step" + k, GoldenNetworks.keepRows(tfOut, diverged),
                    GoldenNetworks.keepRows(state, diverged), free).excusing(divergedRows(diverged)));
        }
        ChainComparison.ChainResult chain = new ChainComparison.ChainResult("step_actions",
                ChainComparison.Mode.FREE_RUNNING, kept);
        int nDiverged = GoldenNetworks.count(diverged);
        String note = chain.driftSummary() + " over " + (m - nDiverged) + " of " + m + " rows; "
                + GoldenNetworks.count(flagged) + " rows came within rounding+drift of a ReLU boundary at some step, "
                + nDiverged + " of them then left the budget and are not compared"
                + (firstDivergence >= 0 ? " (first at step " + firstDivergence + ")" : "")
                + "; all-row drift max|Δ|:" + quartiles(allRowDrift);
        out.add(chain.toTensorResult(g).withNote(note));
        if (g.has("final_actions")) {
            out.add(TensorResult.of(g, "final_actions", GoldenNetworks.keepRows(g.tensor("final_actions"), diverged),
                    GoldenNetworks.keepRows(state, diverged), free).withNote("free-running, rows as step_actions")
                    .excusing(divergedRows(diverged)));
        }
        return new Outcome(out, state, diverged, budget, tolE);
    }

    /** Chains excused from the free-running comparison: neared a ReLU boundary, then left the budget. */
    static Excused divergedRows(boolean[] diverged) {
        return new Excused(GoldenNetworks.count(diverged), diverged.length, Caps.FREE_RUNNING,
                "chains that neared a ReLU boundary and then left the drift budget");
    }

    private static String quartiles(double[] d) {
        int n = d.length;
        StringBuilder sb = new StringBuilder();
        for (int k : new java.util.TreeSet<>(List.of(0, n / 4, n / 2, 3 * n / 4, n - 1))) {
            sb.append(String.format(Locale.ROOT, " step%d %s,", k, Fmt.sci(d[k])));
        }
        sb.setLength(sb.length() - 1);
        return sb.toString();
    }

    /**
     * Error bounds of one network evaluation at given inputs, and which rows have a ReLU input within reach of 0:
     * rounding ({@link Float32ErrorBounds}) plus, in free-running mode, the rows' actual action drift carried
     * through the first layer (L1 column norms of the action rows of W_p) and the block's first dense (of W1).
     */
    static final class Probe {
        private final double actL1;
        private final double w1L1;
        double head;
        double grad;
        boolean[] near;
        boolean[] nearWide; // within Caps.RELU_WIDE times the same reach, for the expected rate of near rows

        Probe(MLPEBM net) {
            Map<String, INDArray> p = net.forwardParams();
            INDArray wp = p.get("proj_kernel");
            INDArray wAct = wp.get(NDArrayIndex.interval(net.obsDim(), net.inputDim()), NDArrayIndex.all());
            actL1 = Transforms.abs(wAct, true).sum(0).maxNumber().doubleValue();
            w1L1 = Transforms.abs(p.get("block_dense1_kernel"), true).sum(0).maxNumber().doubleValue();
        }

        /** @param drift per-row max |Δa| between the two sides' inputs, or null (same inputs) */
        void at(PreActivationKernel k, INDArray obs, INDArray act, INDArray drift) {
            k.energies(obs, act);
            Float32ErrorBounds b = new Float32ErrorBounds(k);
            head = b.head;
            Map<String, INDArray> im = k.intermediates();
            double[] h0 = Transforms.abs(im.get("projection"), true).min(1).toDoubleVector();
            double[] z = Transforms.abs(im.get("dense1"), true).min(1).toDoubleVector();
            double[] d = drift == null ? null : drift.toDoubleVector();
            near = new boolean[h0.length];
            nearWide = new boolean[h0.length];
            for (int r = 0; r < h0.length; r++) {
                double dh = b.projection + (d == null ? 0 : d[r] * actL1);
                double dz = b.dense1 + (d == null ? 0 : dh * w1L1);
                near[r] = h0[r] <= dh || z[r] <= dz;
                nearWide[r] = h0[r] <= Caps.RELU_WIDE * dh || z[r] <= Caps.RELU_WIDE * dz;
            }
            k.actionGradient(obs, act);
            grad = b.actionGradient();
        }
    }
}
