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

    @Test
    void aCorruptNewestCheckpointIsMovedAsideAndTheNewestThatVerifiesResumes(@TempDir Path dir) throws IOException {
        CheckpointStore store = new CheckpointStore(dir, 3);
        for (long s = 1; s <= 3; s++) {
            store.save(ckpt(s * 1000, s));
        }
        Path newest = dir.resolve("ckpt-3000.zip");
        Files.write(newest, java.util.Arrays.copyOf(Files.readAllBytes(newest), 100)); // truncated
        assertEquals(2000, store.latest().orElseThrow().step());
        assertTrue(Files.exists(dir.resolve("ckpt-3000.zip.corrupt")), "kept, not deleted");
        assertEquals(List.of("ckpt-1000.zip", "ckpt-2000.zip"),
                store.list().stream().map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void whenNoCheckpointVerifiesNothingIsMovedAndEachIsNamed(@TempDir Path dir) throws IOException {
        CheckpointStore store = new CheckpointStore(dir, 3);
        store.save(ckpt(1000, 1));
        store.save(ckpt(2000, 2));
        for (String n : List.of("ckpt-1000.zip", "ckpt-2000.zip")) {
            Files.write(dir.resolve(n), new byte[] {1, 2, 3});
        }
        IOException e = assertThrows(IOException.class, store::latest);
        assertTrue(e.getMessage().contains("ckpt-2000.zip") && e.getMessage().contains("ckpt-1000.zip")
                && e.getMessage().contains("no checkpoint in"), e.getMessage());
        assertTrue(Files.exists(dir.resolve("ckpt-1000.zip")) && Files.exists(dir.resolve("ckpt-2000.zip")));
    }

    @Test
    void aRenamedCheckpointIsNotResumedAsAnotherStep(@TempDir Path dir) throws IOException {
        CheckpointStore store = new CheckpointStore(dir, 3);
        store.save(ckpt(290, 1));
        store.save(ckpt(300, 2));
        Files.copy(dir.resolve("ckpt-290.zip"), dir.resolve("ckpt-5000.zip"));
        assertEquals(300, store.latest().orElseThrow().step());
        assertTrue(Files.exists(dir.resolve("ckpt-5000.zip.corrupt")));
        Files.copy(dir.resolve("ckpt-290.zip"), dir.resolve("ckpt-7000.zip"));
        IOException e = assertThrows(IOException.class, () -> CheckpointStore.load(dir.resolve("ckpt-7000.zip")));
        assertTrue(e.getMessage().contains("holds step 290, not the step 7000"), e.getMessage());
    }

    @Test
    void namesAreParsedStrictlyAndOthersIgnored(@TempDir Path dir) throws IOException {
        CheckpointStore store = new CheckpointStore(dir, 3);
        store.save(ckpt(100, 1));
        for (String n : List.of("ckpt-99999999999999999999999.zip", "ckpt-0100.zip", "ckpt--5.zip", "ckpt-x.zip")) {
            Files.write(dir.resolve(n), new byte[] {0});
        }
        assertEquals(List.of("ckpt-100.zip"), store.list().stream().map(p -> p.getFileName().toString()).toList());
        assertEquals(100, store.latest().orElseThrow().step());
        assertEquals(-1, CheckpointStore.stepOf(dir.resolve("ckpt-99999999999999999999999.zip")));
    }

    @Test
    void checkpointsAreReadableLikeTheRunsOtherFiles(@TempDir Path dir) throws IOException {
        Path p = new CheckpointStore(dir, 3).save(ckpt(7, 1));
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(p)));
    }
}
