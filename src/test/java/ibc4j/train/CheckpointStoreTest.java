package ibc4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link CheckpointStore}: round trip, keep-3 pruning, and what a kill during a write leaves behind. */
class CheckpointStoreTest {

    private static CheckpointStore.Checkpoint ckpt(long step, float fill) {
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        arrays.put("params", Nd4j.valueArrayOf(new long[] {3, 4}, fill, DataType.FLOAT));
        arrays.put("adam_m", Nd4j.arange(6).castTo(DataType.FLOAT).reshape(2, 3).transpose()); // an f-order view
        return new CheckpointStore.Checkpoint(step, Map.of("seed", 0, "rng_counter", 12345), arrays);
    }

    @Test
    void roundTripKeepsArraysAndMeta(@TempDir Path dir) throws IOException {
        CheckpointStore store = new CheckpointStore(dir, 3);
        store.save(ckpt(100, 0.5f));
        CheckpointStore.Checkpoint back = store.latest().orElseThrow();
        assertEquals(100, back.step());
        assertEquals(12345, ((Number) back.meta().get("rng_counter")).intValue());
        assertEquals(Nd4j.valueArrayOf(new long[] {3, 4}, 0.5f, DataType.FLOAT), back.arrays().get("params"));
        // The transposed view is stored by value, not by its underlying buffer.
        assertEquals(Nd4j.arange(6).castTo(DataType.FLOAT).reshape(2, 3).transpose(), back.arrays().get("adam_m"));
    }

    @Test
    void keepsTheLastThree(@TempDir Path dir) throws IOException {
        CheckpointStore store = new CheckpointStore(dir, 3);
        for (long s = 1; s <= 5; s++) {
            store.save(ckpt(s * 1000, s));
        }
        assertEquals(List.of("ckpt-3000.zip", "ckpt-4000.zip", "ckpt-5000.zip"),
                store.list().stream().map(p -> p.getFileName().toString()).toList());
        assertEquals(5000, store.latest().orElseThrow().step());
    }

    @Test
    void aKillDuringAWriteLeavesTheLastCompleteCheckpoint(@TempDir Path dir) throws IOException {
        CheckpointStore store = new CheckpointStore(dir, 3);
        store.save(ckpt(1000, 1f));
        // What a process killed mid-write leaves: a partial temp file, never a file under a checkpoint name.
        Path partial = dir.resolve(".ckpt-2000-123.tmp");
        byte[] full = Files.readAllBytes(dir.resolve("ckpt-1000.zip"));
        Files.write(partial, java.util.Arrays.copyOf(full, full.length / 2));
        assertEquals(1000, store.latest().orElseThrow().step());
        store.save(ckpt(2000, 2f));
        assertTrue(Files.notExists(partial), "stray temp files are cleaned on the next save");
        assertEquals(2000, store.latest().orElseThrow().step());
    }

    @Test
    void aTruncatedCheckpointIsAClearError(@TempDir Path dir) throws IOException {
        CheckpointStore store = new CheckpointStore(dir, 3);
        Path file = store.save(ckpt(7, 1f));
        byte[] full = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(full, 40));
        IOException e = assertThrows(IOException.class, () -> CheckpointStore.load(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
}
