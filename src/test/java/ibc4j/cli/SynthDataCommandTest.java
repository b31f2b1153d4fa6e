package ibc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.data.SpecFile;
import ibc4j.data.TrajectoryCodec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ibc4j synth-data}: the files it writes, and errors naming the flag or file, without a stack trace. */
class SynthDataCommandTest {
    private static final Path DATA = Path.of("..", "shared", "ibc", "test_data");
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return SynthDataCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void writesRecordsNamedAfterTheSpec(@TempDir Path dir) throws Exception {
        Path spec = DATA.resolve("PUSH_DISCONTINUOUS/oracle_discontinuous_push_0.tfrecord.spec");
        assertEquals(0, run("--spec", spec.toString(), "--out", dir.toString(), "--episodes", "2",
                "--steps_per_episode", "3", "--seed", "5"), err.toString());
        Path records = dir.resolve("oracle_discontinuous_push_0.tfrecord");
        assertEquals(SpecFile.read(spec), SpecFile.read(SpecFile.specPathFor(records)));
        assertEquals(8, TrajectoryCodec.readAll(records).size());
        assertTrue(out.toString().contains("wrote 8 records (2 episodes of 3 steps)"), out.toString());
    }

    @Test
    void halfcheetahAsATrajectory(@TempDir Path dir) throws Exception {
        assertEquals(0, run("--spec", DATA.resolve("halfcheetah-expert-v0/halfcheetah-expert-v0_0.tfrecord.spec")
                .toString(), "--out", dir.toString(), "--episodes", "1", "--trajectory"), err.toString());
        assertEquals(21, TrajectoryCodec.readAll(dir.resolve("halfcheetah-expert-v0_0.tfrecord")).size());
    }

    @Test
    void badInputIsNamedWithoutAStackTrace(@TempDir Path dir) {
        String door = DATA.resolve("door-human-v0/door-human-v0_0.tfrecord.spec").toString();
        String[][] cases = {
            {"Missing required option: spec", "--out", dir.toString()},
            {"integers", "--spec", door, "--out", dir.toString(), "--episodes", "many"},
            {"does not exist", "--spec", dir.resolve("missing.spec").toString(), "--out", dir.toString()},
            {"expected a <dataset>.tfrecord.spec", "--spec", door.replace(".spec", ""), "--out", dir.toString()},
            {"expected HxW", "--spec", door, "--out", dir.toString(), "--rgb", "big"},
            {"observation is a dict", "--spec", door, "--out", dir.toString(), "--rgb", "4x4"},
            {"Transition", "--spec", door, "--out", dir.toString(), "--trajectory"},
            {"at least 1 episode", "--spec", door, "--out", dir.toString(), "--episodes", "0"},
        };
        for (String[] c : cases) {
            err.reset();
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            assertEquals(2, run(args), String.join(" ", args));
            String e = err.toString();
            assertTrue(e.contains(c[0]), c[0] + " in: " + e);
            assertFalse(e.contains("Exception") || e.contains("\tat "), "no stack trace: " + e);
        }
        assertFalse(Files.exists(dir.resolve("door-human-v0_0.tfrecord")), "nothing written for bad input");
    }
}
