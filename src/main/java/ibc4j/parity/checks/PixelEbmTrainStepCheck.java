package ibc4j.parity.checks;

import ibc4j.agents.PixelImplicitBC;
import ibc4j.agents.mcmc.LangevinConfig;
import ibc4j.agents.mcmc.Mcmc;
import ibc4j.agents.mcmc.PixelEbmSampling;
import ibc4j.losses.ChainData;
import ibc4j.losses.GradientLoss;
import ibc4j.networks.pixel.PixelEBM;
import ibc4j.optimizers.ExponentialDecay;
import ibc4j.optimizers.KerasAdam;
import ibc4j.parity.ChainComparison;
import ibc4j.parity.Golden;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import ibc4j.runtime.NoiseSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link PixelImplicitBC} against one TF training step of PixelEBM under {@code pixel_ebm_langevin.gin}'s agent
 * ({@code ibc_agent.py:ImplicitBCAgent._loss} + {@code base_agent.py:_train}, Langevin counter examples with late
 * fusion, info_nce + the final-sample gradient penalty):
 * <ul>
 *   <li><b>counter examples</b>: the uniform draw from TF's U (exact); the Langevin chain teacher-forced, each
 *       step from TF's input actions with TF's noise, against TF's next input (and the final counter examples),
 *       energies and norms;</li>
 *   <li><b>loss, teacher-forced</b> on TF's counter examples: predictions, info_nce, −∂f/∂a, the norms and the
 *       penalty, per-example and total loss, compute_mse's summary;</li>
 *   <li><b>gradients</b> of the info_nce part (every variable), the penalty part and the total (the value
 *       network; the penalty's encoder gradient is exactly 0 in TF), tolerances as {@link TrainStepCheck}'s
 *       (ibc4j's float32 error against its own float64 run on the same inputs, ×4, plus 16 ulps of max|TF|; the
 *       gradients that are zero in exact arithmetic get their rounding bound);</li>
 *   <li><b>Adam</b>: the optimizer alone on TF's total gradient (the value network's updated weights).</li>
 * </ul>
 */
public final class PixelEbmTrainStepCheck implements ComponentCheck {
    private static final double U = PixelLangevinGoldens.U;

    @Override
    public String component() {
        return "pixel_ebm_train_step";
    }

    @Override
    public List<TensorResult> run(Golden g) {
        PixelEBM net = PixelLangevinGoldens.net(g, DataType.FLOAT);
        int b = g.intParam("batch");
        int n = g.intParam("num_counter_examples");
        int a = net.actionDim();
        int k = g.intParam("num_iterations");
        int m = b * n;
        double margin = g.doubleParam("grad_margin");
        float lo = (float) g.doubleParam("sampling_lo");
        float hi = (float) g.doubleParam("sampling_hi");
        float[] los = new float[a];
        float[] his = new float[a];
        Arrays.fill(los, lo);
        Arrays.fill(his, hi);
        INDArray rgb = g.tensor("rgb");
        INDArray actions = g.tensor("true_actions");
        PixelImplicitBC.Settings s = new PixelImplicitBC.Settings(n, los, his, 1f, 1.0, 0, true, "inf",
                (Boolean) g.param("compute_mse"), LangevinConfig.ibcDefaults().withNumIterations(k)
                .withReturnChain(true), new GradientLoss.Settings(true, margin, true, 1.0));
        PixelImplicitBC agent = PixelImplicitBC.create(net, new KerasAdam(schedule(g), net.flatParams().length()),
                s);
        double encBound = PixelLangevinGoldens.encoderBound(net, rgb);
        List<TensorResult> out = new ArrayList<>();

        out.add(TensorResult.compare(g, "rgb_float", PixelGoldens.converted(g), Tolerance.exact(
                "x·fl32(1/255): one correctly rounded multiplication on both sides")));
        out.add(TensorResult.compare(g, "rgb", PixelGoldens.normalized(g, g.tensor("rgb_float")), Tolerance.exact(
                "(x − mean) / max(std, eps): two correctly rounded operations in IBC's order")));

        // ------------------------------------------------ counter examples
        INDArray noise = g.tensor("step_noise");
        PixelImplicitBC.CounterExamples free = agent.counterExamples(rgb, actions, NoiseSource.replay(
                List.of(g.tensor("init_uniform")), ChainComparison.unstack(noise)));
        out.add(TensorResult.compare(g, "init_actions", free.initial(), Tolerance.exact(
                "U·(hi−lo)+lo: tf.random.uniform's two float32 ops on the recorded U")));
        float[] steps = Mcmc.stepsizes(s.langevin());
        out.add(TensorResult.compare(g, "step_size", Nd4j.createFromArray(steps), Tolerance.exact(
                "the polynomial schedule in float32 as TF's graph computes it (Mcmc.polynomialRate)")));
        out.addAll(teacherForcedChain(g, net, s.langevin(), steps, los, his, encBound, k, m, a, free));

        // ------------------------------------------------ loss, teacher-forced
        INDArray counter = g.tensor("counter_example_actions");
        INDArray combined = g.tensor("combined_actions");
        PixelImplicitBC.Loss loss = agent.loss(rgb, actions, new PixelImplicitBC.CounterExamples(
                g.tensor("init_actions"), null, counter, combined, new ChainData(null, g.tensor("chain_energies"),
                g.tensor("chain_grad_norms"))));
        PixelLangevinGoldens.Probe p = PixelLangevinGoldens.Probe.at(net, PixelEBM.tileBatch(net.encode(rgb), n + 1),
                combined, encBound);
        double tolE = p.f();
        out.add(TensorResult.compare(g, "predictions", loss.predictions(), Tolerance.of(tolE, 0,
                "the value network's bound with the encoder's end-to-end bound carried in")));
        out.add(TensorResult.compare(g, "softmax", loss.softmax(), Tolerance.of(1e-9, 2 * tolE + 8 * U,
                "an error ε in the logits moves each p by ≤ 2ε relative; plus exp/sum/divide ulps")));
        out.add(TensorResult.compare(g, "per_example_info_nce", loss.perExampleInfoNce(), Tolerance.of(
                2 * tolE + 1e-6, 2e-6, "−log p_n: the logits' error twice, plus n+1 float32 terms of size ≤ 16")));
        List<TensorResult> pen = PixelLangevinGoldens.penaltyRows(g, "penalty_de_dact", "penalty_grad_norms",
                "per_example_penalty", loss.penaltyDfDa(), loss.penalty().norms(), loss.penalty().perExample(), p,
                b, margin);
        out.addAll(pen);
        double tp = pen.get(pen.size() - 1).tolerance().atol();
        Tolerance tl = Tolerance.of(tp + 2 * tolE + 1e-6, 4 * U, "info_nce's plus the penalty's bounds");
        boolean[] ambEx = new boolean[b];
        for (int r = 0; r < p.ambiguous().length; r++) {
            ambEx[r / (n + 1)] |= p.ambiguous()[r];
        }
        out.add(TensorResult.of(g, "per_example_loss", GoldenNetworks.keepRows(g.tensor("per_example_loss"), ambEx),
                GoldenNetworks.keepRows(loss.perExampleLoss(), ambEx), tl).excusing(Caps.reluExamples(ambEx,
                p.wide())));
        out.add(TensorResult.compare(g, "total_loss", Nd4j.scalar(loss.totalLoss()), Tolerance.of(tl.atol(),
                4 * U * Math.sqrt(b), "the per-example bound, plus Σ of B float32 terms in another order: √B ulps")));
        out.add(TensorResult.compare(g, "mse_counter_examples", Nd4j.scalar(loss.mseCounterExamples()),
                Tolerance.of(0, 4 * U * Math.sqrt((double) b * n), "means over A, n and B of TF's own counter "
                        + "examples in float32, another summation order: √(B·n) ulps")));

        // ------------------------------------------------ gradients
        out.addAll(gradients(g, net, loss, rgb, combined, b, n, margin));

        // ------------------------------------------------ Adam alone on TF's total gradient
        KerasAdam alone = new KerasAdam(schedule(g), net.flatParams().length());
        out.add(TensorResult.compare(g, "learning_rate", Nd4j.scalar(alone.currentLearningRate()), Tolerance.exact(
                "lr0·0.99^(0/100) = lr0")));
        Map<String, INDArray> tfTotal = new java.util.LinkedHashMap<>();
        for (String name : net.valueConfig().denseNames()) {
            for (String suffix : List.of("_kernel", "_bias")) {
                tfTotal.put(name + suffix, g.tensor("grad_total_" + name + suffix));
            }
        }
        // Adam is elementwise: the value network's weights need only its own gradients (the encoder's stay 0).
        alone.apply(net.flatParams(), net.flatValueGradient(tfTotal));
        Map<String, INDArray> after = net.kerasGradients(net.flatParams());
        for (String name : tfTotal.keySet()) {
            out.add(TensorResult.compare(g, "updated_" + name, after.get(name), Tolerance.of(0, 2 * U,
                    "the same float32 formula as TF's fused ResourceApplyAdam: ≤ 1 ulp")));
        }
        return out;
    }

    private static ExponentialDecay schedule(Golden g) {
        return new ExponentialDecay((float) g.doubleParam("learning_rate"), (float) g.doubleParam("decay_steps"),
                (float) g.doubleParam("decay_rate"));
    }

    /**
     * Each Langevin step from TF's input with TF's noise. An error ε in ∂f/∂a moves δ = s·(0.5·∂f/∂a + σε) by
     * 0.5·s·ε (the box clip and the action clip are 1-Lipschitz); the update's own roundings (×0.5, +, ×s, clip,
     * a − δ, clip) cost 4u·(|a| + c). Rows whose ReLU inputs are within rounding of 0 at a step are left out there.
     */
    private static List<TensorResult> teacherForcedChain(Golden g, PixelEBM net, LangevinConfig cfg, float[] steps,
                                                         float[] lo, float[] hi, double encBound, int k, int m,
                                                         int a, PixelImplicitBC.CounterExamples free) {
        INDArray rgb = g.tensor("rgb");
        INDArray encN = PixelEBM.tileBatch(net.encode(rgb), m / (int) rgb.size(0));
        Mcmc.ActionGradient f = PixelEbmSampling.actionGradient(net, encN);
        INDArray in = g.tensor("step_actions_in");
        INDArray noise = g.tensor("step_noise");
        INDArray outs = Nd4j.create(DataType.FLOAT, k, m, a);
        INDArray energies = Nd4j.create(DataType.FLOAT, k, m);
        INDArray norms = Nd4j.create(DataType.FLOAT, k, m);
        boolean[] amb = new boolean[k * m];
        boolean[] wide = new boolean[k * m];
        double c = Mcmc.deltaClip(cfg, lo, hi)[0];
        double amax = Math.max(Math.abs(lo[0]), Math.abs(hi[0]));
        double tolA = 0;
        double tolF = 0;
        double tolG = 0;
        for (int s = 0; s < k; s++) {
            INDArray x = in.get(NDArrayIndex.point(s), NDArrayIndex.all(), NDArrayIndex.all()).dup('c');
            Mcmc.Step st = Mcmc.langevinStep(f, x, noise.get(NDArrayIndex.point(s), NDArrayIndex.all(),
                    NDArrayIndex.all()).dup('c'), steps[s], cfg, lo, hi);
            outs.get(NDArrayIndex.point(s), NDArrayIndex.all(), NDArrayIndex.all()).assign(st.actions());
            energies.getRow(s).assign(st.energies());
            norms.getRow(s).assign(st.gradNorms());
            PixelLangevinGoldens.Probe p = PixelLangevinGoldens.Probe.at(net, encN, x, encBound);
            for (int r = 0; r < m; r++) {
                amb[s * m + r] = p.ambiguous()[r];
                wide[s * m + r] = p.wide()[r];
            }
            tolA = Math.max(tolA, 0.5 * steps[s] * p.grad() + 4 * U * (amax + c));
            tolF = Math.max(tolF, p.f());
            tolG = Math.max(tolG, p.grad());
        }
        List<TensorResult> out = new ArrayList<>();
        out.add(TensorResult.compare(g, "chain_energies", energies, Tolerance.of(tolF, 0,
                "f at TF's step inputs: the value network's bound with the encoder's carried in (largest step)")));
        out.add(TensorResult.of(g, "chain_grad_norms", GoldenNetworks.keepRows(g.tensor("chain_grad_norms")
                .reshape((long) k * m, 1), amb), GoldenNetworks.keepRows(norms.reshape((long) k * m, 1), amb),
                Tolerance.of(tolG, 0, "max |g_i| picks one element of ∂f/∂a: its bound (largest step)"))
                .excusing(Caps.reluRows(amb, wide, "(step, chain) pairs")));
        // Step s's output against TF's input of step s + 1; the last step's against the counter examples.
        Tolerance ta = Tolerance.of(tolA, 0, "0.5·s_k·tol(∂f/∂a) + 4u·(|a| + c), largest step");
        long inner = (long) (k - 1) * m;
        boolean[] ambIn = Arrays.copyOf(amb, (int) inner);
        boolean[] ambLast = Arrays.copyOfRange(amb, (int) inner, k * m);
        boolean[] wideIn = Arrays.copyOf(wide, (int) inner);
        boolean[] wideLast = Arrays.copyOfRange(wide, (int) inner, k * m);
        INDArray mine = outs.reshape((long) k * m, a);
        out.add(TensorResult.of(g, "step_actions_in", GoldenNetworks.keepRows(in.get(NDArrayIndex.interval(1, k),
                        NDArrayIndex.all(), NDArrayIndex.all()).reshape(inner, a), ambIn),
                GoldenNetworks.keepRows(mine.get(NDArrayIndex.interval(0, inner), NDArrayIndex.all()), ambIn), ta)
                .withNote(String.format(Locale.ROOT, "teacher-forced, steps 0..%d × %d chains against TF's next "
                        + "step input", k - 2, m))
                .excusing(Caps.reluRows(ambIn, wideIn, "(step, chain) pairs")));
        double drift = free.counterExamples().reshape(m, a).sub(g.tensor("counter_example_actions")
                .reshape(m, a)).amaxNumber().doubleValue();
        out.add(TensorResult.of(g, "counter_example_actions", GoldenNetworks.keepRows(g.tensor(
                        "counter_example_actions").reshape(m, a), ambLast), GoldenNetworks.keepRows(mine.get(
                        NDArrayIndex.interval(inner, (long) k * m), NDArrayIndex.all()), ambLast), ta)
                .withNote(String.format(Locale.ROOT, "the last step, teacher-forced; free-running from TF's draws, "
                        + "ibc4j's final counter examples end within %s of TF's", ibc4j.parity.Fmt.sci(drift)))
                .excusing(Caps.reluRows(ambLast, wideLast, "chains")));
        return out;
    }

    private static List<TensorResult> gradients(Golden g, PixelEBM net, PixelImplicitBC.Loss loss, INDArray rgb,
                                                INDArray combined, int b, int n, double margin) {
        PixelEBM net64 = PixelLangevinGoldens.net(g, DataType.DOUBLE);
        INDArray c64 = combined.castTo(DataType.DOUBLE);
        INDArray pred64 = net64.energies(rgb, c64).reshape(b, n + 1);
        INDArray dLdf64 = TrainStepCheck.infoNce64(pred64, b).gradPredictions().reshape((long) b * (n + 1));
        Map<String, INDArray> nce64 = net64.kerasGradients(net64.paramGradient(rgb, c64, dLdf64));
        Map<String, INDArray> pen64 = PixelLangevinGoldens.penaltyGrad64(net64, rgb, combined, b, margin);
        Map<String, INDArray> nce = net.kerasGradients(loss.gradInfoNce());
        Map<String, INDArray> penalty = net.kerasGradients(loss.gradPenalty());
        Map<String, INDArray> total = net.kerasGradients(loss.gradTotal());
        // info_nce's dL/df sums to 0 per example: a parameter with a row-constant ∂f/∂θ = c has a zero gradient,
        // each side's float32 sum within (R+n+5)·u·2|c| of 0 (TrainStepCheck.exactZeroBound): the head's bias
        // (c = 1) and the last block's dense2 bias (c = head kernel: only the residual add and the head follow).
        int rows = b * (n + 1);
        double zeroUnit = (rows + n + 5) * U * 2;
        String lastBias = "block" + (net.valueConfig().numBlocks() - 1) + "_dense2_bias";
        double headMax = net.params().get("dense1_kernel").amaxNumber().doubleValue();
        List<TensorResult> out = new ArrayList<>();
        for (String name : nce.keySet()) {
            double zero = name.equals("dense1_bias") ? zeroUnit
                    : name.equals(lastBias) && net.valueConfig().numBlocks() > 0 ? zeroUnit * headMax : 0;
            out.add(TrainStepCheck.gradResult(g, "grad_info_nce_" + name, nce.get(name), nce64.get(name), zero, null));
            if (pen64.containsKey(name)) {
                out.add(TrainStepCheck.gradResult(g, "grad_penalty_" + name, penalty.get(name), pen64.get(name)));
                out.add(TrainStepCheck.gradResult(g, "grad_total_" + name, total.get(name), nce64.get(name)
                        .add(pen64.get(name)), zero, null));
            }
        }
        double encMax = loss.gradPenalty().get(NDArrayIndex.point(0), NDArrayIndex.interval(0,
                net.numEncoderParams())).amaxNumber().doubleValue();
        out.add(TensorResult.compare(g, "grad_penalty_encoder_amax", Nd4j.scalar((float) encMax), Tolerance.exact(
                "the penalty reaches the encoding only through ReLU masks: exactly 0 on both sides")));
        return out;
    }
}
