package ibc4j.parity.checks;

import ibc4j.agents.MseAgent;
import ibc4j.agents.Observations;
import ibc4j.configurables.IbcConfigurables;
import ibc4j.gin.GinConfig;
import ibc4j.networks.Float32ErrorBounds;
import ibc4j.networks.MLPMSE;
import ibc4j.networks.layers.KerasDropout;
import ibc4j.optimizers.ExponentialDecay;
import ibc4j.optimizers.KerasAdam;
import ibc4j.parity.Golden;
import ibc4j.parity.ParityCheck;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import ibc4j.runtime.NoiseSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link MseAgent} (made through gin) against one TF training step of {@code mse_agent.py:
 * MseBehavioralCloningAgent._loss} + {@code base_agent.py:_train}, with TF's dropout draws replayed: predictions,
 * per-example and total loss, every variable's gradient, Adam's slots and the updated weights (with ibc4j's
 * gradients, and with TF's gradient: the optimizer alone).
 *
 * <p>Gradient tolerance: as in {@link TrainStepCheck}, the same computation runs in float64 (same weights, same
 * dropout masks and constants) and ibc4j's own float32 error e32 = max|g32 − g64| is measured per tensor. TF's
 * gradient is the same backprop (the same GEMMs and elementwise products, summed in another order), so its error
 * is of the same kind and size: atol = 4·e32 for ours + 4·e32 for TF's (4× covers the tail), plus 2 ulps of
 * max|tf| for the final roundings of a tensor whose e32 happens to be tiny.
 */
public final class MseTrainStepCheck implements ComponentCheck {
    private static final double U = Float32ErrorBounds.U;

    @Override
    public String component() {
        return "mse_train_step";
    }

    @Override
    public List<TensorResult> run(Golden g) {
        MLPMSE net = GoldenMse.network(g);
        int b = g.intParam("batch");
        INDArray obs = GoldenNetworks.flatObservations(g);
        INDArray actions = g.tensor("true_actions");
        List<INDArray> draws = new ArrayList<>();
        for (int i = 0; i < net.numDropoutLayers(); i++) {
            draws.add(g.tensor("dropout" + i + "_uniform"));
        }
        List<TensorResult> out = new ArrayList<>();
        out.add(TensorResult.compare(g, "obs_flat", obs, Tolerance.exact(
                "flatten (sorted keys, time-major) copies values")));

        MseAgent agent = agent(g, net);
        INDArray saved = net.graph().params().dup();
        double eY;
        try (KerasDropout.Binding s = net.dropoutNoise(NoiseSource.replay(draws, List.of()))) {
            eY = GoldenMse.headBound(net, obs, true);
        }
        MseAgent.Loss loss = agent.loss(obs, actions, NoiseSource.replay(draws, List.of()));
        out.add(TensorResult.compare(g, "predictions", loss.predictions(), Tolerance.of(eY, 0,
                MlpMseForwardCheck.WHY + "; TF's dropout draws replayed")));
        // (y − t)² with y off by ≤ e: moves by ≤ 2|y − t|·e + e², then the mean of A float32 terms (2 roundings).
        double dmax = Transforms.abs(g.tensor("predictions").sub(actions), false).maxNumber().doubleValue();
        double tPer = 2 * dmax * eY + eY * eY;
        out.add(TensorResult.compare(g, "per_example_loss", loss.perExampleLoss(), Tolerance.of(tPer, 4 * U,
                "2·max|y−t|·e(y) + e(y)², plus the mean's roundings")));
        Tolerance tTot = Tolerance.of(tPer, 4 * U * Math.sqrt(b), "the per-example bound, plus Σ of B float32 terms "
                + "in another order: √B ulps");
        out.add(TensorResult.compare(g, "total_loss", Nd4j.scalar(loss.totalLoss()), tTot));
        out.add(TensorResult.compare(g, "total_loss", Nd4j.scalar(loss.summaries().get("Losses/mse_total_loss")),
                tTot).withNote("as the summary Losses/mse_total_loss"));

        // Gradients against a float64 run of the same computation (see the class comment).
        Map<String, INDArray> g64 = reference64(net, obs, actions, draws);
        Map<String, INDArray> mine = net.viewsOf(loss.gradient());
        Map<String, Double> tolGrad = new HashMap<>();
        for (String name : net.paramNames()) {
            TensorResult r = gradResult(g, "grad_" + name, mine.get(name), g64.get(name));
            tolGrad.put(name, r.tolerance().atol());
            out.add(r);
        }

        KerasAdam adam = agent.optimizer();
        float lr = adam.currentLearningRate();
        out.add(TensorResult.compare(g, "learning_rate", Nd4j.scalar(lr), Tolerance.exact("lr0·0.99^(0/100) = lr0")));
        Map<String, INDArray> before = AdamChecks.copy(net.params());
        agent.applyGradients(loss);
        out.addAll(AdamChecks.results(g, net.paramNames(), "grad_", before, net.params(), net.viewsOf(adam.m()),
                net.viewsOf(adam.v()), tolGrad, lr));
        // The optimizer alone, on TF's gradient from TF's weights.
        net.graph().params().assign(saved);
        KerasAdam alone = new KerasAdam(schedule(g), net.graph().numParams());
        INDArray tfGrad = Nd4j.create(DataType.FLOAT, net.graph().numParams());
        Map<String, INDArray> views = net.viewsOf(tfGrad);
        for (String name : net.paramNames()) {
            views.get(name).assign(g.tensor("grad_" + name));
        }
        alone.apply(net.graph().params(), tfGrad);
        out.addAll(AdamChecks.results(g, net.paramNames(), "grad_", null, net.params(), net.viewsOf(alone.m()),
                net.viewsOf(alone.v()), null, lr));
        return out;
    }

    /** The agent as get_agent builds it for loss_type='mse', through gin. */
    private static MseAgent agent(Golden g, MLPMSE net) {
        GinConfig gin = IbcConfigurables.newGinConfig();
        Map<String, Object> args = new HashMap<>();
        args.put("time_step_spec", null);
        args.put("action_spec", null);
        args.put("action_sampling_spec", null);
        args.put("cloning_network", net);
        args.put("optimizer", new KerasAdam(schedule(g), net.graph().numParams()));
        return gin.make(MseAgent.class, args);
    }

    private static ExponentialDecay schedule(Golden g) {
        return new ExponentialDecay((float) g.doubleParam("learning_rate"), (float) g.doubleParam("decay_steps"),
                (float) g.doubleParam("decay_rate"));
    }

    /** ∂(Σ_b mean_a (y − t)² / B)/∂θ in float64 on the same weights, inputs and dropout masks. */
    private static Map<String, INDArray> reference64(MLPMSE net, INDArray obs, INDArray actions,
                                                     List<INDArray> draws) {
        DataType saveDt = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            MLPMSE net64 = MLPMSE.create(net.config(), net.obsDim(), net.actionDim(), 0);
            Map<String, INDArray> w = new LinkedHashMap<>();
            net.params().forEach((name, v) -> w.put(name, v.castTo(DataType.DOUBLE)));
            net64.setParams(w);
            INDArray t64 = actions.castTo(DataType.DOUBLE);
            double scale = 2.0 / ((double) actions.size(0) * actions.size(1));
            MLPMSE.TrainingPass pass;
            try (KerasDropout.Binding s = net64.dropoutNoise(NoiseSource.replay(draws, List.of()))) {
                pass = net64.trainingPass(obs.castTo(DataType.DOUBLE), y -> y.sub(t64).muli(scale));
            }
            return net64.viewsOf(pass.gradient());
        } finally {
            Nd4j.setDefaultDataTypes(saveDt, saveDt);
        }
    }

    private static TensorResult gradResult(Golden g, String tensor, INDArray mine, INDArray ref64) {
        INDArray tf = g.tensor(tensor);
        double e32 = mine.castTo(DataType.DOUBLE).sub(ref64).amaxNumber().doubleValue();
        double eTf = tf.castTo(DataType.DOUBLE).sub(ref64).amaxNumber().doubleValue();
        double tol = 8 * e32 + 2 * U * tf.amaxNumber().doubleValue();
        return TensorResult.compare(g, tensor, mine, Tolerance.of(tol, 0, "4·e32 for ibc4j + 4·e32 for TF (the same "
                        + "backprop, another summation order) + 2 ulps of max|tf|; e32 = max|ibc4j32 − ibc4j64|"))
                .withNote(String.format(Locale.ROOT, "max|ibc4j32−ibc4j64| %.2e, max|TF32−ibc4j64| %.2e", e32, eTf));
    }
}
