package ibc4j.networks;

import static ibc4j.networks.ParityCompare.U;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Parity of {@link MLPEBM} / {@link EbmKernel} with TF on the goldens of golden/export/export.py: components
 * {@code mlp_ebm_forward} (networks/mlp_ebm.py MLPEBM.call, every intermediate), {@code mlp_ebm_action_grad}
 * (ibc/agents/mcmc.py gradient_wrt_act) and {@code grad_penalty} (ibc/losses/gradient_loss.py grad_penalty).
 * Skipped when {@code -Dibc4j.golden=DIR} (default {@code golden}) has no manifest or lacks the component.
 *
 * <p>Tolerance model, float32 (u = 2^-24): one dot product of K terms summed in two different orders (Eigen in TF,
 * OpenBLAS here) differs by about √K·u·S, where S = Σ|terms| is measured on these very inputs (rounding errors
 * add like a random walk; the worst case K·u·S is ~16× looser and never seen). An input error δ reaches an
 * output as δ·‖W column‖₂ (random signs). Each atol is 4× that estimate: the tail over ~10^5 elements. rtol is
 * 0: the atol already scales with the data. A bug (wrong order of layers, a transposed kernel, a missing bias)
 * moves values by ~|W|·|x| ≈ 1e-2, four orders above these bounds.
 */
class MlpEbmParityTest {
    private static final double SIGMAS = 4.0;

    private static GoldenDir.Entry entryOrSkip(String component, String caseName) {
        GoldenDir dir = GoldenDir.fromSystemProperty().orElse(null);
        assumeTrue(dir != null, "no golden/manifest.json (set -Dibc4j.golden=DIR)");
        GoldenDir.Entry e = dir.entry(component, caseName).orElse(null);
        assumeTrue(e != null, component + "/" + caseName + " not in " + dir.root);
        return e;
    }

    /** The network of the golden's params, with TF's weights loaded (manifest names = MLPEBM param names). */
    static MLPEBM netFor(GoldenDir.Entry g) {
        JsonNode p = g.params();
        MLPEBM.Config cfg = new MLPEBM.Config(p.path("width").asInt(), p.path("depth").asInt(),
                p.path("rate").asDouble(), p.path("activation").asText(), p.path("layers").asText(),
                "normal", "normal", "regular");
        MLPEBM net = MLPEBM.create(cfg, p.path("obs_dim").asInt(), p.path("action_dim").asInt(), 0);
        net.setParams(g.tensors("weight", ""));
        return net;
    }

    @ParameterizedTest
    @ValueSource(strings = {"particle2d", "small3d"})
    void forwardMatchesTensorFlow(String caseName) {
        GoldenDir.Entry g = entryOrSkip("mlp_ebm_forward", caseName);
        MLPEBM net = netFor(g);
        INDArray obs = g.tensor("obs");
        INDArray act = g.tensor("actions");
        PreActivationKernel k = (PreActivationKernel) EbmKernel.create(net, (int) obs.size(0));
        k.energies(obs, act);
        Map<String, INDArray> mine = k.intermediates();
        Tol t = Tol.forward(k);
        ParityCompare pc = new ParityCompare();
        pc.check("net_input", g.tensor("net_input"), mine.get("net_input"), 0, 0); // a concat: exact
        pc.check("projection", g.tensor("projection"), mine.get("projection"), t.proj, 0);
        pc.check("relu1", g.tensor("relu1"), mine.get("relu1"), t.proj, 0);   // relu is 1-Lipschitz and exact
        pc.check("dense1", g.tensor("dense1"), mine.get("dense1"), t.z1, 0);
        pc.check("relu2", g.tensor("relu2"), mine.get("relu2"), t.z1, 0);
        pc.check("dense2", g.tensor("dense2"), mine.get("dense2"), t.u, 0);
        pc.check("residual", g.tensor("residual"), mine.get("residual"), t.res, 0);
        pc.check("head", g.tensor("head"), mine.get("head"), t.head, 0);
        pc.check("energy", g.tensor("energy"), k.lastEnergies(), t.head, 0);
        // The model of record: the DL4J graph's output() (Dense layers do the same GEMMs, other blocking).
        pc.check("energy (graph output)", g.tensor("energy"), net.energies(obs, act), t.head, 0);
        pc.assertAllPassed();
    }

    @ParameterizedTest
    @ValueSource(strings = {"particle2d", "small3d"})
    void actionGradientMatchesTensorFlow(String caseName) {
        GoldenDir.Entry g = entryOrSkip("mlp_ebm_action_grad", caseName);
        MLPEBM net = netFor(g);
        INDArray obs = g.tensor("obs");
        INDArray act = g.tensor("actions");
        int rows = (int) obs.size(0);
        PreActivationKernel k = (PreActivationKernel) EbmKernel.create(net, rows);
        ParityCompare pc = new ParityCompare();
        INDArray energies = k.energies(obs, act).dup();
        Tol t = Tol.forward(k);
        pc.check("energies", g.tensor("energies"), energies, t.head, 0);
        INDArray deDact = k.actionGradient(obs, act).neg(); // IBC's de_dact = -∂f/∂a
        Tol tg = t.backward(k);
        boolean[] ambiguous = t.ambiguousRows(k);
        INDArray expected = g.tensor("de_dact");
        pc.check("de_dact", keep(expected, ambiguous), keep(deDact, ambiguous), tg.ga, 0);
        new ParityCompare().check("de_dact, all rows (info)", expected, deDact, tg.ga, 0);
        k.prepareObservations(obs);
        // Prepared path: first layer summed as (obs·W_obs + b) + act·W_act, ≈ u·S more on the projection.
        pc.check("de_dact (prepared obs)", keep(expected, ambiguous), keep(k.actionGradient(act).neg(), ambiguous),
                tg.ga, 0);
        pc.assertAllPassed();
    }

    @ParameterizedTest
    @ValueSource(strings = {"particle2d", "small3d"})
    void gradPenaltyMatchesTensorFlow(String caseName) {
        GoldenDir.Entry g = entryOrSkip("grad_penalty", caseName);
        MLPEBM net = netFor(g);
        INDArray obs = g.tensor("obs");
        INDArray act = g.tensor("combined_actions");
        int rows = (int) obs.size(0);
        int batch = g.params().path("batch").asInt();
        int perExample = rows / batch;
        double margin = g.params().path("grad_margin").asDouble();
        PreActivationKernel k = (PreActivationKernel) EbmKernel.create(net, rows);
        k.energies(obs, act);
        Tol t = Tol.forward(k);
        boolean[] ambiguous = t.ambiguousRows(k);
        INDArray grad = Nd4j.zeros(net.dataType(), net.graph().numParams());
        double p = k.gradPenaltyParamGradients(obs, act, margin, 1.0, grad);
        Tol tg = t.backward(k);
        INDArray ga = k.lastActionGradient();
        INDArray norms = Transforms.abs(ga, true).max(1).reshape(batch, perExample);
        INDArray c = Transforms.relu(norms.sub(margin), false);
        INDArray perExamplePenalty = c.mul(c).mean(1);
        boolean[] ambiguousExample = new boolean[batch];
        for (int r = 0; r < rows; r++) {
            ambiguousExample[r / perExample] |= ambiguous[r];
        }
        ParityCompare pc = new ParityCompare();
        pc.check("de_dact", keep(g.tensor("de_dact"), ambiguous), keep(ga.neg(), ambiguous), tg.ga, 0);
        new ParityCompare().check("de_dact, all rows (info)", g.tensor("de_dact"), ga.neg(), tg.ga, 0);
        pc.check("grad_norms", keep(g.tensor("grad_norms").reshape(rows), ambiguous),
                keep(norms.reshape(rows), ambiguous), tg.ga, 0);
        // P_b = mean_j c²: an error δ in a norm moves c² by 2c·δ.
        double tolP = 2 * c.maxNumber().doubleValue() * tg.ga + U * perExamplePenalty.maxNumber().doubleValue();
        pc.check("per_example_penalty", keep(g.tensor("per_example_penalty"), ambiguousExample),
                keep(perExamplePenalty, ambiguousExample), tolP, 0);
        double tfMean = g.tensor("per_example_penalty").meanNumber().doubleValue();
        System.out.printf("penalty: ibc4j %.9g, TF mean of per-example %.9g%n", p, tfMean);
        assertTrue(Math.abs(p - tfMean) <= tolP, "penalty value");
        pc.assertAllPassed();
    }

    /**
     * The penalty's parameter gradients (hand-derived double backward) against TF's double backprop, from the
     * {@code train_step} component ({@code grad_penalty_<param>}: gradient of the penalty part of the loss alone).
     *
     * <p>Tolerance: these are sums over all R rows of products of already-rounded factors, so an a-priori model
     * gets long; instead the same kernel runs in float64 on the same inputs, and ibc4j's own float32 error
     * e32 = max|grad32 − grad64| is measured per tensor (4·e32 covers the tail of our side). TF's error is not
     * ours: it differentiates the backward pass by autodiff, a longer chain of rounded ops without the
     * row-constant shortcuts, and measured against the same float64 it is up to ~5× e32 on small3d (~10 ulps of
     * the largest entry). So TF gets its own budget of 16 ulps of the tensor's largest value (≈ 2 roundings for
     * each of the ~8 chained ops): atol = 4·e32 + 16·u·max|tf|.
     * Exact zeros (biases: they reach ∂f/∂a only through the masks) must be exact zeros in TF too.
     */
    @ParameterizedTest
    @ValueSource(strings = {"particle2d", "small3d"})
    void penaltyParamGradientsMatchTrainStep(String caseName) {
        GoldenDir.Entry g = entryOrSkip("train_step", caseName);
        assumeTrue(g.has("grad_penalty_proj_kernel"), "train_step without penalty gradients");
        INDArray obs = g.tensor("obs_flat_tiled");
        INDArray act = g.tensor("combined_actions");
        double margin = g.params().path("grad_margin").asDouble();
        MLPEBM net = netFor(g);
        Map<String, INDArray> grad32 = penaltyGradient(net, obs, act, margin);
        Map<String, INDArray> grad64;
        org.nd4j.linalg.api.buffer.DataType saved = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(org.nd4j.linalg.api.buffer.DataType.DOUBLE,
                org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        try {
            MLPEBM net64 = MLPEBM.create(net.config(), net.obsDim(), net.actionDim(), 0);
            Map<String, INDArray> w = new java.util.LinkedHashMap<>();
            net.params().forEach((name, v) -> w.put(name, v.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)));
            net64.setParams(w);
            grad64 = penaltyGradient(net64, obs.castTo(net64.dataType()), act.castTo(net64.dataType()), margin);
        } finally {
            Nd4j.setDefaultDataTypes(saved, saved);
        }
        ParityCompare pc = new ParityCompare();
        for (String name : net.paramNames()) {
            INDArray mine = grad32.get(name);
            INDArray g64 = grad64.get(name);
            double e32 = mine.castTo(g64.dataType()).sub(g64).amaxNumber().doubleValue();
            INDArray tf = g.tensor("grad_penalty_" + name);
            double eTf = tf.castTo(g64.dataType()).sub(g64).amaxNumber().doubleValue();
            System.out.printf("  %s: max|ibc4j32 - ibc4j64| %.2e, max|TF32 - ibc4j64| %.2e%n", name, e32, eTf);
            pc.check("grad_penalty_" + name, tf, mine, 4 * e32 + 16 * U * tf.amaxNumber().doubleValue(), 0);
        }
        pc.assertAllPassed();
    }

    private static Map<String, INDArray> penaltyGradient(MLPEBM net, INDArray obs, INDArray act, double margin) {
        INDArray flat = Nd4j.zeros(net.dataType(), net.graph().numParams());
        EbmKernel.create(net, (int) obs.size(0)).gradPenaltyParamGradients(obs, act, margin, 1.0, flat);
        return net.viewsOf(flat);
    }

    /** Rows (or examples) whose ReLU masks are within rounding of 0 are dropped; see {@link Tol#ambiguousRows}. */
    private static INDArray keep(INDArray a, boolean[] drop) {
        int kept = 0;
        for (boolean d : drop) {
            kept += d ? 0 : 1;
        }
        long cols = a.length() / drop.length;
        INDArray m = a.reshape(drop.length, cols);
        INDArray out = Nd4j.create(a.dataType(), kept, cols);
        for (int r = 0, o = 0; r < drop.length; r++) {
            if (!drop[r]) {
                out.getRow(o++).assign(m.getRow(r));
            }
        }
        return out;
    }

    /** Per-tensor atol from the measured term scales (see the class comment). */
    static final class Tol {
        double proj;
        double z1;
        double u;
        double res;
        double head;
        double ga;

        static Tol forward(PreActivationKernel k) {
            assertTrue(k.numBlocks == 1, "the goldens are for one pre-activation block");
            Tol t = new Tol();
            t.proj = dot(k.netInput(), k.wIn, k.bIn);
            t.z1 = dot(k.a1[0], k.w1[0], k.b1[0]) + t.proj * colNorm(k.w1[0]);
            t.u = dot(k.a2[0], k.w2[0], k.b2[0]) + t.z1 * colNorm(k.w2[0]);
            t.res = t.proj + t.u + U * k.h[1].amaxNumber().doubleValue();
            t.head = dot(k.h[1], k.net.param("head_kernel"), k.net.param("head_bias"))
                    + t.res * colNorm(k.net.param("head_kernel"));
            return t;
        }

        /**
         * Backward: cq = wo^T·W2^T, δr = δz·W1^T, γ0 = wo^T + m⊙δr, ∂f/∂a = γ0·Wp_a^T. Needs the kernel's buffers of
         * an actionGradient call. The masks themselves are compared only where they are unambiguous.
         */
        Tol backward(PreActivationKernel k) {
            double tq = dot(k.woRow, k.w2[0].transpose(), null);
            double tr = dot(k.dz[0], k.w1[0].transpose(), null) + tq * colNorm(k.w1[0].transpose());
            double tga = dot(k.gam[0], k.wInActC.transpose(), null) + tr * colNorm(k.wInActC.transpose());
            Tol t = new Tol();
            t.ga = tga;
            return t;
        }

        /**
         * Rows where a ReLU input lies within its own error bound of 0: TF and ibc4j may then pick different masks
         * (TF's ReluGrad uses x > 0), which legitimately changes ∂f/∂a by a whole W1 row's contribution.
         */
        boolean[] ambiguousRows(PreActivationKernel k) {
            int rows = k.rows();
            boolean[] amb = new boolean[rows];
            INDArray nearH = Transforms.abs(k.h[0], true).lte(proj);
            INDArray nearZ = Transforms.abs(k.z[0], true).lte(z1);
            int count = 0;
            for (int r = 0; r < rows; r++) {
                amb[r] = nearH.getRow(r).any() || nearZ.getRow(r).any();
                count += amb[r] ? 1 : 0;
            }
            System.out.printf("rows with a ReLU input within rounding of 0 (not compared): %d of %d%n", count, rows);
            assertTrue(count <= rows / 50, "too many ambiguous rows: " + count);
            return amb;
        }

        /** SIGMAS·√K·u·S for y = x·W (+ b), S = max over outputs of Σ_k |x_k·W_kj| + |b_j|. */
        private static double dot(INDArray x, INDArray w, INDArray b) {
            INDArray s = Nd4j.gemm(Transforms.abs(x, true), Transforms.abs(w, true), false, false);
            if (b != null) {
                s.addiRowVector(Transforms.abs(b, true).reshape(1, b.length()));
            }
            return SIGMAS * Math.sqrt(w.size(0)) * U * s.maxNumber().doubleValue();
        }

        /** Largest column 2-norm of W [in, out]: how much a random-sign input error grows. */
        private static double colNorm(INDArray w) {
            return Math.sqrt(Transforms.pow(w, 2, true).sum(0).maxNumber().doubleValue());
        }
    }
}
