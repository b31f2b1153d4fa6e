package ibc4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import ibc4j.data.TFRecordReader;
import ibc4j.data.TFRecordWriter;
import ibc4j.data.proto.DataType;
import ibc4j.data.proto.Event;
import ibc4j.data.proto.Summary;
import ibc4j.data.proto.SummaryMetadata;
import ibc4j.data.proto.TensorProto;
import ibc4j.data.proto.TensorShapeProto;
import ibc4j.train.TensorBoardReader.Scalar;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorBoardReaderTest {
    @TempDir
    Path dir;

    /** The file TF 2.15.1 wrote (see the README beside it): TF2 tensor scalars plus a text summary. */
    @Test
    void readsTheScalarsTensorFlowWrote() throws Exception {
        Map<String, List<Scalar>> s = TensorBoardReader.readScalars(fixture());
        assertEquals(List.of("Losses/total_loss", "AggregatedMetrics/AverageSuccessMetric"), List.copyOf(s.keySet()),
                "the text summary 'operative_config' is not a scalar");
        List<Scalar> loss = s.get("Losses/total_loss");
        assertEquals(List.of(0L, 100L, 200L), loss.stream().map(Scalar::step).toList());
        assertEquals(List.of(2f, 1f, 2f / 3f), loss.stream().map(Scalar::value).toList());
        assertEquals(List.of(0f, 0.25f, 0.5f),
                s.get("AggregatedMetrics/AverageSuccessMetric").stream().map(Scalar::value).toList());
        assertEquals(1795408870.359221, loss.get(0).wallTime(), 1e-6);
    }

    @Test
    void aFlippedByteIsAnErrorNamingTheFileAndOffset() throws Exception {
        Path file;
        try (TensorBoardWriter w = TensorBoardWriter.open(dir)) {
            file = w.file();
            for (int step = 0; step < 5; step++) {
                w.scalar("reduced_loss", step, step);
            }
        }
        // the third record's start: past the version record and one scalar record
        List<byte[]> records = TFRecordReader.readAll(file);
        long third = 16L + records.get(0).length + 16 + records.get(1).length;
        byte[] bytes = Files.readAllBytes(file);
        int flipped = (int) third + 12 + 3; // inside its data
        bytes[flipped] ^= 0x20;
        Files.write(file, bytes);

        IOException e = assertThrows(IOException.class, () -> TensorBoardReader.readScalars(dir));
        assertTrue(e.getMessage().startsWith(file + ": record 2 at byte offset " + third + ": data CRC mismatch"),
                e.getMessage());
    }

    @Test
    void aRecordThatIsNotAnEventIsAnErrorNamingTheFileAndOffset() throws Exception {
        Path file = dir.resolve("events.out.tfevents.1700000000.host");
        byte[] first = Event.newBuilder().setFileVersion("brain.Event:2").build().toByteArray();
        byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff};  // field 31, truncated varint tag
        TFRecordWriter.writeAll(file, List.of(first, garbage));
        IOException e = assertThrows(IOException.class, () -> TensorBoardReader.readScalars(dir));
        assertTrue(e.getMessage().startsWith(file + ": record 1 at byte offset " + (16 + first.length)
                + ": not a tensorflow.Event"), e.getMessage());
    }

    @Test
    void aTornLastRecordEndsTheFileAsInTensorBoard() throws Exception {
        Path file;
        try (TensorBoardWriter w = TensorBoardWriter.open(dir)) {
            file = w.file();
            w.scalar("reduced_loss", 1, 1.0);
            w.scalar("reduced_loss", 2, 0.5);
        }
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 5)); // a writer killed inside the last record
        Map<String, List<Scalar>> s = TensorBoardReader.readScalars(dir);
        assertEquals(List.of(1L), s.get("reduced_loss").stream().map(Scalar::step).toList());
        assertEquals(List.of(1f), s.get("reduced_loss").stream().map(Scalar::value).toList());
    }

    @Test
    void readsTensorScalarsOfEachNumericDtypeAndSkipsOtherPlugins() throws Exception {
        Path file = dir.resolve("events.out.tfevents.1700000000.host");
        TFRecordWriter.writeAll(file, List.of(
                event(1, value("f", scalars(), TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).addFloatVal(1.5f))),
                // TF writes the metadata on every value; a reader must also accept it on the first one only
                event(2, value("f", null, TensorProto.newBuilder().setDtype(DataType.DT_FLOAT)
                        .setTensorContent(ByteString.copyFrom(new byte[] {0, 0, 0x20, 0x40})))),   // 2.5f LE
                event(1, value("d", scalars(), TensorProto.newBuilder().setDtype(DataType.DT_DOUBLE).addDoubleVal(0.25))),
                event(1, value("i", scalars(), TensorProto.newBuilder().setDtype(DataType.DT_INT64).addInt64Val(42))),
                event(1, value("zero", scalars(), TensorProto.newBuilder().setDtype(DataType.DT_FLOAT))),
                event(1, value("hist", plugin("histograms"), TensorProto.newBuilder().setDtype(DataType.DT_FLOAT)
                        .addFloatVal(9f)))));
        Map<String, List<Scalar>> s = TensorBoardReader.readScalars(dir);
        assertEquals(List.of("f", "d", "i", "zero"), List.copyOf(s.keySet()));
        assertEquals(List.of(new Scalar(1, 0, 1.5f), new Scalar(2, 0, 2.5f)), s.get("f"));
        assertEquals(List.of(new Scalar(1, 0, 0.25f)), s.get("d"));
        assertEquals(List.of(new Scalar(1, 0, 42f)), s.get("i"));
        assertEquals(List.of(new Scalar(1, 0, 0f)), s.get("zero"), "an empty typed list is the zero value");
    }

    @Test
    void aNonScalarTensorUnderTheScalarsPluginIsAnError() throws Exception {
        Path file = dir.resolve("events.out.tfevents.1700000000.host");
        TFRecordWriter.writeAll(file, List.of(event(4, value("v", scalars(), TensorProto.newBuilder()
                .setDtype(DataType.DT_FLOAT).addFloatVal(1f).addFloatVal(2f)
                .setTensorShape(TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dim.newBuilder().setSize(2)))))));
        IOException e = assertThrows(IOException.class, () -> TensorBoardReader.readScalars(dir));
        assertEquals(file + ": record 0 at byte offset 0, tag 'v': a scalar summary must be a rank-0 tensor,"
                + " got shape [2]", e.getMessage());
    }

    @Test
    void readsOnlyEventFilesDirectlyInTheDirectory() throws Exception {
        try (TensorBoardWriter w = TensorBoardWriter.open(dir.resolve("sub"))) {
            w.scalar("elsewhere", 1, 1.0);
        }
        Files.writeString(dir.resolve("notes.txt"), "not an event file");
        try (TensorBoardWriter w = TensorBoardWriter.open(dir)) {
            w.scalar("here", 1, 2.0);
        }
        assertEquals(List.of("here"), List.copyOf(TensorBoardReader.readScalars(dir).keySet()));
        assertEquals(Map.of(), TensorBoardReader.readScalars(dir.resolve("absent")));
    }

    private static Path fixture() throws URISyntaxException {
        return Path.of(TensorBoardReaderTest.class.getResource("/ibc4j/train/tensorboard/tf2").toURI());
    }

    private static SummaryMetadata scalars() {
        return plugin(TensorBoardReader.SCALARS_PLUGIN);
    }

    private static SummaryMetadata plugin(String name) {
        return SummaryMetadata.newBuilder()
                .setPluginData(SummaryMetadata.PluginData.newBuilder().setPluginName(name)).build();
    }

    private static Summary.Value value(String tag, SummaryMetadata metadata, TensorProto.Builder tensor) {
        Summary.Value.Builder v = Summary.Value.newBuilder().setTag(tag).setTensor(tensor);
        if (metadata != null) {
            v.setMetadata(metadata);
        }
        return v.build();
    }

    private static byte[] event(long step, Summary.Value v) {
        return Event.newBuilder().setStep(step).setSummary(Summary.newBuilder().addValue(v)).build().toByteArray();
    }
}
