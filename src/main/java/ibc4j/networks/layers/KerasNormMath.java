package ibc4j.networks.layers;

/**
 * The arithmetic of Keras 2.15's {@code BatchNormalization} and {@code LayerNormalization} on a 2-D input
 * {@code [n, w]} (axis −1), in TF's operation order, and of the gradients TF's autodiff takes through it. Both
 * layers run their non-fused path there (BatchNormalization fuses rank 4/5 inputs only; LayerNormalization refuses
 * to fuse below epsilon 1.001e-5, and IBC passes 1e-6):
 * <pre>
 *   mean, var = tf.nn.moments(x, axes)          mean = Σx/N; var = Σ(x − mean)²/N  (biased)
 *   inv = rsqrt(var + ε)·γ;  y = x·inv + (β − mean·inv)          (tf.nn.batch_normalization)
 * </pre>
 * Batch: statistics per feature over the rows (axis 0); in training the batch's, and the moving averages move
 * {@code m ← m − (m − stat)·(1 − momentum)} (Keras' {@code _assign_moving_average}); in inference the moving
 * mean and variance. Layer: statistics per row over the features, the same in training and inference.
 *
 * <p>Arrays are row-major {@code [n·w]} doubles; with {@code f32} every operation's result is rounded to float32,
 * which makes each single operation TF's float32 operation exactly (double carries more than 2·24+2 bits); sums are
 * sequential here (Eigen's order differs: the parity checks bound that).
 */
public final class KerasNormMath {
    private KerasNormMath() {}

    /** What a forward pass used: the statistics and {@code r = rsqrt(var + ε)} (per feature or per row). */
    public record Stats(double[] mean, double[] var, double[] r) {}

    /** One forward pass: output {@code y} and the statistics it normalized with. */
    public record Forward(double[] y, Stats stats) {}

    /** Gradients of one backward pass. */
    public record Backward(double[] dx, double[] dGamma, double[] dBeta) {}

    private static double f(boolean f32, double v) {
        return f32 ? (double) (float) v : v;
    }

    /**
     * The statistics a pass normalizes with: batch (training) or moving (inference) for Batch, per row for Layer.
     *
     * @param batch {@code true} for BatchNormalization
     */
    public static Stats stats(boolean batch, boolean training, double[] x, int n, int w, double[] movingMean,
                              double[] movingVar, double eps, boolean f32) {
        double e = f(f32, eps);
        if (batch && !training) {
            double[] r = new double[w];
            for (int j = 0; j < w; j++) {
                r[j] = rsqrt(f(f32, movingVar[j] + e), f32);
            }
            return new Stats(movingMean.clone(), movingVar.clone(), r);
        }
        int groups = batch ? w : n;
        int count = batch ? n : w;
        double[] mean = new double[groups];
        double[] var = new double[groups];
        double[] r = new double[groups];
        for (int g = 0; g < groups; g++) {
            double s = 0;
            for (int k = 0; k < count; k++) {
                s = f(f32, s + x[at(batch, g, k, w)]);
            }
            mean[g] = f(f32, s / count);
            double q = 0;
            for (int k = 0; k < count; k++) {
                double d = f(f32, x[at(batch, g, k, w)] - mean[g]);
                q = f(f32, q + f(f32, d * d));
            }
            var[g] = f(f32, q / count);
            r[g] = rsqrt(f(f32, var[g] + e), f32);
        }
        return new Stats(mean, var, r);
    }

    /** Index of element {@code k} of group {@code g}: a feature's rows (Batch) or a row's features (Layer). */
    private static int at(boolean batch, int g, int k, int w) {
        return batch ? k * w + g : g * w + k;
    }

    private static double rsqrt(double v, boolean f32) {
        return f(f32, 1.0 / Math.sqrt(v));
    }

    /** {@code y = x·inv + (β − mean·inv)}, {@code inv = r·γ}, with the statistics {@code s}. */
    public static double[] normalize(boolean batch, Stats s, double[] x, int n, int w, double[] gamma,
                                     double[] beta, boolean f32) {
        double[] y = new double[n * w];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < w; j++) {
                int g = batch ? j : i;
                double inv = f(f32, s.r()[g] * gamma[j]);
                double offset = f(f32, beta[j] - f(f32, s.mean()[g] * inv));
                y[i * w + j] = f(f32, f(f32, x[i * w + j] * inv) + offset);
            }
        }
        return y;
    }

    /** Keras' {@code variable.assign_sub((variable − value)·decay)}, in place; decay = float(1 − momentum). */
    public static void updateMoving(double[] moving, double[] value, double decay, boolean f32) {
        double d = f(f32, decay);
        for (int j = 0; j < moving.length; j++) {
            moving[j] = f(f32, moving[j] - f(f32, f(f32, moving[j] - value[j]) * d));
        }
    }

    /**
     * The gradients TF's autodiff computes through {@link #normalize} and (when the statistics are the batch's or
     * the row's) through {@code tf.nn.moments}: the Mul/Sub/Add gradients of batch_normalization, RsqrtGrad
     * {@code (−0.5·(g·r))·(r·r)}, Mean's gradient {@code g/N} and SquaredDifference's {@code (2g)·(x − mean)}
     * (its mean input is under stop_gradient; the mean reaches x through {@code reduce_mean} only).
     *
     * @param throughStats false for Batch in inference (moving statistics: no path to x)
     */
    public static Backward backward(boolean batch, boolean throughStats, Stats s, double[] x, double[] dy, int n,
                                    int w, double[] gamma, boolean f32) {
        int groups = batch ? w : n;
        int count = batch ? n : w;
        double[] dBeta = new double[w];
        double[] dGamma = new double[w];
        double[] dx = new double[n * w];
        double[] dMean = new double[groups];
        double[] dr = new double[groups];
        if (batch) {
            // inv and offset are [w]: their gradients reduce over the rows.
            for (int j = 0; j < w; j++) {
                double gOff = 0;
                double gInvX = 0;
                for (int i = 0; i < n; i++) {
                    gOff = f(f32, gOff + dy[i * w + j]);
                    gInvX = f(f32, gInvX + f(f32, dy[i * w + j] * x[i * w + j]));
                }
                double inv = f(f32, s.r()[j] * gamma[j]);
                dBeta[j] = gOff;
                dMean[j] = f(f32, -gOff * inv);
                double gInv = f(f32, gInvX + f(f32, -gOff * s.mean()[j]));
                dGamma[j] = f(f32, gInv * s.r()[j]);
                dr[j] = f(f32, gInv * gamma[j]);
            }
        } else {
            // inv and offset are [n, w]; gamma/beta broadcast over rows, r and mean over features.
            for (int i = 0; i < n; i++) {
                double m = 0;
                double rr = 0;
                for (int j = 0; j < w; j++) {
                    double g = dy[i * w + j];
                    double inv = f(f32, s.r()[i] * gamma[j]);
                    m = f(f32, m + f(f32, -g * inv));
                    double gInv = f(f32, f(f32, g * x[i * w + j]) + f(f32, -g * s.mean()[i]));
                    dGamma[j] = f(f32, dGamma[j] + f(f32, gInv * s.r()[i]));
                    dBeta[j] = f(f32, dBeta[j] + g);
                    rr = f(f32, rr + f(f32, gInv * gamma[j]));
                }
                dMean[i] = m;
                dr[i] = rr;
            }
        }
        double[] dSq = new double[groups];
        for (int g = 0; g < groups; g++) {
            double r = s.r()[g];
            double dVar = f(f32, f(f32, -0.5 * f(f32, dr[g] * r)) * f(f32, r * r));
            dSq[g] = f(f32, dVar / count);
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < w; j++) {
                int g = batch ? j : i;
                double inv = f(f32, s.r()[g] * gamma[j]);
                double v = f(f32, dy[i * w + j] * inv);
                if (throughStats) {
                    double sq = f(f32, f(f32, 2 * dSq[g]) * f(f32, x[i * w + j] - s.mean()[g]));
                    v = f(f32, f(f32, v + sq) + f(f32, dMean[g] / count));
                }
                dx[i * w + j] = v;
            }
        }
        return new Backward(dx, dGamma, dBeta);
    }
}
