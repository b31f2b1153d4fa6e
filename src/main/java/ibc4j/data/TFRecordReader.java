package ibc4j.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Streaming reader of TensorFlow's uncompressed TFRecord format, as {@code tf.data.TFRecordDataset} and
 * {@code tensorflow/core/lib/io/record_reader.cc} read it.
 *
 * <p>Each record is {@code uint64 length} (little-endian), {@code uint32} masked CRC-32C of those 8 bytes,
 * {@code length} data bytes, {@code uint32} masked CRC-32C of the data. Both CRCs are checked. A file that ends
 * exactly between records ends cleanly (an empty file has zero records); one that ends anywhere else, or whose
 * CRCs do not match, raises {@link TFRecordException} naming the file, the record index and its byte offset.
 * No partial record is ever returned. Records are read one at a time, so files need not fit in memory.
 */
public final class TFRecordReader implements Iterable<byte[]>, Closeable {
    static final int HEADER_BYTES = 12;
    static final int FOOTER_BYTES = 4;
    // Largest array the JVM will allocate; TF's own limit is the uint64, which Java cannot hold in one array.
    private static final long MAX_RECORD_BYTES = Integer.MAX_VALUE - 8;

    private final InputStream in;
    private final String name;
    private long offset;
    private long index;

    /** Reads from {@code in}; {@code name} stands for the file in error messages. */
    public TFRecordReader(InputStream in, String name) {
        this.in = in;
        this.name = name;
    }

    /** Opens {@code file} for reading. */
    public static TFRecordReader open(Path file) throws IOException {
        return new TFRecordReader(new BufferedInputStream(Files.newInputStream(file), 1 << 16), file.toString());
    }

    /** Every record of {@code file}, in order. Loads them all: prefer iterating for large files. */
    public static List<byte[]> readAll(Path file) throws IOException {
        List<byte[]> records = new ArrayList<>();
        try (TFRecordReader reader = open(file)) {
            for (byte[] r = reader.read(); r != null; r = reader.read()) {
                records.add(r);
            }
        }
        return records;
    }

    /** The number of records in {@code file}, with every CRC checked. */
    public static long count(Path file) throws IOException {
        try (TFRecordReader reader = open(file)) {
            while (reader.read() != null) {
                // counting is reading: the CRCs are verified on the way
            }
            return reader.recordsRead();
        }
    }

    /**
     * The next record's data, or {@code null} when the input ends exactly after the previous record.
     *
     * @throws TFRecordException if the next record is truncated or fails a CRC; the reader should not be used
     *                           after that, as TF cannot resynchronise either (a bad length hides the next start)
     */
    public byte[] read() throws IOException {
        long start = offset;
        byte[] header = new byte[HEADER_BYTES];
        int got = in.readNBytes(header, 0, HEADER_BYTES);
        if (got == 0) {
            return null;
        }
        if (got < HEADER_BYTES) {
            throw truncated(start, got, "its 12-byte header (length + length CRC)", HEADER_BYTES - got);
        }
        long length = littleEndianLong(header, 0);
        int storedLengthCrc = littleEndianInt(header, 8);
        int lengthCrc = MaskedCrc32c.of(header, 0, 8);
        if (storedLengthCrc != lengthCrc) {
            throw new TFRecordException(name, index, start, TFRecordException.Problem.LENGTH_CRC,
                    "length CRC mismatch (stored " + MaskedCrc32c.hex(storedLengthCrc) + ", computed "
                            + MaskedCrc32c.hex(lengthCrc) + "): the 8-byte length field is damaged,"
                            + " so the record's end cannot be found");
        }
        if (length < 0 || length > MAX_RECORD_BYTES) {
            throw new TFRecordException(name, index, start, TFRecordException.Problem.TOO_LARGE,
                    "record length " + Long.toUnsignedString(length) + " bytes exceeds the " + MAX_RECORD_BYTES
                            + " a Java array can hold");
        }
        // readNBytes(int) grows its buffer as data arrives, so a damaged-but-CRC-valid huge length in a short
        // file costs no more memory than the file has.
        byte[] data = in.readNBytes((int) length);
        if (data.length < length) {
            throw truncated(start, HEADER_BYTES + data.length,
                    "its " + length + " data bytes", length - data.length + FOOTER_BYTES);
        }
        byte[] footer = in.readNBytes(FOOTER_BYTES);
        if (footer.length < FOOTER_BYTES) {
            throw truncated(start, HEADER_BYTES + length + footer.length, "its 4-byte data CRC",
                    FOOTER_BYTES - footer.length);
        }
        int storedDataCrc = littleEndianInt(footer, 0);
        int dataCrc = MaskedCrc32c.of(data, 0, data.length);
        if (storedDataCrc != dataCrc) {
            throw new TFRecordException(name, index, start, TFRecordException.Problem.DATA_CRC,
                    "data CRC mismatch (stored " + MaskedCrc32c.hex(storedDataCrc) + ", computed "
                            + MaskedCrc32c.hex(dataCrc) + ") over the " + length + " data bytes at offsets "
                            + (start + HEADER_BYTES) + ".." + (start + HEADER_BYTES + length - 1));
        }
        offset = start + HEADER_BYTES + length + FOOTER_BYTES;
        index++;
        return data;
    }

    private TFRecordException truncated(long start, long readInRecord, String where, long missing) {
        return new TFRecordException(name, index, start, TFRecordException.Problem.TRUNCATED,
                "truncated: the file ends at byte offset " + (start + readInRecord) + ", inside " + where + "; "
                        + missing + " more byte" + (missing == 1 ? " was" : "s were") + " needed to finish the record");
    }

    /** Records returned so far. */
    public long recordsRead() {
        return index;
    }

    /** Byte offset of the next record, i.e. just past the last record returned. */
    public long offset() {
        return offset;
    }

    /**
     * Iterates the remaining records. Iterators cannot throw checked exceptions, so a {@link TFRecordException}
     * (or any I/O error) arrives wrapped in an {@link UncheckedIOException}; its cause carries the fields.
     */
    @Override
    public Iterator<byte[]> iterator() {
        return new Iterator<>() {
            private byte[] next;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (next == null && !done) {
                    try {
                        next = read();
                    } catch (IOException e) {
                        done = true;
                        throw new UncheckedIOException(e.getMessage(), e);
                    }
                    done = next == null;
                }
                return next != null;
            }

            @Override
            public byte[] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException(name + ": no record after record " + (index - 1));
                }
                byte[] r = next;
                next = null;
                return r;
            }
        };
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    static long littleEndianLong(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xffL);
        }
        return v;
    }

    static int littleEndianInt(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }
}
