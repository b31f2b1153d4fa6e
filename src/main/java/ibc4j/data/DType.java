package ibc4j.data;

import ibc4j.data.proto.DataType;

/**
 * The dtypes tf-agents' example encoder accepts ({@code example_encoding._validate_dtype}), with their
 * {@code tensorflow.DataType} number and NumPy name.
 *
 * <p>In Java, values are held widened: float32 in {@code float[]}, float64 in {@code double[]}, int64 in
 * {@code long[]}, and int8/uint8/int16/uint16/int32 in {@code int[]} (unsigned types as their non-negative
 * value). float16 is kept as its raw 16 bits in an {@code int[]}: nothing in IBC uses it, and keeping the bits
 * makes it lossless both ways without a half-precision rounding routine.
 */
public enum DType {
    FLOAT16(DataType.DT_HALF, "float16", 2),
    FLOAT32(DataType.DT_FLOAT, "float32", 4),
    FLOAT64(DataType.DT_DOUBLE, "float64", 8),
    UINT8(DataType.DT_UINT8, "uint8", 1),
    INT8(DataType.DT_INT8, "int8", 1),
    UINT16(DataType.DT_UINT16, "uint16", 2),
    INT16(DataType.DT_INT16, "int16", 2),
    INT32(DataType.DT_INT32, "int32", 4),
    INT64(DataType.DT_INT64, "int64", 8);

    private final DataType proto;
    private final String numpyName;
    private final int itemSize;

    DType(DataType proto, String numpyName, int itemSize) {
        this.proto = proto;
        this.numpyName = numpyName;
        this.itemSize = itemSize;
    }

    public DataType proto() {
        return proto;
    }

    /** {@code float32}, {@code int32}, ...: the spelling tf-agents and NumPy print. */
    public String numpyName() {
        return numpyName;
    }

    /** Bytes per element in the little-endian raw form ({@code np.ndarray.tobytes}). */
    public int itemSize() {
        return itemSize;
    }

    /** True for the dtypes held in an {@code int[]}. */
    public boolean heldAsInts() {
        return this != FLOAT32 && this != FLOAT64 && this != INT64;
    }

    /**
     * The DType for a {@code tensorflow.DataType} number.
     *
     * @param where names the spec entry, for the error message
     * @throws IllegalArgumentException for dtypes tf-agents cannot encode (string, bool, complex, ...)
     */
    public static DType fromProto(int dataTypeNumber, String where) {
        for (DType d : values()) {
            if (d.proto.getNumber() == dataTypeNumber) {
                return d;
            }
        }
        DataType known = DataType.forNumber(dataTypeNumber);
        throw new IllegalArgumentException(where + ": dtype " + (known != null ? known.name() : "#" + dataTypeNumber)
                + " is not one tf-agents' example encoder supports"
                + " (float16, float32, float64, uint8, int8, uint16, int16, int32, int64)");
    }

    @Override
    public String toString() {
        return numpyName;
    }
}
