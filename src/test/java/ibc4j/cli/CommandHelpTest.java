package ibc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --help} on every command prints its usage and exits 0, even where the command has required options
 * (eval, collect), and is never taken for a positional argument (quickstart's run dir).
 */
class CommandHelpTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String command, String... args) {
        return Commands.run(command, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"eval", "export-policy", "collect", "train", "quickstart", "bench", "describe",
            "gin parse", "synth-data"})
    void helpPrintsUsageAndExitsZero(String command) {
        assertEquals(0, run(command, "--help"), err.toString());
        assertTrue(out.toString().contains("usage: ibc4j " + command), out.toString());
        assertEquals("", err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"eval", "export-policy", "collect", "synth-data"})
    void helpNeedsNoneOfTheRequiredOptions(String command) {
        assertEquals(0, run(command, "-h"), err.toString());
        assertTrue(out.toString().contains("usage: ibc4j " + command), out.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h"})
    void quickstartNeverTakesHelpForItsRunDir(String flag) {
        assertEquals(0, run("quickstart", flag));
        assertTrue(out.toString().contains("train_eval.num_iterations = 500"), out.toString());
        assertFalse(Files.exists(Path.of(flag)), "quickstart created a run dir named " + flag);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--root_dir=x", "-x"})
    void quickstartRefusesOptionsItDoesNotHave(String flag) {
        assertEquals(2, run("quickstart", flag));
        assertTrue(err.toString().contains("quickstart: takes one optional RUN_DIR, got " + flag), err.toString());
        assertFalse(Files.exists(Path.of(flag)));
        assertEquals("", out.toString());
    }
}
