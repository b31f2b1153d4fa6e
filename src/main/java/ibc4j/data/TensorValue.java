package ibc4j.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * One decoded array: what tf-agents' {@code get_example_decoder} yields per leaf of the spec (a NumPy array
 * of the spec's dtype and shape), held as a flat C-order Java array (see {@link DType} for which array type).
 *
 * <p>Immutable: accessors return copies. Also serves as the minimum/maximum of a bounded spec.
 */
public final class TensorValue {
    private final DType dtype;
    private final int[] shape;
    private final Object data;

    private TensorValue(DType dtype, int[] shape, Object data) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
        int n = java.lang.reflect.Array.getLength(data);
        if (n != size(shape)) {
            throw new IllegalArgumentException(dtype + Arrays.toString(shape) + " needs " + size(shape)
                    + " values, got " + n);
        }
    }

    public static TensorValue ofFloats(int[] shape, float... values) {
        return new TensorValue(DType.FLOAT32, shape.clone(), values.clone());
    }

    public static TensorValue ofDoubles(int[] shape, double... values) {
        return new TensorValue(DType.FLOAT64, shape.clone(), values.clone());
    }

    public static TensorValue ofLongs(int[] shape, long... values) {
        return new TensorValue(DType.INT64, shape.clone(), values.clone());
    }

    /** For the dtypes held as {@code int[]}: int8/uint8/int16/uint16/int32, and float16 as raw bits. */
    public static TensorValue ofInts(DType dtype, int[] shape, int... values) {
        if (!dtype.heldAsInts()) {
            throw new IllegalArgumentException(dtype + " is not held in an int[]");
        }
        return new TensorValue(dtype, shape.clone(), values.clone());
    }

    /** A float32 scalar (shape {@code []}), as for reward and discount. */
    public static TensorValue scalar(float value) {
        return new TensorValue(DType.FLOAT32, new int[0], new float[] {value});
    }

    /** An int32 scalar, as for step types. */
    public static TensorValue scalarInt32(int value) {
        return new TensorValue(DType.INT32, new int[0], new int[] {value});
    }

    public DType dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    /** Number of elements: the product of the shape (1 for a scalar). */
    public int size() {
        return size(shape);
    }

    public float[] floats() {
        return ((float[]) expect(DType.FLOAT32)).clone();
    }

    public double[] doubles() {
        return ((double[]) expect(DType.FLOAT64)).clone();
    }

    public long[] longs() {
        return ((long[]) expect(DType.INT64)).clone();
    }

    public int[] ints() {
        if (!dtype.heldAsInts()) {
            throw new IllegalStateException("this is " + dtype + Arrays.toString(shape) + ", not held as int[]");
        }
        return ((int[]) data).clone();
    }

    /** Every element as a double (exact except int64 beyond 2^53 and float16, which gives its raw bits). */
    public double[] asDoubles() {
        double[] d = new double[size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = java.lang.reflect.Array.getDouble(data, i);
        }
        return d;
    }

    private Object expect(DType wanted) {
        if (dtype != wanted) {
            throw new IllegalStateException("this is " + dtype + Arrays.toString(shape) + ", not " + wanted);
        }
        return data;
    }

    /** The raw bytes {@code np.require(value, dtype=<dtype, little-endian>, requirements='C').tobytes()} gives. */
    public byte[] toLittleEndian() {
        ByteBuffer b = ByteBuffer.allocate(size() * dtype.itemSize()).order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case FLOAT32 -> b.asFloatBuffer().put((float[]) data);
            case FLOAT64 -> b.asDoubleBuffer().put((double[]) data);
            case INT64 -> b.asLongBuffer().put((long[]) data);
            case INT32 -> b.asIntBuffer().put((int[]) data);
            case INT16, UINT16, FLOAT16 -> {
                for (int v : (int[]) data) {
                    b.putShort((short) v);
                }
            }
            case INT8, UINT8 -> {
                for (int v : (int[]) data) {
                    b.put((byte) v);
                }
            }
        }
        return b.array();
    }

    /**
     * Reads {@code bytes} as a little-endian C-order array, as {@code tf.io.decode_raw} then {@code tf.reshape}.
     *
     * @throws IllegalArgumentException if the byte count is not {@code size(shape) * itemSize}
     */
    public static TensorValue fromLittleEndian(DType dtype, int[] shape, byte[] bytes) {
        int n = size(shape);
        if (bytes.length != n * dtype.itemSize()) {
            throw new IllegalArgumentException(bytes.length + " bytes cannot be " + dtype + Arrays.toString(shape)
                    + ", which takes " + n + " x " + dtype.itemSize() + " = " + n * dtype.itemSize() + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        Object data;
        switch (dtype) {
            case FLOAT32 -> {
                float[] a = new float[n];
                b.asFloatBuffer().get(a);
                data = a;
            }
            case FLOAT64 -> {
                double[] a = new double[n];
                b.asDoubleBuffer().get(a);
                data = a;
            }
            case INT64 -> {
                long[] a = new long[n];
                b.asLongBuffer().get(a);
                data = a;
            }
            case INT32 -> {
                int[] a = new int[n];
                b.asIntBuffer().get(a);
                data = a;
            }
            default -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = switch (dtype) {
                        case INT16 -> b.getShort();
                        case UINT16, FLOAT16 -> b.getShort() & 0xffff;
                        case INT8 -> b.get();
                        default -> b.get() & 0xff; // UINT8
                    };
                }
                data = a;
            }
        }
        return new TensorValue(dtype, shape.clone(), data);
    }

    /** Package-private: wraps {@code data} without copying (the codec's freshly decoded arrays). */
    static TensorValue wrap(DType dtype, int[] shape, Object data) {
        return new TensorValue(dtype, shape, data);
    }

    static int size(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorValue t && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && Objects.deepEquals(data, t.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape), Arrays.deepHashCode(new Object[] {data}));
    }

    /** {@code float32[2] [0.5, -0.25]}; long arrays are cut after 8 values. */
    @Override
    public String toString() {
        String values = switch (dtype) {
            case FLOAT32 -> Arrays.toString((float[]) data);
            case FLOAT64 -> Arrays.toString((double[]) data);
            case INT64 -> Arrays.toString((long[]) data);
            default -> Arrays.toString((int[]) data);
        };
        if (size() > 8) {
            values = values.substring(0, nthComma(values, 8)) + ", ... (" + size() + " values)]";
        }
        return dtype + Arrays.toString(shape) + " " + values;
    }

    private static int nthComma(String s, int n) {
        int at = -1;
        for (int i = 0; i < n; i++) {
            at = s.indexOf(',', at + 1);
        }
        return at;
    }
}
