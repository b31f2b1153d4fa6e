package ibc4j.parity.checks;

import ibc4j.agents.ImplicitBCAgent;
import ibc4j.agents.Observations;
import ibc4j.agents.mcmc.Mcmc;
import ibc4j.losses.ChainData;
import ibc4j.networks.EbmKernel;
import ibc4j.networks.Float32ErrorBounds;
import ibc4j.networks.MLPEBM;
import ibc4j.parity.ChainComparison;
import ibc4j.parity.Fmt;
import ibc4j.parity.Golden;
import ibc4j.parity.ParityCheck;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import ibc4j.runtime.NoiseSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * MLPEBM with {@code dense_layer_type='spectral_norm'} (IBC's DenseSN, {@code networks/layers/spectral_norm.py})
 * against TF: single calls (training=False keeps u, training=True advances it) and one complete training step,
 * whose two training calls advance u twice and whose gradients flow through σ, u' and v.
 *
 * <p>Tolerances: DenseSN adds a float32 power iteration (dot products over the layer's width) in front of every
 * value, so W̄ itself carries a relative rounding error of a few ulps·√width, on both sides, which the a-priori
 * network bounds of the other checks do not include. Instead every value is also computed in float64 from the same
 * inputs, ibc4j's own float32 error e32 = max|x32 − x64| is measured per tensor, and TF, running the same float32
 * operations in another order, is allowed an error of the same size: atol = 8·e32 + 16 ulps of max|tf|
 * (as {@link TrainStepCheck} for its gradients, with the TF half made explicit). Rows whose ReLU inputs lie within
 * rounding of 0 ({@link Float32ErrorBounds#ambiguousRows()}) are left out of ∂f/∂a-based values, as there.
 */
public final class SpectralNormCheck implements ComponentCheck {
    private static final double U = Float32ErrorBounds.U;

    @Override
    public String component() {
        return "spectral_norm";
    }

    @Override
    public List<TensorResult> run(Golden g) throws Exception {
        MLPEBM net = GoldenNetworks.network(g);
        MLPEBM net64 = network64(g);
        int b = g.intParam("batch");
        int n = g.intParam("num_counter_examples");
        int k = g.intParam("num_iterations");
        float lo = (float) g.doubleParam("sampling_lo");
        float hi = (float) g.doubleParam("sampling_hi");
        INDArray obs = GoldenNetworks.flatObservations(g);
        INDArray actions = g.tensor("true_actions");
        INDArray tiled = Observations.tile(obs, n + 1);
        INDArray tiled64 = tiled.castTo(DataType.DOUBLE);
        List<TensorResult> out = new ArrayList<>();
        Map<String, INDArray> u0 = copy(net.spectralNormState());

        // ------------------------------------------------ single calls
        INDArray probe = g.tensor("probe_actions");
        out.add(measured(g, "energies_eval", net.energies(tiled, probe),
                net64.energies(tiled64, probe.castTo(DataType.DOUBLE))));
        for (Map.Entry<String, INDArray> e : net.spectralNormState().entrySet()) {
            if (!java.util.Arrays.equals(e.getValue().dup('c').data().asFloat(),
                    u0.get(e.getKey()).dup('c').data().asFloat())) {
                throw new AssertionError("training=False changed u of " + e.getKey());
            }
        }
        net.call(true);
        net64.call(true);
        out.add(measured(g, "energies_train", net.energiesTraining(tiled, probe),
                net64.energiesTraining(tiled64, probe.castTo(DataType.DOUBLE))));
        for (String d : net.spectralNormState().keySet()) {
            out.add(measured(g, "sn_u_after_call_" + d, net.spectralNormState().get(d),
                    net64.spectralNormState().get(d)));
        }
        restore(net.spectralNormState(), u0);
        restore(net64.spectralNormState(), u0);

        // ------------------------------------------------ the training step
        ImplicitBCAgent agent = TrainStepCheck.agent(g, net, lo, hi);
        ImplicitBCAgent.CounterExamples ce = agent.makeCounterExampleActions(obs, actions,
                NoiseSource.replay(List.of(g.tensor("init_uniform")),
                        ChainComparison.unstack(g.tensor("step_noise"))));
        out.add(TensorResult.compare(g, "init_actions", ce.initial(), Tolerance.exact(
                "U·(hi−lo)+lo: tf.random.uniform's two float32 ops on the recorded U")));
        out.addAll(TrainStepCheck.freeRunningChain(g, net, obs, ce, k, n, lo, hi));

        // Teacher-forced from TF's counter examples: the loss, both gradient parts through DenseSN, u twice.
        INDArray tfCombined = g.tensor("combined_actions");
        ImplicitBCAgent.CounterExamples tfCe = new ImplicitBCAgent.CounterExamples(g.tensor("init_actions"),
                g.tensor("counter_example_actions"), tfCombined, new ChainData(null,
                g.tensor("chain_energies"), g.tensor("chain_grad_norms")));
        ImplicitBCAgent.Loss loss = agent.loss(obs, actions, tfCe);
        Step64 ref = step64(g, net64, tiled64, tfCombined.castTo(DataType.DOUBLE), b, n);

        EbmKernel probeK = EbmKernel.create(net, b * (n + 1)); // W̄ of the penalty's call, as the agent left it
        probeK.energies(tiled, tfCombined);
        Float32ErrorBounds probeBounds = new Float32ErrorBounds(probeK);
        boolean[] ambiguous = probeBounds.ambiguousRows();
        boolean[] wide = probeBounds.ambiguousRows(Caps.RELU_WIDE);
        boolean[] ambiguousExample = new boolean[b];
        for (int r = 0; r < ambiguous.length; r++) {
            ambiguousExample[r / (n + 1)] |= ambiguous[r];
        }
        String skipped = GoldenNetworks.count(ambiguous) + " rows (" + GoldenNetworks.count(ambiguousExample)
                + " examples) with a ReLU input within rounding of 0 not compared";
        out.add(measured(g, "predictions", loss.predictions(), ref.predictions));
        out.add(measured(g, "per_example_info_nce", loss.perExampleEbmLoss(), ref.infoNce));
        out.add(measuredRows(g, "penalty_grad_norms", loss.penalty().norms().reshape((long) b * (n + 1), 1),
                ref.norms.reshape((long) b * (n + 1), 1), ambiguous).withNote(skipped)
                .excusing(Caps.reluRows(ambiguous, wide, "rows")));
        out.add(measuredRows(g, "per_example_penalty", loss.penalty().perExample(), ref.penalty, ambiguousExample)
                .excusing(Caps.reluExamples(ambiguousExample, wide)));
        out.add(measuredRows(g, "per_example_loss", loss.perExampleLoss(), ref.infoNce.add(ref.penalty),
                ambiguousExample).excusing(Caps.reluExamples(ambiguousExample, wide)));
        out.add(measured(g, "total_loss", Nd4j.scalar(loss.totalLoss()),
                Nd4j.scalar(ref.infoNce.add(ref.penalty).meanNumber().doubleValue())));
        for (String d : net.spectralNormState().keySet()) {
            out.add(measured(g, "sn_u_after_step_" + d, net.spectralNormState().get(d),
                    net64.spectralNormState().get(d)).withNote("u after the step's two training calls"));
        }
        Map<String, INDArray> mine = net.viewsOf(loss.gradTotal());
        Map<String, INDArray> mine64 = net64.viewsOf(ref.gradTotal);
        Map<String, Double> tolGrad = new HashMap<>();
        for (String name : net.paramNames()) {
            TensorResult r = TrainStepCheck.gradResult(g, "grad_total_" + name, mine.get(name), mine64.get(name),
                    TrainStepCheck.exactZeroBound(net, name, b, n), null);
            tolGrad.put(name, r.tolerance().atol());
            out.add(r);
        }
        float lr = agent.optimizer().currentLearningRate();
        Map<String, INDArray> before = AdamChecks.copy(net.params());
        agent.applyGradients(loss);
        out.addAll(AdamChecks.results(g, net.paramNames(), "grad_total_", before, net.params(),
                net.viewsOf(agent.optimizer().m()), net.viewsOf(agent.optimizer().v()), tolGrad, lr));
        return out;
    }

    /** What the step computes, in float64: the agent's two training calls, done by hand. */
    private record Step64(INDArray predictions, INDArray infoNce, INDArray norms, INDArray penalty,
                          INDArray gradTotal) {}

    private static Step64 step64(Golden g, MLPEBM net64, INDArray tiled, INDArray combined, int b, int n) {
        double margin = g.doubleParam("grad_margin");
        MLPEBM.Call prediction = net64.call(true);
        INDArray pred = net64.energiesTraining(tiled, combined).reshape(b, n + 1);
        TrainStepCheck.InfoNce64 nce = TrainStepCheck.infoNce64(pred, b);
        INDArray infoNce = nce.perExampleLoss();
        INDArray grad = prediction.toParamGradient(net64.paramGradient(tiled, combined,
                nce.gradPredictions().reshape((long) b * (n + 1))));
        MLPEBM.Call penaltyCall = net64.call(true);
        EbmKernel k = EbmKernel.create(net64, b * (n + 1));
        INDArray flat = Nd4j.zeros(DataType.DOUBLE, net64.graph().numParams());
        k.gradPenaltyParamGradients(tiled, combined, margin, 1.0, flat);
        grad.addi(penaltyCall.toParamGradient(flat));
        INDArray norms = Nd4j.create(DataType.DOUBLE, (long) b * (n + 1));
        INDArray dfda = k.lastActionGradient();
        INDArray penalty = Nd4j.create(DataType.DOUBLE, b);
        for (int r = 0; r < b * (n + 1); r++) {
            double norm = dfda.getRow(r).amaxNumber().doubleValue();
            norms.putScalar(r, norm);
            double c = Math.max(0, norm - margin);
            penalty.putScalar(r / (n + 1), penalty.getDouble(r / (n + 1)) + c * c / (n + 1));
        }
        return new Step64(pred, infoNce, norms.reshape(b, n + 1), penalty, grad);
    }

    private static MLPEBM network64(Golden g) {
        DataType saved = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            return GoldenNetworks.network(g);
        } finally {
            Nd4j.setDefaultDataTypes(saved, saved);
        }
    }

    /** One tensor against TF with the measured tolerance of the class comment. */
    private static TensorResult measured(Golden g, String tensor, INDArray mine, INDArray ref64) {
        return measuredRows(g, tensor, mine, ref64, null);
    }

    private static TensorResult measuredRows(Golden g, String tensor, INDArray mine, INDArray ref64,
                                             boolean[] drop) {
        INDArray tf = g.tensor(tensor);
        Function<INDArray, INDArray> keep = a -> drop == null ? a : GoldenNetworks.keepRows(a, drop);
        INDArray m = keep.apply(mine.reshape(tf.shape()));
        INDArray t = keep.apply(tf);
        INDArray r = keep.apply(ref64.reshape(tf.shape()));
        double e32 = m.castTo(DataType.DOUBLE).sub(r).amaxNumber().doubleValue();
        double eTf = t.castTo(DataType.DOUBLE).sub(r).amaxNumber().doubleValue();
        double tol = 8 * e32 + 16 * U * t.amaxNumber().doubleValue();
        return TensorResult.of(g, tensor, t, m, Tolerance.of(tol, 0, "8·e32 (ibc4j vs its own float64: "
                        + Fmt.sci(e32) + "; TF does the same float32 operations in another order) + 16 ulps of "
                        + "max|tf|"))
                .withNote("max|TF32 − ibc4j64| " + Fmt.sci(eTf));
    }

    private static Map<String, INDArray> copy(Map<String, INDArray> state) {
        Map<String, INDArray> c = new LinkedHashMap<>();
        state.forEach((k, v) -> c.put(k, v.dup()));
        return c;
    }

    private static void restore(Map<String, INDArray> state, Map<String, INDArray> saved) {
        state.forEach((k, v) -> v.assign(saved.get(k)));
    }
}
