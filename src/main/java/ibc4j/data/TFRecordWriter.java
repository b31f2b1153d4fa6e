package ibc4j.data;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writer of TensorFlow's uncompressed TFRecord format, byte for byte as {@code tf.io.TFRecordWriter}
 * ({@code tensorflow/core/lib/io/record_writer.cc}) writes it: per record {@code uint64 length} (little-endian),
 * masked CRC-32C of the length bytes, the data, masked CRC-32C of the data.
 */
public final class TFRecordWriter implements Closeable, Flushable {
    private final OutputStream out;

    /** Writes to {@code out}, which this writer closes. */
    public TFRecordWriter(OutputStream out) {
        this.out = out;
    }

    /** Creates (or truncates) {@code file}, as {@code tf.io.TFRecordWriter(path)} does. */
    public static TFRecordWriter create(Path file) throws IOException {
        return new TFRecordWriter(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
    }

    /** Writes {@code records} to a new {@code file}. */
    public static void writeAll(Path file, Iterable<byte[]> records) throws IOException {
        try (TFRecordWriter writer = create(file)) {
            for (byte[] r : records) {
                writer.write(r);
            }
        }
    }

    /** Appends one record. */
    public void write(byte[] data) throws IOException {
        write(data, 0, data.length);
    }

    /** Appends one record holding {@code len} bytes of {@code data} from {@code off}. */
    public void write(byte[] data, int off, int len) throws IOException {
        byte[] header = new byte[TFRecordReader.HEADER_BYTES];
        putLittleEndian(header, 0, len, 8);
        putLittleEndian(header, 8, MaskedCrc32c.of(header, 0, 8), 4);
        byte[] footer = new byte[TFRecordReader.FOOTER_BYTES];
        putLittleEndian(footer, 0, MaskedCrc32c.of(data, off, len), 4);
        out.write(header);
        out.write(data, off, len);
        out.write(footer);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private static void putLittleEndian(byte[] b, int off, long value, int bytes) {
        for (int i = 0; i < bytes; i++) {
            b[off + i] = (byte) (value >>> (8 * i));
        }
    }
}
