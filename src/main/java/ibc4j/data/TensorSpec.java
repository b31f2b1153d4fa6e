package ibc4j.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * A leaf of a data spec: TF's {@code tf.TensorSpec}, or {@code BoundedTensorSpec} when it has bounds (tf-agents'
 * {@code tensor_spec.BoundedTensorSpec} is TF's). Equality follows Python's: name, shape, dtype and bounds.
 *
 * @param name    the spec's name, {@code null} for Python's {@code None} (stored as "" in the proto)
 * @param shape   dimensions, outermost first; {@code []} is a scalar, -1 an unknown dimension
 * @param dtype   element type
 * @param minimum inclusive lower bound, a scalar or an array of {@code shape}; {@code null} if unbounded
 * @param maximum inclusive upper bound, likewise; set exactly when {@code minimum} is
 */
public record TensorSpec(String name, int[] shape, DType dtype, TensorValue minimum, TensorValue maximum)
        implements SpecNode {

    public TensorSpec {
        shape = shape.clone();
        Objects.requireNonNull(dtype, "dtype");
        if ((minimum == null) != (maximum == null)) {
            throw new IllegalArgumentException("spec '" + name + "': a bounded spec needs both minimum and maximum");
        }
    }

    /** An unbounded {@code TensorSpec(shape, dtype, name)}. */
    public static TensorSpec of(String name, DType dtype, int... shape) {
        return new TensorSpec(name, shape, dtype, null, null);
    }

    /** A float32 {@code BoundedTensorSpec} with scalar bounds, the form IBC's environments declare. */
    public static TensorSpec bounded(String name, float minimum, float maximum, int... shape) {
        return new TensorSpec(name, shape, DType.FLOAT32, TensorValue.scalar(minimum), TensorValue.scalar(maximum));
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public boolean isBounded() {
        return minimum != null;
    }

    /** Elements per value: the product of the shape, 1 for a scalar. */
    public int size() {
        return TensorValue.size(shape);
    }

    /** {@code float32[2]}: dtype and shape, as error messages print them. */
    public String describe() {
        return dtype + Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec s && Objects.equals(name, s.name) && Arrays.equals(shape, s.shape)
                && dtype == s.dtype && Objects.equals(minimum, s.minimum) && Objects.equals(maximum, s.maximum);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(shape), dtype, minimum, maximum);
    }

    /** Python's repr, near enough: {@code BoundedTensorSpec(shape=[2], dtype=float32, name='action', ...)}. */
    @Override
    public String toString() {
        String head = (isBounded() ? "BoundedTensorSpec" : "TensorSpec") + "(shape=" + Arrays.toString(shape)
                + ", dtype=" + dtype + ", name=" + (name == null ? "None" : "'" + name + "'");
        return isBounded() ? head + ", minimum=" + minimum + ", maximum=" + maximum + ")" : head + ")";
    }
}
