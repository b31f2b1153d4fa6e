package ibc4j.parity.checks;

import ibc4j.agents.ImplicitBCAgent;
import ibc4j.agents.Observations;
import ibc4j.agents.mcmc.LangevinConfig;
import ibc4j.agents.mcmc.Mcmc;
import ibc4j.configurables.IbcConfigurables;
import ibc4j.gin.GinConfig;
import ibc4j.losses.ChainData;
import ibc4j.networks.EbmKernel;
import ibc4j.networks.Float32ErrorBounds;
import ibc4j.networks.MLPEBM;
import ibc4j.networks.PreActivationKernel;
import ibc4j.normalizers.SamplingSpec;
import ibc4j.optimizers.ExponentialDecay;
import ibc4j.optimizers.KerasAdam;
import ibc4j.parity.ChainComparison;
import ibc4j.parity.Comparison;
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
 * {@link ImplicitBCAgent} against one complete TF training step ({@code ibc_agent.py:ImplicitBCAgent._loss} +
 * {@code base_agent.py:_train}), the agent built through gin with the golden's bindings.
 *
 * <ul>
 *   <li><b>counter examples, free-running</b>: ibc4j's own chain from TF's uniform draw with TF's noise replayed;
 *       no per-step actions are recorded for this component, so its chain is compared through the per-step
 *       energies and gradient norms and the final counter examples (the chain itself is checked step by step in
 *       {@code langevin_chain});</li>
 *   <li><b>loss, teacher-forced</b>: from TF's counter examples, predictions, info_nce, the penalty, the
 *       per-example and total loss, and every variable's gradient for the info_nce part, the penalty part and the
 *       total;</li>
 *   <li><b>Adam</b>: the update with ibc4j's gradients (the agent's own step), and with TF's total gradient
 *       (the optimizer alone).</li>
 * </ul>
 *
 * <p>Gradient tolerance: each gradient is a sum over all B·(n+1) rows of products of already-rounded factors,
 * with heavy cancellation (info_nce's dL/df sums to 0 per row), so an a-priori bound gets long; instead the same
 * computation runs in float64 on the same inputs, and ibc4j's own float32 error e32 = max|g32 − g64| is measured
 * per tensor (4·e32 covers the tail of our side). TF's error is of the same kind but its own: for the penalty TF
 * differentiates the backward pass by autodiff, a longer chain of rounded ops without the row-constant
 * shortcuts. So TF gets its own budget of 16 ulps of the tensor's largest value (≈ 2 roundings for each of the
 * ~8 chained ops): atol = 4·e32 + 16·u·max|tf|. Exact zeros (the penalty's biases: they reach ∂f/∂a only through
 * the masks) must be exact zeros in TF too.
 */
public final class TrainStepCheck implements ComponentCheck {
    private static final double U = Float32ErrorBounds.U;

    @Override
    public String component() {
        return "train_step";
    }

    @Override
    public List<TensorResult> run(Golden g) throws Exception {
        MLPEBM net = GoldenNetworks.network(g);
        int b = g.intParam("batch");
        int n = g.intParam("num_counter_examples");
        int a = net.actionDim();
        int k = g.intParam("num_iterations");
        float lo = (float) g.doubleParam("sampling_lo");
        float hi = (float) g.doubleParam("sampling_hi");
        INDArray obs = GoldenNetworks.flatObservations(g);
        INDArray actions = g.tensor("true_actions");
        ImplicitBCAgent agent = agent(g, net, lo, hi);
        List<TensorResult> out = new ArrayList<>();
        out.add(TensorResult.compare(g, "obs_flat_tiled", Observations.tile(obs, n + 1), Tolerance.exact(
                "flatten (sorted keys, time-major) and tile_batch copy values")));

        // ------------------------------------------------ counter examples, free-running
        List<INDArray> normals = ChainComparison.unstack(g.tensor("step_noise"));
        ImplicitBCAgent.CounterExamples ce = agent.makeCounterExampleActions(obs, actions,
                NoiseSource.replay(List.of(g.tensor("init_uniform")), normals));
        out.add(TensorResult.compare(g, "init_actions", ce.initial(), Tolerance.exact(
                "U·(hi−lo)+lo: tf.random.uniform's two float32 ops on the recorded U")));
        out.addAll(freeRunningChain(g, net, obs, ce, k, n, lo, hi));

        // ------------------------------------------------ loss and gradients, teacher-forced
        INDArray tfCounter = g.tensor("counter_example_actions");
        INDArray tfCombined = g.tensor("combined_actions");
        ImplicitBCAgent.CounterExamples tfCe = new ImplicitBCAgent.CounterExamples(g.tensor("init_actions"),
                tfCounter, tfCombined, new ChainData(null, g.tensor("chain_energies"),
                g.tensor("chain_grad_norms")));
        INDArray[] saved = snapshot(net);
        ImplicitBCAgent.Loss loss = agent.loss(obs, actions, tfCe);
        INDArray tiled = g.tensor("obs_flat_tiled");
        EbmKernel probe = EbmKernel.create(net, b * (n + 1));
        probe.energies(tiled, tfCombined);
        Float32ErrorBounds bounds = new Float32ErrorBounds(probe);
        boolean[] ambiguous = bounds.ambiguousRows();
        probe.actionGradient(tiled, tfCombined);
        double tolG = bounds.actionGradient();
        out.addAll(lossResults(g, loss, bounds.head, tolG, ambiguous, bounds.ambiguousRows(Caps.RELU_WIDE), b, n));
        float freeTotal = agent.loss(obs, actions, ce).totalLoss();
        int last = out.size() - 2; // total_loss, then mse_counter_examples
        out.set(last, out.get(last).withNote(String.format(Locale.ROOT, "teacher-forced; with ibc4j's own counter "
                + "examples (free-running) %.7g vs TF %.7g", freeTotal, g.tensor("total_loss").getFloat(0))));

        // Gradients against a float64 run of the same computation (see the class comment).
        Map<String, INDArray> g64nce;
        Map<String, INDArray> g64pen;
        INDArray dLdf64;
        DataType saveDt = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            MLPEBM net64 = MLPEBM.create(net.config(), net.obsDim(), net.actionDim(), 0);
            Map<String, INDArray> w = new LinkedHashMap<>();
            net.params().forEach((name, v) -> w.put(name, v.castTo(DataType.DOUBLE)));
            net64.setParams(w);
            INDArray t64 = tiled.castTo(DataType.DOUBLE);
            INDArray c64 = tfCombined.castTo(DataType.DOUBLE);
            INDArray pred64 = net64.energiesTraining(t64, c64).reshape(b, n + 1);
            dLdf64 = infoNce64(pred64, b).gradPredictions().reshape(b * (n + 1));
            g64nce = net64.viewsOf(net64.paramGradient(t64, c64, dLdf64));
            INDArray flat = Nd4j.zeros(DataType.DOUBLE, net64.graph().numParams());
            EbmKernel.create(net64, b * (n + 1)).gradPenaltyParamGradients(t64, c64, g.doubleParam("grad_margin"),
                    1.0, flat);
            g64pen = net64.viewsOf(flat);
        } finally {
            Nd4j.setDefaultDataTypes(saveDt, saveDt);
        }
        Map<String, INDArray> mineNce = net.viewsOf(loss.gradEbmLoss());
        Map<String, INDArray> minePen = net.viewsOf(loss.penalty().paramGradient());
        Map<String, INDArray> mineTot = net.viewsOf(loss.gradTotal());
        Map<String, Double> tolTotal = new HashMap<>();
        Map<String, INDArray> flips = MaskFlipBound.infoNce(net, tiled, tfCombined, dLdf64, bounds.projection,
                bounds.dense1);
        for (String name : net.paramNames()) {
            double zero = exactZeroBound(net, name, b, n);
            INDArray flip = flips == null ? null : flips.get(name);
            out.add(gradResult(g, "grad_info_nce_" + name, mineNce.get(name), g64nce.get(name), zero, flip));
            out.add(gradResult(g, "grad_penalty_" + name, minePen.get(name), g64pen.get(name)));
            TensorResult tot = gradResult(g, "grad_total_" + name, mineTot.get(name),
                    g64nce.get(name).add(g64pen.get(name)), zero, flip);
            // Adam's slot tolerances scale this one; a per-element mask-flip bound enters through its maximum.
            tolTotal.put(name, tot.tolerance().atol() + tot.comparison().maxExtra());
            out.add(tot);
        }

        // ------------------------------------------------ Adam
        KerasAdam adam = agent.optimizer();
        out.add(TensorResult.compare(g, "learning_rate", Nd4j.scalar(adam.currentLearningRate()), Tolerance.exact(
                "lr0·0.99^(0/100) = lr0")));
        float lr = adam.currentLearningRate();
        Map<String, INDArray> before = AdamChecks.copy(net.params());
        agent.applyGradients(loss);
        out.addAll(adamResults(g, net, adam, before, tolTotal, lr));
        // The optimizer alone, on TF's total gradient from TF's weights.
        restore(net, saved);
        KerasAdam alone = new KerasAdam(schedule(g), net.graph().numParams());
        INDArray tfGrad = Nd4j.create(DataType.FLOAT, net.graph().numParams());
        Map<String, INDArray> tfGradViews = net.viewsOf(tfGrad);
        for (String name : net.paramNames()) {
            tfGradViews.get(name).assign(g.tensor("grad_total_" + name));
        }
        alone.apply(net.graph().params(), tfGrad);
        out.addAll(adamResults(g, net, alone, null, null, lr));
        return out;
    }

    /** The agent as get_agent builds it, through gin with the golden's bindings. */
    static ImplicitBCAgent agent(Golden g, MLPEBM net, float lo, float hi) {
        GinConfig gin = IbcConfigurables.newGinConfig();
        gin.parse(String.join("\n",
                "ImplicitBCAgent.num_counter_examples = " + g.intParam("num_counter_examples"),
                "ImplicitBCAgent.fraction_langevin_samples = 1.0",
                "ImplicitBCAgent.compute_mse = " + py((Boolean) g.param("compute_mse")),
                "ImplicitBCAgent.run_full_chain_under_gradient = "
                        + py((Boolean) g.param("run_full_chain_under_gradient")),
                "ImplicitBCAgent.add_grad_penalty = " + py((Boolean) g.param("add_grad_penalty")),
                "grad_penalty.grad_margin = " + g.doubleParam("grad_margin"),
                "grad_penalty.only_apply_final_grad_penalty = True",
                "langevin_actions_given_obs.num_iterations = " + g.intParam("num_iterations")), "train_step golden");
        Map<String, Object> args = new HashMap<>();
        args.put("time_step_spec", null);
        args.put("action_spec", null);
        args.put("action_sampling_spec", new SamplingSpec(null, null, lo, hi));
        args.put("cloning_network", net);
        args.put("optimizer", new KerasAdam(schedule(g), net.graph().numParams()));
        return gin.make(ImplicitBCAgent.class, args);
    }

    private static String py(boolean b) {
        return b ? "True" : "False";
    }

    private static ExponentialDecay schedule(Golden g) {
        return new ExponentialDecay((float) g.doubleParam("learning_rate"), (float) g.doubleParam("decay_steps"),
                (float) g.doubleParam("decay_rate"));
    }

    /**
     * The chain's per-step energies and gradient norms, and its output, against TF's; free-running. Without
     * TF's per-step actions the drift cannot be measured, only bounded: a row that stays in TF's ReLU regions
     * drifts by at most D_k = Σ_{j<k} (0.5·s_j·tol(∂f/∂a) + 3u·(c+|a|)) (see {@link LangevinGolden}); a row whose
     * own chain comes within rounding + D_k·(first-layer L1 norms) of a ReLU boundary is flagged, and only
     * flagged rows may leave their bound (from the step they were flagged at): they are counted and reported.
     */
    static List<TensorResult> freeRunningChain(Golden g, MLPEBM net, INDArray obs,
                                                       ImplicitBCAgent.CounterExamples ce, int steps, int n,
                                                       float lo, float hi) {
        int a = net.actionDim();
        INDArray obsN = Observations.tile(obs, n);
        int rows = (int) obsN.size(0);
        LangevinConfig cfg = LangevinConfig.ibcDefaults().withNumIterations(steps);
        float[] s = Mcmc.stepsizes(cfg);
        float c = Mcmc.deltaClip(cfg, Mcmc.bounds(lo, a), Mcmc.bounds(hi, a))[0];
        double amax = Math.max(Math.abs(lo), Math.abs(hi));
        PreActivationKernel probe = (PreActivationKernel) EbmKernel.create(net, rows);
        LangevinGolden.Probe p = new LangevinGolden.Probe(net);
        boolean[][] flaggedAt = new boolean[steps][rows];   // flagged at this step or before
        boolean[] flagged = new boolean[rows];
        double drift = 0;     // D_k
        double tolE = 0;
        double tolG = 0;
        for (int k = 0; k < steps; k++) {
            INDArray in = k == 0 ? ce.initial() : ce.chain().actions().slice(k - 1).dup('c');
            p.at(probe, obsN, in, Nd4j.valueArrayOf(new long[] {rows}, drift, DataType.DOUBLE));
            for (int r = 0; r < rows; r++) {
                flagged[r] |= p.near[r];
                flaggedAt[k][r] = flagged[r];
            }
            tolE = Math.max(tolE, p.head);
            tolG = Math.max(tolG, p.grad);
            drift += 0.5 * s[k] * p.grad + 3 * U * (c + amax);
        }
        double gmax = g.tensor("chain_grad_norms").maxNumber().doubleValue();
        Tolerance te = Tolerance.of(tolE + a * gmax * drift, 0, "network bound + ‖∂f/∂a‖₁·D_K: f is linear in a "
                + "between two points of one ReLU region");
        Tolerance tg = Tolerance.of(tolG, 0, "∂f/∂a is the same function of the same masks: its rounding bound");
        Tolerance ta = Tolerance.of(drift, 0, "D_K: Σ_k (0.5·s_k·tol(∂f/∂a) + 3u·(c+|a|)) for rows in TF's regions");
        List<TensorResult> out = new ArrayList<>();
        out.add(perStep(g, "chain_energies", ce.chain().energies(), flaggedAt, te));
        out.add(perStep(g, "chain_grad_norms", ce.chain().gradNorms(), flaggedAt, tg));
        // The final counter examples: flagged rows beyond D_K are left out.
        INDArray tfCounter = g.tensor("counter_example_actions").reshape(rows, a);
        double[] rowDrift = Transforms.abs(ce.counterExamples().reshape(rows, a).sub(tfCounter), false).max(1)
                .toDoubleVector();
        boolean[] gone = new boolean[rows];
        boolean[] goneCombined = new boolean[rows / n * (n + 1)];
        double goneMax = 0;
        for (int r = 0; r < rows; r++) {
            gone[r] = flagged[r] && rowDrift[r] > drift;
            goneCombined[r / n * (n + 1) + r % n] = gone[r];
            goneMax = gone[r] ? Math.max(goneMax, rowDrift[r]) : goneMax;
        }
        int above = 0;
        double median = java.util.Arrays.stream(rowDrift).sorted().toArray()[rows / 2];
        for (double d : rowDrift) {
            above += d > 1e-5 ? 1 : 0;
        }
        String note = String.format(Locale.ROOT, "free-running from TF's uniform draw with TF's noise: median row "
                        + "drift %s, %d of %d chains end more than 1e-5 away; %d chains came within rounding+D_k of "
                        + "a ReLU boundary, %d of them ended beyond D_K=%s (max |Δ| %s) and are not compared",
                ibc4j.parity.Fmt.sci(median), above, rows, GoldenNetworks.count(flagged), GoldenNetworks.count(gone),
                ibc4j.parity.Fmt.sci(drift), ibc4j.parity.Fmt.sci(goneMax));
        out.add(TensorResult.of(g, "counter_example_actions", GoldenNetworks.keepRows(tfCounter, gone),
                GoldenNetworks.keepRows(ce.counterExamples().reshape(rows, a), gone), ta).withNote(note)
                .excusing(LangevinGolden.divergedRows(gone)));
        out.add(TensorResult.of(g, "combined_actions", GoldenNetworks.keepRows(g.tensor("combined_actions"),
                goneCombined), GoldenNetworks.keepRows(ce.combined(), goneCombined), ta)
                .excusing(LangevinGolden.divergedRows(goneCombined)));
        return out;
    }

    /**
     * A [K, M] chain record against TF's, step by step; at each step a row may differ beyond {@code tol} only if
     * it was flagged by then (it is then left out of that step); anything else fails.
     */
    private static TensorResult perStep(Golden g, String name, INDArray mine, boolean[][] flaggedAt, Tolerance tol) {
        INDArray tf = g.tensor(name);
        int steps = (int) tf.size(0);
        List<Comparison> per = new ArrayList<>();
        int excused = 0;
        for (int k = 0; k < steps; k++) {
            double[] e = tf.getRow(k).toDoubleVector();
            double[] m = mine.getRow(k).toDoubleVector();
            boolean[] drop = new boolean[e.length];
            for (int r = 0; r < e.length; r++) {
                drop[r] = flaggedAt[k][r] && Math.abs(e[r] - m[r]) > tol.allowed(e[r]);
                excused += drop[r] ? 1 : 0;
            }
            per.add(Comparison.of(name + "@step" + k, GoldenNetworks.keepRows(tf.getRow(k).dup('c'), drop),
                    GoldenNetworks.keepRows(mine.getRow(k).dup('c'), drop), tol)
                    .excusing(new ibc4j.parity.Excused(GoldenNetworks.count(drop), drop.length, Caps.FREE_RUNNING,
                            "flagged chains beyond the bound at this step")));
        }
        ChainComparison.ChainResult chain = new ChainComparison.ChainResult(name, ChainComparison.Mode.FREE_RUNNING,
                per);
        return chain.toTensorResult(g).withNote(chain.driftSummary() + "; " + excused + " (step, row) values of "
                + "flagged chains beyond the bound not compared");
    }

    private static List<TensorResult> lossResults(Golden g, ImplicitBCAgent.Loss loss, double tolE, double tolG,
                                                  boolean[] ambiguous, boolean[] wide, int b, int n) {
        List<TensorResult> out = new ArrayList<>();
        out.add(TensorResult.compare(g, "predictions", loss.predictions(), Tolerance.of(tolE, 0,
                "4·√K·u·Σ|terms| through the network (DL4J graph, training mode)")));
        out.add(TensorResult.compare(g, "softmax", loss.softmax(), Tolerance.of(1e-9, 2 * tolE + 8 * U,
                "an error ε in the logits moves each p by ≤ 2ε relative; plus exp/sum/divide ulps")));
        out.add(TensorResult.compare(g, "per_example_info_nce", loss.perExampleEbmLoss(), Tolerance.of(
                2 * tolE + 1e-6, 2e-6, "−log p_n: the logits' error twice, plus n+1 float32 terms of size ≤ 16")));
        boolean[] ambiguousExample = new boolean[b];
        for (int r = 0; r < ambiguous.length; r++) {
            ambiguousExample[r / (n + 1)] |= ambiguous[r];
        }
        String skipped = GoldenNetworks.count(ambiguous) + " rows (" + GoldenNetworks.count(ambiguousExample)
                + " examples) with a ReLU input within rounding of 0 not compared";
        out.add(TensorResult.of(g, "penalty_de_dact", GoldenNetworks.keepRows(g.tensor("penalty_de_dact"), ambiguous),
                GoldenNetworks.keepRows(loss.penalty().deDact(), ambiguous), Tolerance.of(tolG, 0,
                        "∂f/∂a backward chain bound on these inputs")).withNote(skipped)
                .excusing(Caps.reluRows(ambiguous, wide, "rows")));
        INDArray norms = loss.penalty().norms();
        out.add(TensorResult.of(g, "penalty_grad_norms", GoldenNetworks.keepRows(
                        g.tensor("penalty_grad_norms").reshape((long) b * (n + 1), 1), ambiguous),
                GoldenNetworks.keepRows(norms.reshape((long) b * (n + 1), 1), ambiguous), Tolerance.of(tolG, 0,
                        "max |g_i| picks one element of ∂f/∂a: its bound"))
                .excusing(Caps.reluRows(ambiguous, wide, "rows")));
        // P_b = mean_j c²: an error δ in a norm moves c² by 2c·δ.
        double cmax = Math.max(0, norms.maxNumber().doubleValue() - g.doubleParam("grad_margin"));
        Tolerance tp = Tolerance.of(2 * cmax * tolG + 1e-7, 4 * U, "2c·tol(norm) for c² = (norm−1)², plus a "
                + "mean of n+1 float32 terms");
        out.add(TensorResult.of(g, "per_example_penalty", GoldenNetworks.keepRows(g.tensor("per_example_penalty"),
                ambiguousExample), GoldenNetworks.keepRows(loss.penalty().perExample(), ambiguousExample), tp)
                .excusing(Caps.reluExamples(ambiguousExample, wide)));
        Tolerance tl = Tolerance.of(tp.atol() + 2 * tolE + 1e-6, 4 * U, "info_nce's plus the penalty's bounds");
        out.add(TensorResult.of(g, "per_example_loss", GoldenNetworks.keepRows(g.tensor("per_example_loss"),
                ambiguousExample), GoldenNetworks.keepRows(loss.perExampleLoss(), ambiguousExample), tl)
                .excusing(Caps.reluExamples(ambiguousExample, wide)));
        out.add(TensorResult.compare(g, "total_loss", Nd4j.scalar(loss.totalLoss()), Tolerance.of(tl.atol(),
                4 * U * Math.sqrt(b), "the per-example bound, plus Σ of B float32 terms in another order: √B ulps")));
        out.add(TensorResult.compare(g, "mse_counter_examples", Nd4j.scalar(loss.mseCounterExamples()),
                Tolerance.of(0, 4 * U * Math.sqrt((double) b * n), "means over A, n and B of TF's own counter "
                        + "examples in float32, another summation order: √(B·n) ulps")));
        return out;
    }

    /** One gradient tensor against TF, tolerance from ibc4j's measured float32 error (class comment). */
    static TensorResult gradResult(Golden g, String tensor, INDArray mine, INDArray ref64) {
        return gradResult(g, tensor, mine, ref64, 0, null);
    }

    /**
     * As {@link #gradResult(Golden, String, INDArray, INDArray)}; {@code zeroBound} &gt; 0 marks a tensor that is
     * zero in exact arithmetic ({@link #exactZeroBound}): both sides are then rounding noise, and the tolerance is
     * at least twice that bound (one for each side's distance from 0). The float64 reference must confirm the zero.
     */
    static TensorResult gradResult(Golden g, String tensor, INDArray mine, INDArray ref64, double zeroBound,
                                   INDArray maskFlips) {
        INDArray tf = g.tensor(tensor);
        double e32 = mine.castTo(DataType.DOUBLE).sub(ref64).amaxNumber().doubleValue();
        double eTf = tf.castTo(DataType.DOUBLE).sub(ref64).amaxNumber().doubleValue();
        double tol = 4 * e32 + 16 * U * tf.amaxNumber().doubleValue();
        String why = "4·e32 (ibc4j vs its own float64: " + ibc4j.parity.Fmt.sci(e32) + ") + 16 ulps of max|tf|";
        if (zeroBound > 0) {
            double ref = ref64.amaxNumber().doubleValue();
            if (ref > 1e-6 * zeroBound) {
                throw new IllegalStateException(tensor + " should be zero in exact arithmetic, but its float64 "
                        + "reference reaches " + ibc4j.parity.Fmt.sci(ref));
            }
            if (2 * zeroBound > tol) {
                tol = 2 * zeroBound;
                why = "zero in exact arithmetic (Σ_r dL/df_r = 0 times a row-constant factor): each side's float32 "
                        + "sum is within (R+n+5)·u·Σ|terms| = " + ibc4j.parity.Fmt.sci(zeroBound) + " of 0";
            }
        }
        if (maskFlips != null) {
            why += "; plus, per element, what ReLU units within rounding of 0 can change (MaskFlipBound)";
        }
        return TensorResult.compare(g, tensor, mine, Tolerance.of(tol, 0, why),
                        maskFlips == null ? null : maskFlips.reshape(tf.shape()))
                .withNote(tensor.endsWith("proj_kernel") ? String.format(Locale.ROOT,
                        "%s: max|ibc4j32−ibc4j64| %.2e, max|TF32−ibc4j64| %.2e", tensor, e32, eTf) : "");
    }

    /**
     * The rounding bound of an info_nce parameter gradient that is zero in exact arithmetic, or 0 for one that is
     * not. dL/df_r = (p_r − y_r)/B sums to 0 over each example's n+1 rows, so any parameter whose ∂f_r/∂θ is the
     * same for every row has a zero gradient: the head's bias (∂f/∂b = 1) and, under ResNetPreActivation, the
     * last block's second dense bias (∂f/∂b2_j = w_head,j: nothing but the linear head follows the residual add).
     * TF sums the R = B·(n+1) rounded terms in some order: Higham's bound for any order is (R−1)·u·Σ|terms|, plus
     * the terms' own errors (softmax over n+1: ≤ (n+4)·u relative; the product with w_head: one more), with
     * Σ_r |terms| ≤ Σ_r (p_r + y_r)/B·|c| = 2·max|c| for the row-constant factor c (1 or w_head,j).
     */
    static double exactZeroBound(MLPEBM net, String param, int b, int n) {
        double c;
        if (param.equals("head_bias")) {
            c = 1;
        } else if (net.config().layers().equals("ResNetPreActivation") && param.equals(lastDense2Bias(net))) {
            c = net.forwardParam("head_kernel").amaxNumber().doubleValue();
        } else {
            return 0;
        }
        long rows = (long) b * (n + 1);
        return (rows + n + 5) * U * 2 * c;
    }

    private static String lastDense2Bias(MLPEBM net) {
        String last = null;
        for (String name : net.paramNames()) {
            if (name.endsWith("dense2_bias")) {
                last = name;
            }
        }
        return last;
    }

    /** {@link #infoNce64}'s result: per-example loss {@code [B]} and dL/df {@code [B, n+1]}. */
    record InfoNce64(INDArray perExampleLoss, INDArray gradPredictions) {}

    /**
     * info_nce in float64, as {@link ibc4j.losses.EbmLoss#infoNce} at T = 1 with upstream 1/B: Keras KL of
     * one-hot(last) against softmax with the [1e-7, 1] clips, and its gradient.
     */
    static InfoNce64 infoNce64(INDArray pred, int b) {
        int cols = (int) pred.size(1);
        double[] z = pred.dup('c').data().asDouble();
        double[] loss = new double[b];
        double[] gr = new double[z.length];
        for (int r = 0; r < b; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, z[r * cols + j]);
            }
            double sum = 0;
            double[] p = new double[cols];
            for (int j = 0; j < cols; j++) {
                p[j] = Math.exp(z[r * cols + j] - max);
                sum += p[j];
            }
            double[] dp = new double[cols];
            double dot = 0;
            for (int j = 0; j < cols; j++) {
                p[j] /= sum;
                double y = j == cols - 1 ? 1.0 : 1e-7f;
                double pc = Math.min(Math.max(p[j], 1e-7f), 1.0);
                loss[r] += y * Math.log(y / pc);
                dp[j] = p[j] >= 1e-7f && p[j] <= 1.0 ? -y / pc / b : 0.0;
            }
            for (int j = 0; j < cols; j++) {
                dot += dp[j] * p[j];
            }
            for (int j = 0; j < cols; j++) {
                gr[r * cols + j] = p[j] * (dp[j] - dot);
            }
        }
        return new InfoNce64(Nd4j.create(loss, new long[] {b}, 'c'), Nd4j.create(gr, new long[] {b, cols}, 'c'));
    }

    private static List<TensorResult> adamResults(Golden g, MLPEBM net, KerasAdam adam,
                                                  Map<String, INDArray> before, Map<String, Double> tolGrad, float lr) {
        return AdamChecks.results(g, net.paramNames(), "grad_total_", before, net.params(), net.viewsOf(adam.m()),
                net.viewsOf(adam.v()), tolGrad, lr);
    }

    private static INDArray[] snapshot(MLPEBM net) {
        return new INDArray[] {net.graph().params().dup()};
    }

    private static void restore(MLPEBM net, INDArray[] saved) {
        net.graph().params().assign(saved[0]);
    }
}
