package ibc4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Writing an IBC particle dataset as {@code collect_data.sh}'s TFRecordObserver does (spec §2.3 to §2.6).
 * The file is left in target/tfrecord-interop/ so that {@code tfrecord_facts.py --check-java} can read it with
 * tf-agents.
 */
class TFRecordObserverTest {
    static final Path INTEROP = Path.of("target", "tfrecord-interop", "particle_0.tfrecord");

    /** The particle env's spec for n_dim = 2: positions and goals in [0, 1], velocity in [-100, 100]. */
    static SpecNode.NamedTuple particleSpec() {
        SortedMap<String, SpecNode> obs = new TreeMap<>();
        for (String k : List.of("pos_agent", "pos_first_goal", "pos_second_goal")) {
            obs.put(k, TensorSpec.bounded("observation/" + k, 0f, 1f, 2));
        }
        obs.put("vel_agent", TensorSpec.bounded("observation/vel_agent", -100f, 100f, 2));
        return TrajectoryCodec.trajectorySpec(new SpecNode.Dict(obs), TensorSpec.bounded("action", 0f, 1f, 2));
    }

    /** One short episode plus the auto-reset record: FIRST, MID, MID (into LAST, discount 0), LAST (into FIRST). */
    static List<TrajectoryStep> episode() {
        int[][] types = {{0, 1}, {1, 1}, {1, 2}, {2, 0}};
        List<TrajectoryStep> steps = new ArrayList<>();
        for (int k = 0; k < types.length; k++) {
            SortedMap<String, float[]> obs = new TreeMap<>(Map.of(
                    "pos_agent", new float[] {0.1f * k, 0.2f}, "pos_first_goal", new float[] {0.3f, 0.4f},
                    "pos_second_goal", new float[] {0.5f, 0.6f}, "vel_agent", new float[] {-k, 1e-7f}));
            boolean intoLast = types[k][1] == TrajectoryStep.LAST;
            steps.add(new TrajectoryStep(types[k][0], obs, new float[] {0.3f, 0.4f + k}, types[k][1],
                    intoLast ? 1f : 0f, intoLast ? 0f : 1f));
        }
        return steps;
    }

    @Test
    void writtenStepsAndSpecReadBack() throws IOException {
        Files.createDirectories(INTEROP.getParent());
        try (TFRecordObserver observer = new TFRecordObserver(INTEROP, particleSpec())) {
            for (TrajectoryStep s : episode()) {
                observer.write(s);
            }
            assertEquals(4, observer.recordsWritten());
        }
        assertEquals(particleSpec(), SpecFile.read(SpecFile.specPathFor(INTEROP)));
        assertEquals(episode(), TrajectoryCodec.readAll(INTEROP));
    }

    @Test
    void observationKeysAndSizesMustMatchTheSpec() {
        TrajectoryCodec codec = new TrajectoryCodec(particleSpec());
        TrajectoryStep good = episode().get(0);
        SortedMap<String, float[]> missing = good.observation();
        missing.remove("vel_agent");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> codec.encode(
                new TrajectoryStep(0, missing, good.action(), 1, 0f, 1f)));
        assertEquals("observation keys [pos_agent, pos_first_goal, pos_second_goal] do not match the spec's"
                + " [pos_agent, pos_first_goal, pos_second_goal, vel_agent]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> codec.encode(
                new TrajectoryStep(0, good.observation(), new float[3], 1, 0f, 1f)));
        assertEquals("'action' has 3 floats; spec float32[2] needs 2", e.getMessage());
    }
}
