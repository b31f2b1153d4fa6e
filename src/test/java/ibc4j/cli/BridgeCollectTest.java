package ibc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.data.SpecFile;
import ibc4j.data.TrajectoryCodec;
import ibc4j.data.TrajectoryStep;
import ibc4j.environments.bridge.BridgeOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code collect --task=PUSH} through the stdlib fake server: IBC's record layout and IBC's PUSH spec. */
class BridgeCollectTest {
    private static final Path IBC_PUSH_SPEC = Path.of("..", "shared", "ibc", "test_data", "PUSH",
            "oracle_push_0.tfrecord.spec");

    private static BridgeOptions fake() {
        return new BridgeOptions("python3", null, BridgeOptions.FAKE_SERVER, List.of("PUSH"), List.of(),
                Path.of("python").toAbsolutePath(), Duration.ofSeconds(30), Duration.ofSeconds(10));
    }

    @Test
    void writesDriverRecordsAndTheSpecIbcWrites(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path dataset = dir.resolve("oracle_push.tfrecord");
        int rc = BridgeCollect.run(fake(), "PUSH", "oracle_push", dataset, 3, 2, 5L,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        for (int i = 0; i < 2; i++) {
            Path shard = dir.resolve("oracle_push_" + i + ".tfrecord");
            List<TrajectoryStep> steps = TrajectoryCodec.readAll(shard);
            long boundaries = steps.stream().filter(s -> s.stepType() == TrajectoryStep.LAST).count();
            assertEquals(3, boundaries, "one LAST->FIRST record per episode");
            assertEquals(TrajectoryStep.FIRST, steps.get(0).stepType());
            TrajectoryStep last = steps.get(steps.size() - 1);
            assertEquals(TrajectoryStep.LAST, last.stepType());
            assertEquals(TrajectoryStep.FIRST, last.nextStepType());
            for (TrajectoryStep s : steps) {
                if (s.nextStepType() == TrajectoryStep.LAST) {
                    assertEquals(0f, s.discount());
                }
            }
            if (Files.exists(IBC_PUSH_SPEC)) {
                assertEquals(SpecFile.read(IBC_PUSH_SPEC), SpecFile.read(SpecFile.specPathFor(shard)),
                        "the .spec of IBC's PUSH oracle data");
            }
        }
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("AverageSuccessMetric="), out.toString());
    }

    @Test
    void theSharedPushSpecIsThere() {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("..", "shared")), "shared/ is not beside the checkout");
        assertTrue(Files.exists(IBC_PUSH_SPEC), IBC_PUSH_SPEC + " (IBC's PUSH spec) is missing from shared/");
    }

    @Test
    void aTaskWithoutAnOracleIsRefused(@TempDir Path dir) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = BridgeCollect.run(fake(), "INSERT", null, dir.resolve("x.tfrecord"), 1, 1, null,
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, rc);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("IBC has no oracle for --task=INSERT"));
    }
}
