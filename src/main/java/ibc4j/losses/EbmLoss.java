package ibc4j.losses;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * EBM losses; mirrors {@code ibc/losses/ebm_loss.py} (IBC db89ddb).
 *
 * <p>Shapes follow IBC: {@code predictions} is {@code [B, n+1]} with the true action's output in the last column
 * (never shuffled). The network output is a logit: higher is better, so InfoNCE is a softmax over {@code +f}.
 * Arithmetic is float32 in TF's operation order (spec §15) so values agree to a few ulps.
 */
public final class EbmLoss {
    /** Keras {@code backend.epsilon()}: KLDivergence clips labels and probabilities to [EPSILON, 1]. */
    static final float EPSILON = 1e-7f;

    private EbmLoss() {}

    /** What {@link #infoNce} returns: softmax probabilities, per-example loss, and dLoss/dPredictions. */
    public record InfoNce(INDArray probabilities, INDArray perExampleLoss, INDArray gradPredictions) {}

    /**
     * IBC {@code info_nce}: {@code p = softmax(predictions / T)}, then Keras {@code KLDivergence} against the
     * one-hot label of the last column, {@code Σ_j y_j·log(y_j / p_j)} with y and p clipped to [1e-7, 1]; so the
     * n "zero" labels each add {@code 1e-7·log(1e-7 / p_j)} and the loss saturates once p_n < 1e-7.
     *
     * <p>{@code gradPredictions} is d(Σ_b loss_b · upstream)/d predictions with {@code upstream} the weight of each
     * example in the total loss (1/B for IBC's batch mean), the clip's gradient zero outside [1e-7, 1].
     */
    public static InfoNce infoNce(INDArray predictions, float temperature, float upstream) {
        int b = (int) predictions.size(0);
        int cols = (int) predictions.size(1);
        float[] z = predictions.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] p = new float[z.length];
        float[] loss = new float[b];
        float[] grad = new float[z.length];
        for (int r = 0; r < b; r++) {
            int o = r * cols;
            softmaxRow(z, o, cols, temperature, p);
            float sum = 0f;
            float[] dp = new float[cols];
            for (int j = 0; j < cols; j++) {
                float y = j == cols - 1 ? 1f : EPSILON;
                float pc = clip(p[o + j]);
                // Keras: y * log(y / p), divide first then log, as TF does.
                sum += y * (float) Math.log(y / pc);
                boolean inRange = p[o + j] >= EPSILON && p[o + j] <= 1f;
                dp[j] = inRange ? -y / pc * upstream : 0f;
            }
            loss[r] = sum;
            // softmax backward: dz_j = p_j (dp_j - Σ_k dp_k p_k), then / T.
            float dot = 0f;
            for (int j = 0; j < cols; j++) {
                dot += dp[j] * p[o + j];
            }
            for (int j = 0; j < cols; j++) {
                grad[o + j] = p[o + j] * (dp[j] - dot) / temperature;
            }
        }
        long[] shape = {b, cols};
        return new InfoNce(Nd4j.create(p, shape), Nd4j.create(loss, new long[] {b}), Nd4j.create(grad, shape));
    }

    /** TF's softmax: subtract the row max, exp, sum, divide. */
    private static void softmaxRow(float[] z, int o, int n, float temperature, float[] out) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, z[o + j] / temperature);
        }
        float sum = 0f;
        for (int j = 0; j < n; j++) {
            out[o + j] = (float) Math.exp(z[o + j] / temperature - max);
            sum += out[o + j];
        }
        for (int j = 0; j < n; j++) {
            out[o + j] = out[o + j] / sum;
        }
    }

    private static float clip(float x) {
        return Math.min(Math.max(x, EPSILON), 1f);
    }

    /**
     * IBC {@code cd}: {@code mean_j f(counter_j) − f(true)} per example (contrastive divergence). Returns the
     * per-example loss; its gradient is {@code 1/n} on counter examples and {@code −1} on the last column.
     */
    public static INDArray cd(INDArray predictions) {
        int b = (int) predictions.size(0);
        int cols = (int) predictions.size(1);
        float[] z = predictions.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] loss = new float[b];
        for (int r = 0; r < b; r++) {
            float s = 0f;
            for (int j = 0; j < cols - 1; j++) {
                s += z[r * cols + j];
            }
            loss[r] = s / (cols - 1) - z[r * cols + cols - 1];
        }
        return Nd4j.create(loss, new long[] {b});
    }
}
