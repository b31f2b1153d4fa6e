package ibc4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Two tiny particle shards written with {@link TFRecordObserver} in IBC's collection layout (spec §2.3: every
 * episode ends with the LAST record whose next step is the reset's FIRST). Every value encodes where it came
 * from: {@code pos_agent = [100 * shard + record, 0.5]}, {@code action = [record / 10, shard]}.
 *
 * <pre>
 * synthetic_a: episode of 3 steps + episode of 2 steps  F M M L | F M L    (records 0..6)
 * synthetic_b: one episode of 2 steps                    F M L              (records 0..2)
 * </pre>
 *
 * {@code dataset_windows_reference.py} was run on copies of these files (left in target/dataset-interop/ by
 * {@link #writeInterop()}) to produce the expected windows in TrajectoryDatasetTest.
 */
final class SyntheticShards {
    static final int[] TYPES_A = {0, 1, 1, 2, 0, 1, 2};
    static final int[] TYPES_B = {0, 1, 2};
    static final Path INTEROP = Path.of("target", "dataset-interop");

    private SyntheticShards() {
    }

    /** Writes synthetic_a.tfrecord and synthetic_b.tfrecord (with specs) into {@code dir}; returns both paths. */
    static List<Path> write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path a = dir.resolve("synthetic_a.tfrecord");
        Path b = dir.resolve("synthetic_b.tfrecord");
        writeShard(a, 0, TYPES_A);
        writeShard(b, 1, TYPES_B);
        return List.of(a, b);
    }

    /** The same files in target/dataset-interop/, for the Python reference script. */
    static List<Path> writeInterop() throws IOException {
        return write(INTEROP);
    }

    static void writeShard(Path path, int shard, int[] types) throws IOException {
        try (TFRecordObserver o = new TFRecordObserver(path, TFRecordObserverTest.particleSpec())) {
            for (TrajectoryStep s : steps(shard, types)) {
                o.write(s);
            }
        }
    }

    static List<TrajectoryStep> steps(int shard, int[] types) {
        List<TrajectoryStep> steps = new ArrayList<>();
        for (int r = 0; r < types.length; r++) {
            int next = types[r] == TrajectoryStep.LAST ? TrajectoryStep.FIRST
                    : r + 1 < types.length && types[r + 1] == TrajectoryStep.LAST ? TrajectoryStep.LAST
                    : TrajectoryStep.MID;
            steps.add(new TrajectoryStep(types[r], observation(shard, r), action(shard, r), next,
                    next == TrajectoryStep.LAST ? 1f : 0f, next == TrajectoryStep.LAST ? 0f : 1f));
        }
        return steps;
    }

    static SortedMap<String, float[]> observation(int shard, int record) {
        SortedMap<String, float[]> obs = new TreeMap<>();
        obs.put("pos_agent", new float[] {100 * shard + record, 0.5f});
        obs.put("pos_first_goal", new float[] {0.25f, record});
        obs.put("pos_second_goal", new float[] {0.75f, -record});
        obs.put("vel_agent", new float[] {-shard, 2 * record});
        return obs;
    }

    static float[] action(int shard, int record) {
        return new float[] {record / 10f, shard};
    }
}
