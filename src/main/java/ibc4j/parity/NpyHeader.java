package ibc4j.parity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The validated header of one {@code .npy} file: dtype, C-order shape and where the data starts.
 *
 * <p>Validation happens here, in Java, before any byte reaches ND4J, because ND4J's own reader (libnd4j's cnpy)
 * aborts the whole JVM on a big-endian file and silently scrambles a {@code fortran_order=True} one
 * (docs: dl4j-lab.md section 2). Every problem becomes a {@link GoldenException} that starts with the file name.
 *
 * @param file         the file the header was read from
 * @param descr        numpy dtype string, one of {@link #SUPPORTED}
 * @param shape        C-order shape; {@code []} for a 0-d scalar
 * @param dataOffset   byte offset of the first element
 */
public record NpyHeader(Path file, String descr, long[] shape, long dataOffset) {

    /** numpy descr → the dtype name the manifest uses. Little-endian only; {@code |b1} has no byte order. */
    public static final Map<String, String> SUPPORTED = Map.of(
            "<f4", "float32", "<f8", "float64", "<i4", "int32", "<i8", "int64", "|b1", "bool");

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    // A real header is a few hundred bytes; a huge length means a corrupt file, not a big header.
    private static final int MAX_HEADER_BYTES = 1 << 20;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** Reads and validates the header of {@code file}, including that the file holds exactly the declared data. */
    public static NpyHeader read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer pre = readFully(ch, 0, (int) Math.min(12, size));
            if (pre.limit() < 10 || !hasMagic(pre)) {
                throw bad(file, "not a .npy file (missing the \\x93NUMPY magic; " + size + " bytes)");
            }
            int major = pre.get(6) & 0xff;
            int minor = pre.get(7) & 0xff;
            long headerLen;
            int lenBytes;
            if (major == 1) {
                lenBytes = 2;
                headerLen = pre.order(ByteOrder.LITTLE_ENDIAN).getShort(8) & 0xffff;
            } else if (major == 2 || major == 3) {
                if (pre.limit() < 12) {
                    throw bad(file, "truncated header (" + size + " bytes)");
                }
                lenBytes = 4;
                headerLen = pre.order(ByteOrder.LITTLE_ENDIAN).getInt(8) & 0xffffffffL;
            } else {
                throw bad(file, "unsupported .npy format version " + major + "." + minor + " (supported: 1.0, 2.0, 3.0)");
            }
            long dataOffset = 8 + lenBytes + headerLen;
            if (headerLen > MAX_HEADER_BYTES || dataOffset > size) {
                throw bad(file, "truncated header: it declares " + headerLen + " header bytes, the file has " + size);
            }
            ByteBuffer h = readFully(ch, 8 + lenBytes, (int) headerLen);
            // Format 3.0 allows utf-8 in the header (field names); 1.0/2.0 are latin-1. Neither matters for the keys.
            String text = new String(h.array(), 0, h.limit(),
                    major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            NpyHeader header = parse(file, text, dataOffset);
            long expected = dataOffset + header.dataBytes();
            if (size < expected) {
                throw bad(file, "truncated: the header declares " + header.describe() + " = " + header.dataBytes()
                        + " data bytes, the file has " + (size - dataOffset));
            }
            if (size > expected) {
                throw bad(file, (size - expected) + " unexpected trailing bytes after " + header.describe());
            }
            return header;
        } catch (IOException e) {
            throw new GoldenException(file + ": cannot read: " + e, e);
        }
    }

    private static NpyHeader parse(Path file, String text, long dataOffset) {
        String dict = text.strip();
        Matcher d = DESCR.matcher(dict);
        if (!d.find()) {
            throw bad(file, "header has no simple 'descr' string (structured dtypes are not supported): " + dict);
        }
        String descr = d.group(1);
        if (!SUPPORTED.containsKey(descr)) {
            if (descr.startsWith(">")) {
                throw bad(file, "big-endian dtype '" + descr + "' is not supported (ND4J's reader would abort the JVM);"
                        + " re-save with np.ascontiguousarray(x).astype('<" + descr.substring(1) + "')");
            }
            throw bad(file, "unsupported dtype '" + descr + "' (supported: <f4 <f8 <i4 <i8 |b1)");
        }
        Matcher f = FORTRAN.matcher(dict);
        if (!f.find()) {
            throw bad(file, "header has no 'fortran_order': " + dict);
        }
        if (f.group(1).equals("True")) {
            throw bad(file, "fortran_order=True is not supported (ND4J would read it silently scrambled);"
                    + " re-save with np.ascontiguousarray(x)");
        }
        Matcher s = SHAPE.matcher(dict);
        if (!s.find()) {
            throw bad(file, "header has no 'shape' tuple: " + dict);
        }
        return new NpyHeader(file, descr, parseShape(file, s.group(1)), dataOffset);
    }

    private static long[] parseShape(Path file, String tuple) {
        String body = tuple.strip();
        if (body.isEmpty()) {
            return new long[0];
        }
        String[] parts = body.split(",");
        int n = parts[parts.length - 1].isBlank() ? parts.length - 1 : parts.length;   // "(8,)" has a trailing comma
        long[] shape = new long[n];
        for (int i = 0; i < n; i++) {
            try {
                // numpy 1.x on Windows wrote "8L"; harmless to accept.
                shape[i] = Long.parseLong(parts[i].strip().replaceFirst("[lL]$", ""));
            } catch (NumberFormatException e) {
                throw bad(file, "bad shape (" + tuple + ")");
            }
            if (shape[i] < 0) {
                throw bad(file, "negative dimension in shape (" + tuple + ")");
            }
        }
        return shape;
    }

    private static boolean hasMagic(ByteBuffer b) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (b.get(i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    static ByteBuffer readFully(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (ch.read(buf, position + buf.position()) < 0) {
                break;
            }
        }
        buf.flip();
        return buf;
    }

    private static GoldenException bad(Path file, String what) {
        return new GoldenException(file + ": " + what);
    }

    /** The manifest's name for this dtype: float32, float64, int32, int64 or bool. */
    public String dtypeName() {
        return SUPPORTED.get(descr);
    }

    /** Bytes per element. */
    public int itemSize() {
        return descr.equals("|b1") ? 1 : Integer.parseInt(descr.substring(2));
    }

    /** Number of elements (1 for a 0-d scalar). */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Bytes of data the header promises. */
    public long dataBytes() {
        return Math.multiplyExact(elementCount(), itemSize());
    }

    /** {@code float32 [4608,16]}, for messages. */
    public String describe() {
        return dtypeName() + " " + Fmt.shape(shape);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyHeader h && h.file.equals(file) && h.descr.equals(descr)
                && Arrays.equals(h.shape, shape) && h.dataOffset == dataOffset;
    }

    @Override
    public int hashCode() {
        return file.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return file + " (" + descr + " " + Fmt.shape(shape) + ")";
    }
}
