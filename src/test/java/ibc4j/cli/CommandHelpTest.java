package ibc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --help} on every command prints its usage and exits 0, even where the command has required options
 * (eval, collect), and is never taken for a positional argument (quickstart's run dir).
 */
class CommandHelpTest {
    private final Commands cli = new Commands();

    @ParameterizedTest
    @ValueSource(strings = {"eval", "export-policy", "collect", "train", "quickstart", "bench", "describe",
            "gin parse", "synth-data"})
    void helpPrintsUsageAndExitsZero(String command) {
        assertEquals(0, cli.run(command, "--help"), cli.err());
        assertTrue(cli.out().contains("usage: ibc4j " + command), cli.out());
        assertEquals("", cli.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"eval", "export-policy", "collect", "synth-data"})
    void helpNeedsNoneOfTheRequiredOptions(String command) {
        assertEquals(0, cli.run(command, "-h"), cli.err());
        assertTrue(cli.out().contains("usage: ibc4j " + command), cli.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h"})
    void quickstartNeverTakesHelpForItsRunDir(String flag) {
        assertEquals(0, cli.run("quickstart", flag));
        assertTrue(cli.out().contains("train_eval.num_iterations = 500"), cli.out());
        assertFalse(Files.exists(Path.of(flag)), "quickstart created a run dir named " + flag);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--root_dir=x", "-x"})
    void quickstartRefusesOptionsItDoesNotHave(String flag) {
        assertEquals(2, cli.run("quickstart", flag));
        assertTrue(cli.err().contains("quickstart: takes one optional RUN_DIR, got " + flag), cli.err());
        assertFalse(Files.exists(Path.of(flag)));
        assertEquals("", cli.out());
    }
}
