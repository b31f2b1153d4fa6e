package ibc4j.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The .npy reader on valid files and on the files that would abort or silently scramble ND4J's own reader: every
 * bad file must be a {@link GoldenException} naming it, and the JVM must survive to run the next test.
 */
class NpyTest {
    @TempDir
    Path dir;

    @Test
    void readsFloat32InCOrder() throws IOException {
        Path f = NpyFiles.float32(dir.resolve("a.npy"), new long[] {2, 3}, 0, 1, 2, 3, 4, 5);
        INDArray a = Npy.read(f);
        assertEquals(DataType.FLOAT, a.dataType());
        assertArrayEquals(new long[] {2, 3}, a.shape());
        assertEquals(3f, a.getFloat(1, 0), "row-major: [1,0] is the 4th value");
        assertEquals(5f, a.getFloat(1, 2));
    }

    @Test
    void readsInt32Int64Float64BoolAndScalars() throws IOException {
        INDArray i = Npy.read(NpyFiles.int32(dir.resolve("i.npy"), new long[] {3}, 7, -8, 9));
        assertEquals(DataType.INT, i.dataType());
        assertEquals(-8, i.getInt(1));

        ByteBuffer l = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).putLong(-2);
        INDArray li = Npy.read(NpyFiles.write(dir.resolve("l.npy"), NpyFiles.header("<i8", false, new long[] {2}), l.array()));
        assertEquals(DataType.LONG, li.dataType());
        assertEquals(1L << 40, li.getLong(0));

        ByteBuffer d = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1);
        INDArray s = Npy.read(NpyFiles.write(dir.resolve("s.npy"), NpyFiles.header("<f8", false, new long[0]), d.array()));
        assertEquals(DataType.DOUBLE, s.dataType());
        assertEquals(0, s.rank());
        assertEquals(0.1, s.getDouble(0));

        INDArray b = Npy.read(NpyFiles.write(dir.resolve("b.npy"), NpyFiles.header("|b1", false, new long[] {3}),
                new byte[] {1, 0, 1}));
        assertEquals(DataType.BOOL, b.dataType());
        assertEquals(0, b.getInt(1));
        assertEquals(1, b.getInt(2));
    }

    @Test
    void bigEndianIsAnExceptionNotAJvmAbort() throws IOException {
        Path f = NpyFiles.write(dir.resolve("be.npy"), NpyFiles.header(">f4", false, new long[] {2}), new byte[8]);
        GoldenException e = assertThrows(GoldenException.class, () -> Npy.read(f));
        assertEquals(f + ": big-endian dtype '>f4' is not supported (ND4J's reader would abort the JVM); re-save with "
                + "np.ascontiguousarray(x).astype('<f4')", e.getMessage());
    }

    @Test
    void fortranOrderIsRejectedRatherThanScrambled() throws IOException {
        Path f = NpyFiles.write(dir.resolve("f.npy"), NpyFiles.header("<f4", true, new long[] {2, 2}), new byte[16]);
        GoldenException e = assertThrows(GoldenException.class, () -> Npy.read(f));
        assertEquals(f + ": fortran_order=True is not supported (ND4J would read it silently scrambled); re-save with "
                + "np.ascontiguousarray(x)", e.getMessage());
    }

    @Test
    void truncatedDataIsReportedWithBothSizes() throws IOException {
        Path f = NpyFiles.write(dir.resolve("t.npy"), NpyFiles.header("<f4", false, new long[] {2, 3}), new byte[8]);
        GoldenException e = assertThrows(GoldenException.class, () -> Npy.read(f));
        assertEquals(f + ": truncated: the header declares float32 [2,3] = 24 data bytes, the file has 8", e.getMessage());
    }

    @Test
    void truncatedHeaderAndNonNpyFiles() throws IOException {
        Path cut = dir.resolve("cut.npy");
        byte[] whole = Files.readAllBytes(NpyFiles.float32(dir.resolve("ok.npy"), new long[] {1}, 1f));
        Files.write(cut, java.util.Arrays.copyOf(whole, 30));
        GoldenException e1 = assertThrows(GoldenException.class, () -> Npy.read(cut));
        assertTrue(e1.getMessage().startsWith(cut + ": truncated header: it declares 118 header bytes"), e1.getMessage());

        Path tiny = Files.write(dir.resolve("tiny.npy"), new byte[] {(byte) 0x93, 'N'});
        GoldenException e2 = assertThrows(GoldenException.class, () -> Npy.read(tiny));
        assertEquals(tiny + ": not a .npy file (missing the \\x93NUMPY magic; 2 bytes)", e2.getMessage());

        Path text = Files.writeString(dir.resolve("text.npy"), "hello, this is not numpy");
        assertThrows(GoldenException.class, () -> Npy.read(text));
    }

    @Test
    void unsupportedDtypeAndTrailingBytes() throws IOException {
        Path half = NpyFiles.write(dir.resolve("h.npy"), NpyFiles.header("<f2", false, new long[] {2}), new byte[4]);
        GoldenException e1 = assertThrows(GoldenException.class, () -> Npy.read(half));
        assertEquals(half + ": unsupported dtype '<f2' (supported: <f4 <f8 <i4 <i8 |b1)", e1.getMessage());

        Path extra = NpyFiles.write(dir.resolve("x.npy"), NpyFiles.header("<f4", false, new long[] {1}), new byte[6]);
        GoldenException e2 = assertThrows(GoldenException.class, () -> Npy.read(extra));
        assertEquals(extra + ": 2 unexpected trailing bytes after float32 [1]", e2.getMessage());
    }

    @Test
    void missingFileNamesIt() {
        Path f = dir.resolve("nope.npy");
        GoldenException e = assertThrows(GoldenException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().startsWith(f + ": cannot read"), e.getMessage());
    }
}
