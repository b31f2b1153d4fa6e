package ibc4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TFRecord framing: TF's bytes, both CRCs, and every way a file can be damaged. */
class TFRecordReaderTest {
    // tf.io.TFRecordWriter (TF 2.15.1) writing b"" then b"hello".
    private static final String TF_EMPTY_THEN_HELLO =
            "000000000000000029039807d8ea82a2" + "0500000000000000eab2043e68656c6c6fbb1f1c19";

    @TempDir
    Path tmp;

    @Test
    void crc32cAndMaskMatchTheReferenceValues() {
        CRC32C crc = new CRC32C();
        crc.update("123456789".getBytes(StandardCharsets.US_ASCII));
        assertEquals(0xe3069283L, crc.getValue()); // the CRC-32C check value (RFC 3720)
        // TF's empty-record length CRC, from the bytes above: mask(crc32c(8 zero bytes)).
        assertEquals(0x07980329, MaskedCrc32c.of(new byte[8], 0, 8));
    }

    @Test
    void writerProducesTensorFlowsBytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TFRecordWriter w = new TFRecordWriter(out)) {
            w.write(new byte[0]);
            w.write("hello".getBytes(StandardCharsets.US_ASCII));
        }
        assertEquals(TF_EMPTY_THEN_HELLO, HexFormat.of().formatHex(out.toByteArray()));
    }

    @Test
    void readerReadsTensorFlowsBytes() throws IOException {
        TFRecordReader r = reader(HexFormat.of().parseHex(TF_EMPTY_THEN_HELLO));
        assertArrayEquals(new byte[0], r.read());
        assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), r.read());
        assertNull(r.read());
        assertEquals(2, r.recordsRead());
        assertEquals(37, r.offset());
    }

    @Test
    void emptyFileHasNoRecords() throws IOException {
        Path empty = Files.createFile(tmp.resolve("empty.tfrecord"));
        assertEquals(0, TFRecordReader.count(empty));
        assertEquals(List.of(), TFRecordReader.readAll(empty));
        try (TFRecordReader r = TFRecordReader.open(empty)) {
            assertTrue(!r.iterator().hasNext());
        }
    }

    @Test
    void rewritingIbcsKitchenFileGivesTheSameBytes() throws IOException {
        Path kitchen = TestData.require(TestData.KITCHEN);
        List<byte[]> records = new ArrayList<>();
        try (TFRecordReader r = TFRecordReader.open(kitchen)) {
            r.forEach(records::add); // the streaming iterator
        }
        assertEquals(755, records.size());
        Path copy = tmp.resolve("copy.tfrecord");
        TFRecordWriter.writeAll(copy, records);
        assertArrayEquals(Files.readAllBytes(kitchen), Files.readAllBytes(copy));
    }

    @Test
    void flippedDataByteIsADataCrcErrorNamingRecordAndOffset() throws IOException {
        byte[] file = threeRecords();
        file[recordOffset(1) + 12 + 2] ^= 0x01; // a data byte of record 1
        Path p = write("data.tfrecord", file);
        TFRecordException e = readAllExpectingError(p);
        assertEquals(TFRecordException.Problem.DATA_CRC, e.problem());
        assertEquals(1, e.recordIndex());
        assertEquals(recordOffset(1), e.recordOffset());
        assertEquals(p.toString(), e.file());
        assertTrue(e.getMessage().startsWith(p + ": record 1 at byte offset " + recordOffset(1) + ": data CRC mismatch"),
                e.getMessage());
    }

    @Test
    void flippedLengthByteIsALengthCrcError() throws IOException {
        byte[] file = threeRecords();
        file[recordOffset(2)] ^= 0x40;
        TFRecordException e = readAllExpectingError(write("length.tfrecord", file));
        assertEquals(TFRecordException.Problem.LENGTH_CRC, e.problem());
        assertEquals(2, e.recordIndex());
        assertEquals(recordOffset(2), e.recordOffset());
        assertTrue(e.getMessage().contains("length CRC mismatch"), e.getMessage());
    }

    @Test
    void flippedDataCrcByteIsADataCrcError() throws IOException {
        byte[] file = threeRecords();
        file[recordOffset(1) - 1] ^= (byte) 0x80; // last byte of record 0's data CRC
        TFRecordException e = readAllExpectingError(write("crc.tfrecord", file));
        assertEquals(TFRecordException.Problem.DATA_CRC, e.problem());
        assertEquals(0, e.recordIndex());
        assertEquals(0, e.recordOffset());
    }

    @Test
    void truncationInsideDataSaysWhereAndHowMuchIsMissing() throws IOException {
        byte[] file = threeRecords();
        int cut = recordOffset(2) + 12 + 3; // 3 of record 2's 30 data bytes survive
        Path p = write("cut.tfrecord", Arrays.copyOf(file, cut));
        TFRecordException e = readAllExpectingError(p);
        assertEquals(TFRecordException.Problem.TRUNCATED, e.problem());
        assertEquals(2, e.recordIndex());
        assertEquals(recordOffset(2), e.recordOffset());
        assertEquals("truncated: the file ends at byte offset " + cut + ", inside its 30 data bytes;"
                + " 31 more bytes were needed to finish the record", e.detail());
    }

    @Test
    void truncationInsideHeaderOrFooterIsATruncationError() throws IOException {
        byte[] file = threeRecords();
        TFRecordException header = readAllExpectingError(write("h.tfrecord", Arrays.copyOf(file, recordOffset(1) + 5)));
        assertEquals(TFRecordException.Problem.TRUNCATED, header.problem());
        assertEquals(1, header.recordIndex());
        assertTrue(header.detail().contains("inside its 12-byte header") && header.detail().contains("7 more bytes"),
                header.detail());
        TFRecordException footer = readAllExpectingError(write("f.tfrecord", Arrays.copyOf(file, file.length - 1)));
        assertEquals(2, footer.recordIndex());
        assertTrue(footer.detail().contains("inside its 4-byte data CRC; 1 more byte was needed"), footer.detail());
    }

    @Test
    void recordsBeforeTheDamageAreReturnedAndNoPartialRecordIs() throws IOException {
        byte[] file = threeRecords();
        try (TFRecordReader r = reader(Arrays.copyOf(file, file.length - 2))) {
            assertEquals(10, r.read().length);
            assertEquals(20, r.read().length);
            assertThrows(TFRecordException.class, r::read);
            assertEquals(2, r.recordsRead());
        }
    }

    @Test
    void iteratorWrapsTheErrorWithItsFieldsInTheCause() {
        byte[] file = threeRecords();
        file[recordOffset(1) + 12] ^= 0x01;
        TFRecordReader r = reader(file);
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> r.forEach(rec -> { }));
        TFRecordException cause = assertInstanceOf(TFRecordException.class, e.getCause());
        assertEquals(1, cause.recordIndex());
    }

    /** Records of 10, 20 and 30 bytes: each takes 16 bytes of framing. */
    private static byte[] threeRecords() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TFRecordWriter w = new TFRecordWriter(out)) {
            for (int n = 10; n <= 30; n += 10) {
                byte[] data = new byte[n];
                Arrays.fill(data, (byte) n);
                w.write(data);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static int recordOffset(int index) {
        return new int[] {0, 26, 62}[index];
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(tmp.resolve(name), bytes);
    }

    private static TFRecordReader reader(byte[] bytes) {
        return new TFRecordReader(new ByteArrayInputStream(bytes), "mem");
    }

    private static TFRecordException readAllExpectingError(Path p) {
        return assertThrows(TFRecordException.class, () -> TFRecordReader.readAll(p));
    }
}
