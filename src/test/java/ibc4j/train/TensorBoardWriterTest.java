package ibc4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.data.TFRecordReader;
import ibc4j.data.proto.Event;
import ibc4j.train.TensorBoardReader.Scalar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorBoardWriterTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsSeveralTagsAndSteps() throws Exception {
        double before = System.currentTimeMillis() / 1000.0;
        Path logDir = dir.resolve("run/train");
        try (TensorBoardWriter w = TensorBoardWriter.open(logDir)) {
            for (long step = 0; step <= 300; step += 100) {
                w.scalar("reduced_loss", step, 1.5 - step / 1000.0);
                w.scalar("Losses/total_loss", step, 2.0 * step);
            }
            w.scalar("learning_rate", 300, 1e-3);
        }
        double after = System.currentTimeMillis() / 1000.0;

        Map<String, List<Scalar>> s = TensorBoardReader.readScalars(logDir);
        assertEquals(List.of("reduced_loss", "Losses/total_loss", "learning_rate"), List.copyOf(s.keySet()));
        List<Scalar> loss = s.get("reduced_loss");
        assertEquals(List.of(0L, 100L, 200L, 300L), loss.stream().map(Scalar::step).toList());
        assertEquals(List.of(1.5f, 1.4f, 1.3f, 1.2f), loss.stream().map(Scalar::value).toList());
        assertEquals(List.of(0f, 200f, 400f, 600f), s.get("Losses/total_loss").stream().map(Scalar::value).toList());
        assertEquals(List.of(new Scalar(300, s.get("learning_rate").get(0).wallTime(), 1e-3f)), s.get("learning_rate"));
        for (List<Scalar> series : s.values()) {
            for (Scalar p : series) {
                // wall time is in seconds (TF's double), stamped while writing
                assertTrue(p.wallTime() >= Math.floor(before) && p.wallTime() <= after + 1, p.toString());
            }
        }
    }

    @Test
    void fileIsNamedAsTfNamesItAndStartsWithTheFileVersion() throws Exception {
        Path file;
        try (TensorBoardWriter w = TensorBoardWriter.open(dir)) {
            file = w.file();
            // the version record is on disk before any scalar or flush: TensorBoard can open the file at once
            List<byte[]> records = TFRecordReader.readAll(file);
            assertEquals(1, records.size());
            Event first = Event.parseFrom(records.get(0));
            assertEquals(TensorBoardWriter.FILE_VERSION, first.getFileVersion());
            assertEquals("brain.Event:2", first.getFileVersion());
            assertTrue(first.getWallTime() > 1.6e9, "wall time in seconds: " + first.getWallTime());
        }
        String name = file.getFileName().toString();
        assertTrue(name.matches("events\\.out\\.tfevents\\.\\d{10}\\.[A-Za-z0-9._-]+"), name);
        assertTrue(name.contains("tfevents"), "TensorBoard globs *tfevents*");
    }

    @Test
    void scalarsReachTheFileOnFlush() throws Exception {
        try (TensorBoardWriter w = TensorBoardWriter.open(dir)) {
            w.scalar("reduced_loss", 7, 0.5);
            w.flush();
            List<byte[]> records = TFRecordReader.readAll(w.file());
            assertEquals(2, records.size());
            Event e = Event.parseFrom(records.get(1));
            assertEquals(7, e.getStep());
            assertEquals("reduced_loss", e.getSummary().getValue(0).getTag());
            // simple_value, the form EventAccumulator.Scalars() and the TensorBoard server both read as a scalar
            assertTrue(e.getSummary().getValue(0).hasSimpleValue());
            assertEquals(0.5f, e.getSummary().getValue(0).getSimpleValue());
        }
    }

    @Test
    void aResumedRunAppendsANewFileAndTheReaderMergesThemInOrder() throws Exception {
        Path first;
        Path second;
        try (TensorBoardWriter w = TensorBoardWriter.open(dir)) {
            first = w.file();
            w.scalar("reduced_loss", 0, 3.0);
            w.scalar("reduced_loss", 100, 2.0);
        }
        long firstSize = Files.size(first);
        try (TensorBoardWriter w = TensorBoardWriter.open(dir)) {
            second = w.file();
            w.scalar("reduced_loss", 200, 1.0);
            w.scalar("Losses/total_loss", 200, 1.25);
        }
        assertNotEquals(first, second);
        assertEquals(firstSize, Files.size(first), "the earlier file is never rewritten");
        // the second name sorts after the first: same second gets a ".1" suffix, a later second a larger number
        assertTrue(second.getFileName().toString().compareTo(first.getFileName().toString()) > 0);
        assertEquals(List.of(first, second), TensorBoardReader.eventFiles(dir));

        Map<String, List<Scalar>> s = TensorBoardReader.readScalars(dir);
        assertEquals(List.of(0L, 100L, 200L), s.get("reduced_loss").stream().map(Scalar::step).toList());
        assertEquals(List.of(3f, 2f, 1f), s.get("reduced_loss").stream().map(Scalar::value).toList());
        assertEquals(List.of(1.25f), s.get("Losses/total_loss").stream().map(Scalar::value).toList());
    }

    @Test
    void rejectsAnEmptyTagAndUseAfterClose() throws Exception {
        TensorBoardWriter w = TensorBoardWriter.open(dir);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.scalar("", 3, 1.0));
        assertTrue(e.getMessage().contains(w.file().toString()) && e.getMessage().contains("step 3"), e.getMessage());
        w.close();
        w.close(); // twice is fine
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> w.scalar("a", 1, 1.0));
        assertTrue(closed.getMessage().startsWith(w.file().toString()), closed.getMessage());
    }

    @Test
    void hostnameIsFileNameSafe() {
        String host = TensorBoardWriter.hostname();
        assertFalse(host.isEmpty());
        assertTrue(host.matches("[A-Za-z0-9._-]+"), host);
    }
}
