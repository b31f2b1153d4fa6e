package ibc4j.losses;

import ibc4j.gin.Configurable;
import ibc4j.gin.GinConfig;
import ibc4j.gin.Param;
import ibc4j.gin.Positive;
import ibc4j.networks.EbmKernel;
import ibc4j.networks.MLPEBM;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The gradient penalty on dE/da; mirrors {@code ibc/losses/gradient_loss.py} {@code grad_penalty} (IBC db89ddb).
 *
 * <p>With only_apply_final_grad_penalty (IBC's particle config) the norms are taken at the final counter
 * examples AND the true actions: {@code P_b = weight · mean_j h(‖∂f/∂a(o_b, a_bj)‖)}, {@code h(x) = clip(x −
 * margin, 0, 1e10)²}. The sign of {@code mcmc.gradient_wrt_act} (it returns −∂f/∂a) does not matter for a norm.
 */
public final class GradientLoss {
    /** IBC's "assume 1e10 is big enough" upper clip. */
    static final float CLIP_MAX = 1e10f;

    private GradientLoss() {}

    /** Norms {@code [B, m]}, per-example penalty {@code [B]}, and dPenalty/d(action gradients) {@code [B·m, A]}. */
    public record Penalty(INDArray norms, INDArray perExample, INDArray gradActionGrads) {}

    /**
     * @param actionGrads ∂f/∂a for B·m actions, rows grouped by example ({@code [B·m, A]})
     * @param normType    IBC's grad_norm_type: "inf", "1" or "2"
     * @param margin      grad_margin, or {@code null} for none (then no clip either, as in IBC)
     * @param upstream    the weight of each example's penalty in the total loss (1/B for IBC's batch mean)
     */
    public static Penalty gradPenalty(INDArray actionGrads, int batchSize, String normType, Float margin,
                                      boolean square, float weight, float upstream) {
        int rows = (int) actionGrads.size(0);
        int a = (int) actionGrads.size(1);
        int m = rows / batchSize;
        if (m * batchSize != rows) {
            throw new IllegalArgumentException("actionGrads: expected [B*m, A] with B = " + batchSize + ", got "
                    + java.util.Arrays.toString(actionGrads.shape()));
        }
        float[] g = actionGrads.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] norms = new float[rows];
        float[] per = new float[batchSize];
        float[] dg = new float[g.length];
        for (int r = 0; r < rows; r++) {
            norms[r] = norm(normType, g, r * a, a);
        }
        for (int bi = 0; bi < batchSize; bi++) {
            float sum = 0f;
            for (int j = 0; j < m; j++) {
                int r = bi * m + j;
                float x = margin == null ? norms[r] : norms[r] - margin;
                boolean passes = margin == null || (x >= 0f && x <= CLIP_MAX);
                if (margin != null) {
                    x = Math.min(Math.max(x, 0f), CLIP_MAX);
                }
                float h = square ? (float) Math.pow(x, 2) : x;
                sum += h;
                float dh = square ? 2f * x : 1f;
                float dNorm = passes ? dh / m * weight * upstream : 0f;
                normBackward(normType, g, r * a, a, dNorm, dg);
            }
            per[bi] = sum / m * weight;
        }
        return new Penalty(Nd4j.create(norms, new long[] {batchSize, m}), Nd4j.create(per, new long[] {batchSize}),
                Nd4j.create(dg, new long[] {rows, a}));
    }

    /**
     * What {@link #gradPenalty(Object, String, int, Object, INDArray, INDArray, boolean, boolean, Double, boolean,
     * double)} returns: IBC's per-example penalty, and the parameter gradient TF's tape would get from it.
     *
     * @param perExample     {@code P_b} {@code [B]}, weight applied (IBC's return value)
     * @param norms          the norms before the margin {@code [B, m]} ({@code [B, n·K]} along the chain)
     * @param deDact         IBC's {@code gradient_wrt_act} output {@code −∂f/∂a} {@code [B·m, A]} (null along the
     *                       chain: IBC takes the chain's norms)
     * @param paramGradient  {@code ∂(mean_b P_b)/∂θ}, flat in the graph's parameter layout: the penalty's share of
     *                       the gradient of IBC's batch-mean loss; null for {@code training=False} calls, which in
     *                       IBC only {@code get_eval_loss} makes and no tape differentiates
     */
    public record PenaltyAndGradient(INDArray perExample, INDArray norms, INDArray deDact, INDArray paramGradient) {}

    /**
     * IBC's gin-configurable {@code grad_penalty} (parameter names and defaults as in IBC), with the parameter
     * gradient of its batch mean by double backprop ({@link EbmKernel#gradPenaltyParamGradients}).
     *
     * <p>{@code only_apply_final_grad_penalty=True} (every IBC config): the norms at the final counter examples
     * and the true actions. {@code False}: the chain's own norms {@code chain_data.grad_norms} {@code [K, B·n]}
     * (at the input of every Langevin step), transposed and reshaped to {@code [B, n·K]} as IBC does; they are
     * functions of the weights only when the chain ran under the gradient tape
     * ({@link ChainData#underGradient()}, IBC's {@code run_full_chain_under_gradient}): then
     * {@code ∂P/∂θ = (1/K)·Σ_k} of the final-sample formula at step k's input actions (held fixed: IBC stops the
     * chain's gradient after every step); otherwise IBC's tape sees constants and the gradient is zero. The
     * parameter gradient is derived for the squared inf-norm (IBC's defaults).
     *
     * @param energyNetwork an {@link MLPEBM}, or an {@link EbmKernel} over it bound to B·m rows (reused)
     * @param observations  {@code [B·m, obs]}, tiled as {@code combined_true_counter_actions}
     * @param combinedTrueCounterActions {@code [B·m, A]}, each example's m actions consecutive
     */
    @Configurable("grad_penalty")
    public static PenaltyAndGradient gradPenalty(
            @Param(value = "energy_network", doc = "the EBM: MLPEBM or an EbmKernel over it") Object energyNetwork,
            @Param(value = "grad_norm_type", doc = "'inf', '1' or '2' (ImplicitBCAgent.grad_norm_type)")
            String gradNormType,
            @Positive @Param(value = "batch_size", doc = "B") int batchSize,
            @Param(value = "chain_data", doc = "Langevin ChainData; only read when not only_apply_final")
            Object chainData,
            @Param(value = "observations", doc = "[B·m, obs] tiled, flattened, normalized") INDArray observations,
            @Param(value = "combined_true_counter_actions", doc = "[B·m, A]: n counter examples then the true one")
            INDArray combinedTrueCounterActions,
            @Param(value = "training", doc = "network mode; MLPEBM's dropout is the only difference") boolean training,
            @Param(value = "only_apply_final_grad_penalty", dflt = "True",
                    doc = "penalize the norms at the final samples (else along the whole chain)")
            boolean onlyApplyFinalGradPenalty,
            @Param(value = "grad_margin", dflt = "1.0", doc = "norms below it cost nothing; None: no margin")
            Double gradMargin,
            @Param(value = "square_grad_penalty", dflt = "True", doc = "square the hinge") boolean squareGradPenalty,
            @Param(value = "grad_loss_weight", dflt = "1.0", doc = "multiplies the penalty") double gradLossWeight) {
        return gradPenalty(new Settings(onlyApplyFinalGradPenalty, gradMargin, squareGradPenalty, gradLossWeight),
                energyNetwork, gradNormType, batchSize, chainData, observations, combinedTrueCounterActions,
                training);
    }

    /**
     * {@code grad_penalty}'s own gin parameters, resolved once (see {@link #resolveSettings}).
     *
     * @param gradMargin null: IBC's {@code grad_margin=None}
     */
    public record Settings(boolean onlyApplyFinalGradPenalty, Double gradMargin, boolean squareGradPenalty,
                           double gradLossWeight) {
        /** IBC's code defaults. */
        public static Settings ibcDefaults() {
            return new Settings(true, 1.0, true, 1.0);
        }
    }

    /** {@code grad_penalty}'s bindings in {@code gin} (null: IBC's code defaults), as a call would receive them. */
    public static Settings resolveSettings(GinConfig gin) {
        if (gin == null) {
            return Settings.ibcDefaults();
        }
        Map<String, Object> a = gin.resolveArguments("grad_penalty", Map.of());
        return new Settings((Boolean) a.get("only_apply_final_grad_penalty"), (Double) a.get("grad_margin"),
                (Boolean) a.get("square_grad_penalty"), (Double) a.get("grad_loss_weight"));
    }

    /** {@code grad_penalty} with its settings resolved (what the agent calls each step). */
    public static PenaltyAndGradient gradPenalty(Settings settings, Object energyNetwork, String gradNormType,
                                                 int batchSize, Object chainData, INDArray observations,
                                                 INDArray combinedTrueCounterActions, boolean training) {
        boolean onlyApplyFinalGradPenalty = settings.onlyApplyFinalGradPenalty();
        Double gradMargin = settings.gradMargin();
        boolean squareGradPenalty = settings.squareGradPenalty();
        double gradLossWeight = settings.gradLossWeight();
        if (!onlyApplyFinalGradPenalty) {
            return alongTheChain(energyNetwork, gradNormType, batchSize, chainData, training, gradMargin,
                    squareGradPenalty, gradLossWeight);
        }
        if (!"inf".equals(gradNormType) || !squareGradPenalty) {
            throw new UnsupportedOperationException("grad_penalty's parameter gradient is derived for the squared "
                    + "inf-norm (IBC's defaults); got grad_norm_type='" + gradNormType + "', square_grad_penalty="
                    + squareGradPenalty);
        }
        int rows = (int) combinedTrueCounterActions.size(0);
        EbmKernel kernel = kernelFor(energyNetwork, rows, training);
        MLPEBM net = kernel.net();
        INDArray grad = null;
        INDArray dfda;
        if (training) {
            grad = Nd4j.zeros(net.dataType(), net.graph().numParams());
            // margin None: no subtraction and no clip; the norms are >= 0, so that is margin 0 for the gradient too.
            kernel.gradPenaltyParamGradients(observations, combinedTrueCounterActions,
                    gradMargin == null ? 0.0 : gradMargin, gradLossWeight, grad);
            dfda = kernel.lastActionGradient();
        } else {
            dfda = kernel.actionGradient(observations, combinedTrueCounterActions);
        }
        Penalty p = gradPenalty(dfda, batchSize, gradNormType, gradMargin == null ? null : gradMargin.floatValue(),
                squareGradPenalty, (float) gradLossWeight, 1f);
        return new PenaltyAndGradient(p.perExample(), p.norms(), dfda.mul(-1.0f), grad);
    }

    /** Case 2 of IBC's grad_penalty: the norms of the whole chain (see {@link #gradPenalty}). */
    private static PenaltyAndGradient alongTheChain(Object energyNetwork, String gradNormType, int batchSize,
                                                    Object chainData, boolean training, Double gradMargin,
                                                    boolean square, double weight) {
        MLPEBM spectral = energyNetwork instanceof EbmKernel k ? k.net() : (MLPEBM) energyNetwork;
        if (spectral.spectralNorm()) {
            // IBC's penalty then makes no network call (u advances once per step, not twice) and its gradient
            // flows through the chain's W̄; not derived here. No IBC config combines the two.
            throw new UnsupportedOperationException("grad_penalty.only_apply_final_grad_penalty=False with "
                    + "MLPEBM.dense_layer_type='spectral_norm' is not implemented");
        }
        if (!(chainData instanceof ChainData chain) || chain.gradNorms() == null) {
            // gradient_loss.py: assert chain_data.grad_norms is not None
            throw new IllegalArgumentException("grad_penalty.only_apply_final_grad_penalty=False needs the Langevin "
                    + "chain's grad norms (ImplicitBCAgent.return_full_chain=True and Langevin counter examples), got "
                    + (chainData == null ? "None" : chainData.getClass().getSimpleName()));
        }
        INDArray norms = chain.gradNorms(); // [K, B·n]
        int k = (int) norms.size(0);
        int rows = (int) norms.size(1);
        int perExample = rows / batchSize; // n
        if (perExample * batchSize != rows) {
            throw new IllegalArgumentException("chain grad norms: " + rows + " chains do not split into batch_size "
                    + batchSize);
        }
        // tf.transpose → [B·n, K], reshape → [B, n·K]: example b holds chain j's K norms for j = 0..n−1.
        // Float32 in TF's order for float32 norms; float64 for float64 ones (finite-difference checks).
        boolean f32 = norms.dataType() != DataType.DOUBLE;
        double[] kn = norms.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        int cols = perExample * k;
        double[] byExample = new double[batchSize * cols];
        for (int r = 0; r < rows; r++) {
            for (int s = 0; s < k; s++) {
                byExample[r * k + s] = kn[s * rows + r];
            }
        }
        double[] per = new double[batchSize];
        double w = f32 ? (float) weight : weight;
        double m = gradMargin == null ? 0 : f32 ? gradMargin.floatValue() : gradMargin;
        for (int b = 0; b < batchSize; b++) {
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                double x = byExample[b * cols + c];
                if (gradMargin != null) {
                    x = Math.min(Math.max(fl(f32, x - m), 0), CLIP_MAX);
                }
                sum = fl(f32, sum + (square ? fl(f32, x * x) : x));
            }
            per[b] = fl(f32, fl(f32, sum / cols) * w);
        }
        EbmKernel kernel = chainKernel(energyNetwork, rows, training);
        MLPEBM net = kernel.net();
        INDArray grad = training ? Nd4j.zeros(net.dataType(), net.graph().numParams()) : null;
        if (training && chain.underGradient()) {
            if (!"inf".equals(gradNormType) || !square) {
                throw new UnsupportedOperationException("grad_penalty's parameter gradient is derived for the "
                        + "squared inf-norm (IBC's defaults); got grad_norm_type='" + gradNormType
                        + "', square_grad_penalty=" + square);
            }
            if (chain.observations() == null) {
                throw new IllegalArgumentException("grad_penalty along a chain under the gradient needs the chain's "
                        + "observations (ChainData.withSource)");
            }
            for (int s = 0; s < k; s++) {
                // P = mean over steps of the final-sample penalty at each step's (fixed) input actions.
                kernel.gradPenaltyParamGradients(chain.observations(), chain.stepInput(s),
                        gradMargin == null ? 0.0 : gradMargin, weight / k, grad);
            }
        }
        DataType dt = f32 ? DataType.FLOAT : DataType.DOUBLE;
        return new PenaltyAndGradient(Nd4j.create(per, new long[] {batchSize}, 'c').castTo(dt),
                Nd4j.create(byExample, new long[] {batchSize, cols}, 'c').castTo(dt), null, grad);
    }

    private static double fl(boolean f32, double x) {
        return f32 ? (double) (float) x : x;
    }

    /** A kernel over the chain's rows: the given one when it fits, else a new one over its network. */
    private static EbmKernel chainKernel(Object energyNetwork, int rows, boolean training) {
        if (energyNetwork instanceof EbmKernel k && k.rows() != rows) {
            return kernelFor(k.net(), rows, training);
        }
        return kernelFor(energyNetwork, rows, training);
    }

    private static EbmKernel kernelFor(Object energyNetwork, int rows, boolean training) {
        EbmKernel kernel;
        if (energyNetwork instanceof EbmKernel k && k.rows() == rows) {
            kernel = k;
        } else if (energyNetwork instanceof EbmKernel k) {
            throw new IllegalArgumentException("energy_network: kernel bound to " + k.rows() + " rows, got " + rows
                    + " actions");
        } else if (energyNetwork instanceof MLPEBM net) {
            kernel = EbmKernel.create(net, rows);
        } else {
            throw new IllegalArgumentException("energy_network: expected an MLPEBM or an EbmKernel, got "
                    + (energyNetwork == null ? "None" : energyNetwork.getClass().getName()));
        }
        if (training && kernel.net().config().rate() > 0) {
            throw new UnsupportedOperationException("grad_penalty with training=True and dropout rate "
                    + kernel.net().config().rate() + " is not implemented (every IBC EBM config has rate 0)");
        }
        return kernel;
    }

    /** IBC's compute_grad_norm. */
    static float norm(String type, float[] g, int o, int n) {
        float out = 0f;
        switch (type) {
            case "inf" -> {
                for (int i = 0; i < n; i++) {
                    out = Math.max(out, Math.abs(g[o + i]));
                }
            }
            case "1" -> {
                for (int i = 0; i < n; i++) {
                    out += Math.abs(g[o + i]);
                }
            }
            case "2" -> {
                for (int i = 0; i < n; i++) {
                    out += g[o + i] * g[o + i];
                }
                out = (float) Math.sqrt(out);
            }
            default -> throw new IllegalArgumentException("grad_norm_type: expected 'inf', '1' or '2', got '" + type
                    + "'");
        }
        return out;
    }

    /** Gradient of the norm: to the max |g_i| for inf (TF shares ties equally), sign(g) for 1, g/‖g‖ for 2. */
    private static void normBackward(String type, float[] g, int o, int n, float dNorm, float[] dg) {
        if (dNorm == 0f) {
            return;
        }
        switch (type) {
            case "inf" -> {
                float max = norm("inf", g, o, n);
                int ties = 0;
                for (int i = 0; i < n; i++) {
                    if (Math.abs(g[o + i]) == max) {
                        ties++;
                    }
                }
                for (int i = 0; i < n; i++) {
                    if (Math.abs(g[o + i]) == max) {
                        dg[o + i] += dNorm / ties * Math.signum(g[o + i]);
                    }
                }
            }
            case "1" -> {
                for (int i = 0; i < n; i++) {
                    dg[o + i] += dNorm * Math.signum(g[o + i]);
                }
            }
            default -> {
                float l2 = norm("2", g, o, n);
                for (int i = 0; i < n; i++) {
                    dg[o + i] += l2 == 0f ? 0f : dNorm * g[o + i] / l2;
                }
            }
        }
    }
}
