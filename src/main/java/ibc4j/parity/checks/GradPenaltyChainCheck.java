package ibc4j.parity.checks;

import ibc4j.agents.mcmc.Mcmc;
import ibc4j.losses.ChainData;
import ibc4j.losses.GradientLoss;
import ibc4j.networks.EbmKernel;
import ibc4j.networks.Float32ErrorBounds;
import ibc4j.networks.MLPEBM;
import ibc4j.parity.Golden;
import ibc4j.parity.ParityCheck;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link GradientLoss#gradPenalty} along the chain ({@code only_apply_final_grad_penalty=False}) against
 * {@code gradient_loss.py:grad_penalty} on a Langevin chain run under TF's gradient tape, teacher-forced on TF's
 * chain (its initial actions and every step's output):
 * <ul>
 *   <li>ibc4j's norms at each step's input against the chain's {@code grad_norms} (the ∂f/∂a bound of
 *       {@link Float32ErrorBounds}; (step, row) pairs with a ReLU input within rounding of 0 are set aside);</li>
 *   <li>the per-example penalty from TF's norms: the same float32 ops per term, the mean of n·K terms in another
 *       order (4·√(nK)·u·max term);</li>
 *   <li>the weights' gradient against a float64 rerun of the same computation (as {@link TrainStepCheck} does for
 *       the final-sample penalty): atol = 4·e32 + 16 ulps of max|tf|, TF differentiating its backward pass op by
 *       op.</li>
 * </ul>
 */
public final class GradPenaltyChainCheck implements ComponentCheck {
    private static final double U = Float32ErrorBounds.U;

    @Override
    public String component() {
        return "grad_penalty_chain";
    }

    @Override
    public List<TensorResult> run(Golden g) {
        MLPEBM net = GoldenNetworks.network(g);
        int b = g.intParam("batch");
        int n = g.intParam("num_counter_examples");
        int k = g.intParam("num_iterations");
        int rows = b * n;
        double margin = g.doubleParam("grad_margin");
        double weight = g.doubleParam("grad_loss_weight");
        INDArray obs = g.tensor("obs");
        INDArray init = g.tensor("init_actions");
        INDArray chainActions = g.tensor("chain_actions");
        INDArray tfNorms = g.tensor("chain_grad_norms");
        List<TensorResult> out = new ArrayList<>();

        // The uniform init from the recorded draw.
        float lo = (float) g.doubleParam("sampling_lo");
        float hi = (float) g.doubleParam("sampling_hi");
        float[] u = g.tensor("init_uniform").dup('c').data().asFloat();
        for (int i = 0; i < u.length; i++) {
            u[i] = u[i] * (hi - lo) + lo;
        }
        out.add(TensorResult.compare(g, "init_actions", Nd4j.create(u, init.shape(), 'c'), Tolerance.exact(
                "U·(hi−lo)+lo: tf.random.uniform's two float32 ops on the recorded U")));

        // ibc4j's norms at TF's step inputs.
        ChainData chain = new ChainData(chainActions, null, tfNorms, init, obs, true);
        EbmKernel probe = EbmKernel.create(net, rows);
        double[] mine = new double[k * rows];
        boolean[] ambiguous = new boolean[k * rows];
        boolean[] wide = new boolean[k * rows];
        double tolG = 0;
        for (int s = 0; s < k; s++) {
            INDArray in = chain.stepInput(s);
            probe.energies(obs, in);
            Float32ErrorBounds bounds = new Float32ErrorBounds(probe);
            boolean[] amb = bounds.ambiguousRows();
            boolean[] ambWide = bounds.ambiguousRows(Caps.RELU_WIDE);
            INDArray grad = probe.actionGradient(obs, in);
            tolG = Math.max(tolG, bounds.actionGradient());
            double[] norms = Transforms.abs(grad, true).max(1).castTo(DataType.DOUBLE).toDoubleVector();
            for (int r = 0; r < rows; r++) {
                mine[s * rows + r] = norms[r];
                ambiguous[s * rows + r] = amb[r];
                wide[s * rows + r] = ambWide[r];
            }
        }
        INDArray mineNorms = Nd4j.create(mine, new long[] {(long) k * rows, 1}, 'c');
        out.add(TensorResult.of(g, "chain_grad_norms", GoldenNetworks.keepRows(tfNorms.reshape((long) k * rows, 1),
                        ambiguous), GoldenNetworks.keepRows(mineNorms.castTo(DataType.FLOAT), ambiguous),
                Tolerance.of(tolG, 0, "max |∂f/∂a_i| picks one element: the ∂f/∂a backward bound (worst step)"))
                .withNote(GoldenNetworks.count(ambiguous) + " of " + k * rows + " (step, row) pairs with a ReLU "
                        + "input within rounding of 0 not compared")
                .excusing(Caps.reluRows(ambiguous, wide, "(step, row) pairs")));

        // The penalty from TF's norms.
        GradientLoss.PenaltyAndGradient p = GradientLoss.gradPenalty(net, "inf", b, chain, null, null, true, false,
                margin, true, weight);
        double cmax = Math.max(0, tfNorms.maxNumber().doubleValue() - margin);
        Tolerance tp = Tolerance.of(4 * Math.sqrt((double) n * k) * U * cmax * cmax * weight + 1e-9, 2 * U,
                "the same float32 ops per term; the mean of n·K terms ≤ max c² in another order: 4·√(nK)·u·max c²");
        out.add(TensorResult.compare(g, "per_example_penalty", p.perExample(), tp));
        float total = 0f;
        for (float v : p.perExample().toFloatVector()) {
            total += v;
        }
        out.add(TensorResult.compare(g, "total_penalty", Nd4j.scalar(total / b), Tolerance.of(tp.atol(),
                4 * U * Math.sqrt(b), "the per-example bound, plus Σ of B float32 terms in another order")));

        // The weights' gradient against a float64 rerun on the same chain.
        Map<String, INDArray> g64;
        DataType saveDt = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            MLPEBM net64 = MLPEBM.create(net.config(), net.obsDim(), net.actionDim(), 0);
            Map<String, INDArray> w = new LinkedHashMap<>();
            net.params().forEach((name, v) -> w.put(name, v.castTo(DataType.DOUBLE)));
            net64.setParams(w);
            ChainData chain64 = new ChainData(chainActions.castTo(DataType.DOUBLE), null,
                    tfNorms.castTo(DataType.DOUBLE), init.castTo(DataType.DOUBLE), obs.castTo(DataType.DOUBLE), true);
            g64 = net64.viewsOf(GradientLoss.gradPenalty(net64, "inf", b, chain64, null, null, true, false, margin,
                    true, weight).paramGradient());
        } finally {
            Nd4j.setDefaultDataTypes(saveDt, saveDt);
        }
        Map<String, INDArray> mineGrad = net.viewsOf(p.paramGradient());
        for (String name : net.paramNames()) {
            INDArray tf = g.tensor("grad_" + name);
            INDArray m = mineGrad.get(name);
            double e32 = m.castTo(DataType.DOUBLE).sub(g64.get(name)).amaxNumber().doubleValue();
            double eTf = tf.castTo(DataType.DOUBLE).sub(g64.get(name)).amaxNumber().doubleValue();
            double tol = 4 * e32 + 16 * U * tf.amaxNumber().doubleValue();
            out.add(TensorResult.compare(g, "grad_" + name, m, Tolerance.of(tol, 0, "4·e32 (ibc4j vs its own "
                    + "float64: " + ibc4j.parity.Fmt.sci(e32) + ") + 16 ulps of max|tf|")).withNote(
                    name.equals("proj_kernel") ? String.format(Locale.ROOT, "%s: max|ibc4j32−ibc4j64| %.2e, "
                            + "max|TF32−ibc4j64| %.2e", name, e32, eTf) : ""));
        }
        return out;
    }
}
