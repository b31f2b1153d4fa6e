package ibc4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A real kill: a child JVM saves large checkpoints back to back and is killed with SIGKILL at a random moment
 * (most likely mid-write: each save takes far longer than the gap between them). Whatever it leaves, every file
 * under a checkpoint name must load whole, and the newest must hold the values of its own step.
 */
class CheckpointKillTest {
    private static final long FLOATS = 4_000_000; // 16 MB per checkpoint: a write takes tens of milliseconds

    /** The child: saves ckpt-1, ckpt-2, ... each filled with its step, and says so after each. */
    public static final class Writer {
        public static void main(String[] args) throws Exception {
            CheckpointStore store = new CheckpointStore(Path.of(args[0]), 3);
            long start = store.latest().map(c -> c.step()).orElse(0L);
            for (long step = start + 1; ; step++) {
                INDArray p = Nd4j.valueArrayOf(new long[] {FLOATS}, (float) step, DataType.FLOAT);
                store.save(new CheckpointStore.Checkpoint(step, Map.of("seed", 0), Map.of("params", p)));
                System.out.println("saved " + step);
                System.out.flush();
            }
        }
    }

    @Test
    void sigkillAtRandomMomentsNeverLeavesATornCheckpoint(@TempDir Path dir) throws Exception {
        Random random = new Random(7);
        long newest = 0;
        for (int round = 0; round < 3; round++) {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-cp", System.getProperty("java.class.path"), Writer.class.getName(), dir.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                int saves = 0;
                for (String line; saves < 2 && (line = out.readLine()) != null; ) {
                    saves += line.startsWith("saved ") ? 1 : 0;
                }
                assertEquals(2, saves, "the child stopped before saving twice");
                Thread.sleep(random.nextInt(60));
                child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no finally blocks
                child.waitFor();
            }
            CheckpointStore store = new CheckpointStore(dir, 3);
            List<Path> files = store.list();
            assertTrue(!files.isEmpty() && files.size() <= 3, "checkpoints: " + files);
            for (Path f : files) {
                CheckpointStore.Checkpoint c = CheckpointStore.load(f); // throws on a torn file
                INDArray p = c.arrays().get("params");
                assertEquals(FLOATS, p.length(), f.toString());
                assertEquals((float) c.step(), p.minNumber().floatValue(), f.toString());
                assertEquals((float) c.step(), p.maxNumber().floatValue(), f.toString());
            }
            long latest = store.latest().orElseThrow().step();
            assertTrue(latest >= newest + 2, "round " + round + ": newest " + latest + " after " + newest);
            newest = latest;
        }
        try (var s = Files.list(dir)) {
            assertTrue(s.count() <= 4, "at most 3 checkpoints and one stray temp file remain");
        }
    }
}
