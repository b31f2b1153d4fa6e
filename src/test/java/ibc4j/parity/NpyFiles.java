package ibc4j.parity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test helper that writes .npy files byte by byte, including the broken ones numpy itself would never write. */
final class NpyFiles {
    private NpyFiles() {}

    /** A valid little-endian C-order float32 file. */
    static Path float32(Path file, long[] shape, float... values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return write(file, header("<f4", false, shape), b.array());
    }

    /** A valid int32 file. */
    static Path int32(Path file, long[] shape, int... values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return write(file, header("<i4", false, shape), b.array());
    }

    /** The dict numpy writes, e.g. {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}. */
    static String header(String descr, boolean fortran, long[] shape) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        s.append(shape.length == 1 ? ",)" : ")");
        return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + s + ", }";
    }

    /** Version 1.0 file: magic, 2-byte header length, header padded to 64 bytes with spaces and '\n', data. */
    static Path write(Path file, String header, byte[] data) throws IOException {
        int pre = 10;
        int total = pre + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        String h = header + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(pre + h.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        b.putShort((short) h.length());
        b.put(h.getBytes(StandardCharsets.ISO_8859_1));
        b.put(data);
        Files.createDirectories(file.getParent());
        return Files.write(file, b.array());
    }
}
