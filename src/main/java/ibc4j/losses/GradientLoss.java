package ibc4j.losses;

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
