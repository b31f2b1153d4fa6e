package ibc4j.parity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Safe {@code .npy} reader: validates the header with {@link NpyHeader}, then decodes the little-endian C-order
 * data in Java and builds a C-order {@link INDArray}.
 *
 * <p>The data never goes through {@code Nd4j.createFromNpyFile}: a file that slipped past validation must still be
 * an exception, not a native abort, and decoding 5 dtypes by hand is simpler than proving cnpy safe.
 */
public final class Npy {
    private Npy() {}

    /** Reads {@code file} into an INDArray of the file's own dtype (FLOAT, DOUBLE, INT, LONG or BOOL). */
    public static INDArray read(Path file) {
        NpyHeader h = NpyHeader.read(file);
        if (h.dataBytes() > Integer.MAX_VALUE - 8) {
            throw new GoldenException(file + ": " + h.describe() + " is larger than 2 GB; not supported");
        }
        ByteBuffer data;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            data = NpyHeader.readFully(ch, h.dataOffset(), (int) h.dataBytes()).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new GoldenException(file + ": cannot read: " + e, e);
        }
        if (data.remaining() != h.dataBytes()) {   // the file shrank between the header check and now
            throw new GoldenException(file + ": truncated while reading");
        }
        return decode(h, data);
    }

    private static INDArray decode(NpyHeader h, ByteBuffer data) {
        long[] shape = h.shape();
        int n = (int) h.elementCount();
        switch (h.descr()) {
            case "<f4": {
                float[] a = new float[n];
                data.asFloatBuffer().get(a);
                return Nd4j.create(a, shape, DataType.FLOAT);
            }
            case "<f8": {
                double[] a = new double[n];
                data.asDoubleBuffer().get(a);
                return Nd4j.create(a, shape, DataType.DOUBLE);
            }
            case "<i4": {
                int[] a = new int[n];
                data.asIntBuffer().get(a);
                return Nd4j.create(a, shape, DataType.INT);
            }
            case "<i8": {
                long[] a = new long[n];
                data.asLongBuffer().get(a);
                return Nd4j.create(a, shape, DataType.LONG);
            }
            case "|b1": {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) {
                    byte b = data.get(i);
                    if (b != 0 && b != 1) {
                        throw new GoldenException(h.file() + ": bool element " + i + " has byte value " + b);
                    }
                    a[i] = b == 1;
                }
                return Nd4j.create(a, shape, DataType.BOOL);
            }
            default:
                throw new IllegalStateException("NpyHeader admitted descr " + h.descr());
        }
    }
}
