package ibc4j.losses;

import ibc4j.gin.Configurable;
import ibc4j.gin.Param;
import ibc4j.networks.EbmKernel;
import ibc4j.networks.MLPEBM;
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
     * @param norms          the norms before the margin {@code [B, m]}
     * @param deDact         IBC's {@code gradient_wrt_act} output {@code −∂f/∂a} {@code [B·m, A]}
     * @param paramGradient  {@code ∂(mean_b P_b)/∂θ}, flat in the graph's parameter layout: the penalty's share of
     *                       the gradient of IBC's batch-mean loss
     */
    public record PenaltyAndGradient(INDArray perExample, INDArray norms, INDArray deDact, INDArray paramGradient) {}

    /**
     * IBC's gin-configurable {@code grad_penalty} (parameter names and defaults as in IBC), with the parameter
     * gradient of its batch mean by double backprop ({@link EbmKernel#gradPenaltyParamGradients}).
     *
     * <p>Only {@code only_apply_final_grad_penalty=True} (every IBC config) with the squared inf-norm has a
     * parameter gradient here; the penalty over the whole chain ({@code False}) would need the chain's norms as
     * functions of the weights and is not implemented.
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
            @Param(value = "batch_size", doc = "B") int batchSize,
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
        if (!onlyApplyFinalGradPenalty) {
            throw new UnsupportedOperationException("grad_penalty.only_apply_final_grad_penalty=False (the penalty "
                    + "along the whole Langevin chain) is not implemented; every IBC config uses True");
        }
        if (!"inf".equals(gradNormType) || !squareGradPenalty) {
            throw new UnsupportedOperationException("grad_penalty's parameter gradient is derived for the squared "
                    + "inf-norm (IBC's defaults); got grad_norm_type='" + gradNormType + "', square_grad_penalty="
                    + squareGradPenalty);
        }
        int rows = (int) combinedTrueCounterActions.size(0);
        EbmKernel kernel = kernelFor(energyNetwork, rows, training);
        MLPEBM net = kernel.net();
        INDArray grad = Nd4j.zeros(net.dataType(), net.graph().numParams());
        // margin None: no subtraction and no clip; the norms are >= 0, so that is margin 0 for the gradient too.
        kernel.gradPenaltyParamGradients(observations, combinedTrueCounterActions,
                gradMargin == null ? 0.0 : gradMargin, gradLossWeight, grad);
        INDArray dfda = kernel.lastActionGradient();
        Penalty p = gradPenalty(dfda, batchSize, gradNormType, gradMargin == null ? null : gradMargin.floatValue(),
                squareGradPenalty, (float) gradLossWeight, 1f);
        return new PenaltyAndGradient(p.perExample(), p.norms(), dfda.mul(-1.0f), grad);
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
