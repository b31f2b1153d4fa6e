package ibc4j.normalizers;

import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The normalization layers of {@code ibc/train/stats.py}: z-scoring with IBC's floor on the std, and min-max to
 * [-1, 1]. All float32, in IBC's operation order ({@code (x − mean) / max(std, EPS)}, a true division).
 */
public final class Normalizers {
    /** {@code np.finfo(np.float32).eps}: IBC's floor for std and half-range. */
    public static final float EPS = Math.ulp(1f);

    private Normalizers() {}

    /** {@code StdNormalizationLayer} / {@code StdDenormalizationLayer}. */
    public record Std(float[] mean, float[] std) {
        public float[] normalize(float[] x) {
            float[] out = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                int d = i % mean.length;
                out[i] = (x[i] - mean[d]) / Math.max(std[d], EPS);
            }
            return out;
        }

        public float[] denormalize(float[] y) {
            float[] out = new float[y.length];
            for (int i = 0; i < y.length; i++) {
                int d = i % mean.length;
                out[i] = y[i] * Math.max(std[d], EPS) + mean[d];
            }
            return out;
        }
    }

    /** {@code MinMaxNormalizationLayer} / {@code MinMaxDenormalizationLayer}: mid = (min+max)/2, half ≥ EPS. */
    public record MinMax(float[] min, float[] max) {
        public float mid(int d) {
            return (min[d] + max[d]) / 2.0f;
        }

        public float half(int d) {
            return Math.max(0.5f * (max[d] - min[d]), EPS);
        }

        public float[] normalize(float[] x) {
            float[] out = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                int d = i % min.length;
                out[i] = (x[i] - mid(d)) / half(d);
            }
            return out;
        }

        public float[] denormalize(float[] y) {
            float[] out = new float[y.length];
            for (int i = 0; i < y.length; i++) {
                int d = i % min.length;
                out[i] = y[i] * half(d) + mid(d);
            }
            return out;
        }
    }

    /**
     * An {@code act_denorm_layer} on normalized actions {@code [..., A]}: a {@link Std} (IBC's
     * StdDenormalizationLayer), a {@link MinMax} (MinMaxDenormalizationLayer), or any
     * {@code UnaryOperator<INDArray>}; float32 in IBC's operation order.
     */
    @SuppressWarnings("unchecked")
    public static INDArray denormalizeActions(Object actDenormLayer, INDArray y) {
        if (actDenormLayer instanceof UnaryOperator<?> op) {
            return ((UnaryOperator<INDArray>) op).apply(y.dup('c'));
        }
        float[] v = y.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] x;
        if (actDenormLayer instanceof Std std) {
            x = std.denormalize(v);
        } else if (actDenormLayer instanceof MinMax mm) {
            x = mm.denormalize(v);
        } else {
            throw new IllegalArgumentException("act_denorm_layer: expected Normalizers.Std / MinMax or a "
                    + "UnaryOperator<INDArray>, got " + (actDenormLayer == null ? "None"
                    : actDenormLayer.getClass().getName()));
        }
        return Nd4j.create(x, y.shape(), 'c');
    }
}
