package ibc4j.losses;

import java.util.LinkedHashMap;
import java.util.Map;
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
        return cd(predictions, 1f).perExampleLoss();
    }

    /**
     * What the contrastive losses return.
     *
     * @param perExampleLoss  {@code [B]}
     * @param gradPredictions d(Σ_b loss_b · upstream)/d predictions {@code [B, n+1]}
     * @param debug           IBC's debug dict (logged under {@code Losses/}), in IBC's insertion order
     */
    public record Contrastive(INDArray perExampleLoss, INDArray gradPredictions, Map<String, Float> debug) {}

    /**
     * IBC {@code cd}: {@code reduce_mean(f_samp, 1) − reduce_mean(f_data, 1)} with f_data the last column. The
     * gradient is {@code upstream/n} on each counter example and {@code −upstream} on the last column, as TF's
     * Mean and Sub gradients compute it. Float32 for float32 predictions, float64 for float64 (finite-difference
     * checks).
     */
    public static Contrastive cd(INDArray predictions, float upstream) {
        boolean f32 = predictions.dataType() != DataType.DOUBLE;
        int b = (int) predictions.size(0);
        int cols = (int) predictions.size(1);
        int n = cols - 1;
        double[] z = predictions.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] loss = new double[b];
        double[] grad = new double[z.length];
        double gs = fl(f32, (double) upstream / n);
        for (int r = 0; r < b; r++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s = fl(f32, s + z[r * cols + j]);
                grad[r * cols + j] = gs;
            }
            loss[r] = fl(f32, fl(f32, s / n) - z[r * cols + n]);
            grad[r * cols + n] = -upstream;
        }
        return new Contrastive(array(loss, f32, b), array(grad, f32, b, cols), new LinkedHashMap<>());
    }

    /** IBC's {@code clipped_cd} threshold on the squared L2 distance between a counter example and the true action. */
    public static final float CLIPPED_CD_THRESHOLD = 0.2f;

    /**
     * IBC {@code clipped_cd} (ebm_loss_type 'clipped_cd', {@code soft} false, or 'soft_clipped_cd', true). Per
     * counter example j, {@code err_j = ‖c_j − t‖₂²} (TF: {@code norm(·)**2}, a square root then its square) and
     * {@code out_j = err_j > 0.2}:
     * <pre>
     *   loss_b = mean_j (f_j − f_data)·out_j   [+ mean_j |(f_data − f_j) − err_j|·(err_j ≤ 0.2)   if soft]
     * </pre>
     * Debug scalars: {@code fraction_outside_threshold} (mean of out over B·n); with soft also {@code cd_loss} and
     * {@code soft_loss} (batch means of the two parts). The counter examples get no gradient (IBC stops it at
     * every Langevin step); the gradient w.r.t. the predictions follows TF's Mean, Mul, Sub, Abs (sign, 0 at 0)
     * and broadcast (sum) gradients.
     *
     * @param counterExamples {@code [B, n, A]}
     * @param trueActions     {@code [B, A]} or {@code [B, 1, A]}
     */
    public static Contrastive clippedCd(INDArray predictions, INDArray counterExamples, INDArray trueActions,
                                        boolean soft, float upstream) {
        boolean f32 = predictions.dataType() != DataType.DOUBLE;
        int b = (int) predictions.size(0);
        int cols = (int) predictions.size(1);
        int n = cols - 1;
        if (counterExamples.rank() != 3 || counterExamples.size(0) != b || counterExamples.size(1) != n) {
            throw new IllegalArgumentException("clipped_cd: counter examples must be [" + b + ", " + n + ", A], got "
                    + java.util.Arrays.toString(counterExamples.shape()));
        }
        int a = (int) counterExamples.size(2);
        if (trueActions.length() != (long) b * a) {
            throw new IllegalArgumentException("clipped_cd: true actions must be [" + b + ", " + a + "], got "
                    + java.util.Arrays.toString(trueActions.shape()));
        }
        double[] z = predictions.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] c = counterExamples.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] t = trueActions.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double thresh = CLIPPED_CD_THRESHOLD;
        double[] loss = new double[b];
        double[] grad = new double[z.length];
        double outsideCount = 0;
        double cdSum = 0;
        double softSum = 0;
        double gs = fl(f32, (double) upstream / n); // Mean's gradient
        for (int r = 0; r < b; r++) {
            double data = z[r * cols + n];
            double cdPart = 0;
            double softPart = 0;
            double gData = 0;
            for (int j = 0; j < n; j++) {
                double ss = 0;
                for (int k = 0; k < a; k++) {
                    double d = fl(f32, c[(r * n + j) * a + k] - t[r * a + k]);
                    ss = fl(f32, ss + fl(f32, d * d));
                }
                double norm = fl(f32, Math.sqrt(ss));
                double err = fl(f32, norm * norm);
                boolean out = err > thresh;
                boolean in = err <= thresh;
                double samp = z[r * cols + j];
                double smd = out ? fl(f32, samp - data) : 0.0;
                cdPart = fl(f32, cdPart + smd);
                double gSamp = out ? gs : 0.0;
                double gDataJ = out ? -gs : 0.0;
                outsideCount += out ? 1 : 0;
                if (soft) {
                    double residual = fl(f32, fl(f32, data - samp) - err);
                    softPart = fl(f32, softPart + (in ? Math.abs(residual) : 0.0));
                    double gr = in ? Math.signum(residual) * gs : 0.0;
                    gSamp = fl(f32, gSamp - gr);
                    gDataJ = fl(f32, gDataJ + gr);
                }
                grad[r * cols + j] = gSamp;
                gData = fl(f32, gData + gDataJ);
            }
            double cdMean = fl(f32, cdPart / n);
            loss[r] = cdMean;
            cdSum = fl(f32, cdSum + cdMean);
            if (soft) {
                double softMean = fl(f32, softPart / n);
                loss[r] = fl(f32, cdMean + softMean);
                softSum = fl(f32, softSum + softMean);
            }
            grad[r * cols + n] = gData;
        }
        Map<String, Float> debug = new LinkedHashMap<>();
        if (soft) {
            debug.put("cd_loss", (float) (cdSum / b));
            debug.put("soft_loss", (float) (softSum / b));
        }
        debug.put("fraction_outside_threshold", (float) (outsideCount / ((double) b * n)));
        return new Contrastive(array(loss, f32, b), array(grad, f32, b, cols), debug);
    }

    /** Rounds to float32 when computing in float32. */
    private static double fl(boolean f32, double x) {
        return f32 ? (double) (float) x : x;
    }

    private static INDArray array(double[] v, boolean f32, long... shape) {
        INDArray d = Nd4j.create(v, shape, 'c');
        return f32 ? d.castTo(DataType.FLOAT) : d;
    }
}
