package ibc4j.parity.checks;

import ibc4j.agents.MdnAgent;
import ibc4j.configurables.IbcConfigurables;
import ibc4j.gin.GinConfig;
import ibc4j.networks.MLPMDN;
import ibc4j.networks.layers.KerasDropout;
import ibc4j.optimizers.ExponentialDecay;
import ibc4j.optimizers.KerasAdam;
import ibc4j.parity.Golden;
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

/**
 * {@link MdnAgent} (made through gin) against one TF training step of {@code mdn_agent.py:
 * MdnBehavioralCloningAgent._loss} + {@code base_agent.py:_train}, TF's dropout draws replayed: the Dense outputs,
 * per-example and total loss, every variable's gradient, Adam's slots and the updated weights (with ibc4j's
 * gradients, and with TF's gradient: the optimizer alone).
 *
 * <p>Gradient tolerance as in {@link MseTrainStepCheck}: the same computation in float64 (same weights, masks and
 * targets; the head's gradient in closed form in double) measures ibc4j's own float32 error e32 per tensor; TF's
 * is the same kind of computation in another order: atol = 8·e32 + 2 ulps of max|tf|.
 */
public final class MdnTrainStepCheck implements ComponentCheck {
    private static final double U = GoldenMdn.U;

    @Override
    public String component() {
        return "mdn_train_step";
    }

    @Override
    public List<TensorResult> run(Golden g) {
        MLPMDN net = GoldenMdn.network(g);
        int b = g.intParam("batch");
        INDArray obs = GoldenNetworks.flatObservations(g);
        INDArray actions = g.tensor("true_actions");
        List<INDArray> draws = GoldenMdn.dropoutDraws(g);
        List<TensorResult> out = new ArrayList<>();
        out.add(TensorResult.compare(g, "obs_flat", obs, Tolerance.exact(
                "flatten (sorted keys, time-major) copies values")));

        MdnAgent agent = agent(g, net);
        INDArray saved = net.graph().params().dup();
        GoldenMdn.Bounds bt;
        try (KerasDropout.Binding s = net.dropoutNoise(NoiseSource.replay(draws, List.of()))) {
            bt = GoldenMdn.bounds(net, obs, true);
        }
        MdnAgent.Loss loss = agent.loss(obs, actions, NoiseSource.replay(draws, List.of()));
        out.add(TensorResult.compare(g, "mu", netOutput(net, obs, draws, 0), Tolerance.of(bt.mu(), 0,
                MlpMseForwardCheck.WHY + "; TF's dropout draws replayed")));
        out.add(TensorResult.compare(g, "logvar", netOutput(net, obs, draws, 1), Tolerance.of(bt.logvar(), 0,
                MlpMseForwardCheck.WHY + "; TF's dropout draws replayed")));
        out.add(TensorResult.compare(g, "pi", netOutput(net, obs, draws, 2), Tolerance.of(bt.pi(), 0,
                MlpMseForwardCheck.WHY + "; TF's dropout draws replayed")));
        double tPer = GoldenMdn.logProbBound(loss.loss().mixture(), actions, bt);
        out.add(TensorResult.compare(g, "per_example_loss", loss.perExampleLoss(), Tolerance.of(tPer, 0,
                "−log_prob: the head bounds through log_prob (GoldenMdn.logProbBound)")));
        Tolerance tTot = Tolerance.of(tPer, 4 * U * Math.sqrt(b), "the per-example bound, plus Σ of B float32 "
                + "terms in another order: √B ulps");
        out.add(TensorResult.compare(g, "total_loss", Nd4j.scalar(loss.totalLoss()), tTot));
        out.add(TensorResult.compare(g, "total_loss", Nd4j.scalar(loss.summaries().get("Losses/mdn_total_loss")),
                tTot).withNote("as the summary Losses/mdn_total_loss"));

        Map<String, INDArray> g64 = reference64(net, obs, actions, draws);
        Map<String, INDArray> mine = net.viewsOf(loss.gradient());
        Map<String, Double> tolGrad = new HashMap<>();
        List<String> names = List.copyOf(net.params().keySet());
        for (String name : names) {
            TensorResult r = gradResult(g, "grad_" + name, mine.get(name), g64.get(name));
            tolGrad.put(name, r.tolerance().atol());
            out.add(r);
        }

        KerasAdam adam = agent.optimizer();
        float lr = adam.currentLearningRate();
        out.add(TensorResult.compare(g, "learning_rate", Nd4j.scalar(lr), Tolerance.exact("lr0·0.99^(0/100) = lr0")));
        Map<String, INDArray> before = AdamChecks.copy(net.params());
        agent.applyGradients(loss);
        out.addAll(AdamChecks.results(g, names, "grad_", before, net.params(), net.viewsOf(adam.m()),
                net.viewsOf(adam.v()), tolGrad, lr));
        net.graph().params().assign(saved);
        KerasAdam alone = new KerasAdam(schedule(g), net.graph().numParams());
        INDArray tfGrad = Nd4j.create(DataType.FLOAT, net.graph().numParams());
        Map<String, INDArray> views = net.viewsOf(tfGrad);
        for (String name : names) {
            views.get(name).assign(g.tensor("grad_" + name));
        }
        alone.apply(net.graph().params(), tfGrad);
        out.addAll(AdamChecks.results(g, names, "grad_", null, net.params(), net.viewsOf(alone.m()),
                net.viewsOf(alone.v()), null, lr));
        return out;
    }

    private static INDArray netOutput(MLPMDN net, INDArray obs, List<INDArray> draws, int i) {
        try (KerasDropout.Binding s = net.dropoutNoise(NoiseSource.replay(draws, List.of()))) {
            return net.graph().output(true, obs)[i];
        }
    }

    /** The agent as get_agent builds it for loss_type='mdn', through gin. */
    private static MdnAgent agent(Golden g, MLPMDN net) {
        GinConfig gin = IbcConfigurables.newGinConfig();
        Map<String, Object> args = new HashMap<>();
        args.put("time_step_spec", null);
        args.put("action_spec", null);
        args.put("action_sampling_spec", null);
        args.put("cloning_network", net);
        args.put("optimizer", new KerasAdam(schedule(g), net.graph().numParams()));
        return gin.make(MdnAgent.class, args);
    }

    private static ExponentialDecay schedule(Golden g) {
        return new ExponentialDecay((float) g.doubleParam("learning_rate"), (float) g.doubleParam("decay_steps"),
                (float) g.doubleParam("decay_rate"));
    }

    /** ∂(−Σ_b log_prob_b / B)/∂θ in float64 on the same weights, inputs and dropout masks. */
    private static Map<String, INDArray> reference64(MLPMDN net, INDArray obs, INDArray actions,
                                                     List<INDArray> draws) {
        DataType saveDt = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            MLPMDN net64 = MLPMDN.create(net.config(), net.obsDim(), net.actionDim(), 0);
            Map<String, INDArray> w = new LinkedHashMap<>();
            net.params().forEach((name, v) -> w.put(name, v.castTo(DataType.DOUBLE)));
            net64.setParams(w);
            double[] x = actions.castTo(DataType.DOUBLE).dup('c').data().asDouble();
            int k = net.config().numComponents();
            double temp = (float) net.config().trainingTemperature();
            MLPMDN.TrainingPass pass;
            try (KerasDropout.Binding s = net64.dropoutNoise(NoiseSource.replay(draws, List.of()))) {
                pass = net64.trainingPass(obs.castTo(DataType.DOUBLE),
                        (mu, lv, pi) -> headGradient64(mu, lv, pi, x, k, net.actionDim(), temp));
            }
            return net64.viewsOf(pass.gradient());
        } finally {
            Nd4j.setDefaultDataTypes(saveDt, saveDt);
        }
    }

    /** The closed form of {@link ibc4j.losses.MdnLoss} in double (see its Javadoc). */
    static INDArray[] headGradient64(INDArray muA, INDArray lvA, INDArray piA, double[] x, int k, int a,
                                     double temp) {
        int b = (int) muA.size(0);
        double[] mu = muA.dup('c').data().asDouble();
        double[] lv = lvA.dup('c').data().asDouble();
        double[] pi = piA.dup('c').data().asDouble();
        double[] gMu = new double[mu.length];
        double[] gLv = new double[lv.length];
        double[] gPi = new double[pi.length];
        for (int r = 0; r < b; r++) {
            double[] l = new double[k];
            double[] t = new double[k];
            double lmax = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                l[j] = pi[r * k + j] / temp;
                lmax = Math.max(lmax, l[j]);
            }
            double se = 0;
            for (int j = 0; j < k; j++) {
                se += Math.exp(l[j] - lmax);
            }
            double tmax = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                double lp = 0;
                for (int i = 0; i < a; i++) {
                    int p = (r * k + j) * a + i;
                    double z = (x[r * a + i] - mu[p]) / Math.exp(lv[p]);
                    lp += -0.5 * z * z - 0.5 * Math.log(2 * Math.PI) - lv[p];
                }
                t[j] = lp + (l[j] - lmax) - Math.log(se);
                tmax = Math.max(tmax, t[j]);
            }
            double st = 0;
            for (int j = 0; j < k; j++) {
                st += Math.exp(t[j] - tmax);
            }
            double lse = Math.log(st) + tmax;
            for (int j = 0; j < k; j++) {
                double resp = Math.exp(t[j] - lse);
                double w = Math.exp(l[j] - lmax) / se;
                gPi[r * k + j] = -(resp - w) / temp / b;
                for (int i = 0; i < a; i++) {
                    int p = (r * k + j) * a + i;
                    double s = Math.exp(lv[p]);
                    double z = (x[r * a + i] - mu[p]) / s;
                    gMu[p] = -resp * z / s / b;
                    gLv[p] = -resp * (z * z - 1) / b;
                }
            }
        }
        return new INDArray[] {Nd4j.create(gMu, muA.shape(), 'c'), Nd4j.create(gLv, lvA.shape(), 'c'),
                Nd4j.create(gPi, piA.shape(), 'c')};
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
