package ibc4j.agents;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A NaN or an infinity where training needs finite numbers (IBC's {@code tf.debugging.check_numerics} on the
 * loss, extended to gradients and weights); the message names the training step, the tensor and the first bad
 * element.
 */
public final class NonFiniteException extends ArithmeticException {
    private final long step;
    private final String tensor;

    private NonFiniteException(long step, String tensor, String message) {
        super(message);
        this.step = step;
        this.tensor = tensor;
    }

    /** The training step (0-based count of updates before it) at which it happened. */
    public long step() {
        return step;
    }

    /** What was not finite, e.g. {@code total_loss} or {@code gradient of proj_kernel}. */
    public String tensor() {
        return tensor;
    }

    /** Throws when {@code x} holds a NaN or an infinity. */
    static void check(long step, String tensor, INDArray x) {
        double[] v = x.dup('c').castTo(DataType.DOUBLE).data().asDouble();
        int bad = 0;
        int first = -1;
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                bad++;
                first = first < 0 ? i : first;
            }
        }
        if (bad > 0) {
            throw new NonFiniteException(step, tensor, "train step " + step + ": " + tensor + " has " + bad
                    + " non-finite value" + (bad == 1 ? "" : "s") + "; first " + v[first] + " at "
                    + Arrays.toString(index(first, x.shape())));
        }
    }

    /** For a scalar that is not finite, with a detail (e.g. which per-example loss caused it) or null. */
    static NonFiniteException of(long step, String tensor, INDArray value, String detail) {
        return new NonFiniteException(step, tensor, "train step " + step + ": " + tensor + " is "
                + value.getDouble(0) + (detail == null ? "" : " (" + detail + ")"));
    }

    private static long[] index(long flat, long[] shape) {
        long[] idx = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }
}
