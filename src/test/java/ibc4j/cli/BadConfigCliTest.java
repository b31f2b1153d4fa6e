package ibc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile configs through {@code gin bind} and {@code train}: each is a located message and status 2, never a
 * Java stack trace, and {@code train} refuses before it creates the run dir.
 */
class BadConfigCliTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private String err() {
        return err.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }

    private int bind(String... args) {
        return GinBindCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path runs() {
        return dir.resolve("runs");
    }

    /** {@code train} with IBC's flags, a root dir under the temp dir, and {@code args} after them. */
    private int train(String... args) {
        List<String> all = new ArrayList<>(List.of("--task=PARTICLE", "--progress=log",
                "--gin_bindings=train_eval.root_dir='" + runs() + "'"));
        all.addAll(List.of(args));
        return TrainCommand.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p.toString();
    }

    /** Whatever the command printed: a message, with neither an exception's name nor a stack frame. */
    @AfterEach
    void noStackTrace() {
        String all = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        assertFalse(all.contains("Exception"), all);
        assertFalse(all.contains("Error:"), all);
        assertFalse(all.contains("\tat "), all);
        assertFalse(Files.exists(runs()), "no run dir for a config that does not bind");
    }

    private static final String CYCLE = "A = %B\nB = %C\nC = %A\nMLPEBM.width = %A\n";
    private static final String CYCLE_MESSAGE = ":1:5: Macro cycle: %A -> %B -> %C -> %A.\n"
            + "    A = %B\n"
            + "        ^~\n";

    @Test
    void aMissingGinFileIsNamedWithItsFlagAndWhereItWasLookedFor() {
        assertEquals(2, train("--gin_file=" + dir.resolve("missing.gin")));
        assertTrue(err().startsWith("train: --gin_file " + dir.resolve("missing.gin") + ": unable to open it (no such "
                + "file from the working directory "), err());
        assertTrue(err().contains("configs bundled in the jar"), err());
        assertEquals(1, err().lines().count(), err());
    }

    @Test
    void aMacroCycleIsNamedByGinBind() throws IOException {
        String f = write("cycle.gin", CYCLE);
        assertEquals(2, bind("--gin_file", f));
        assertEquals(f + CYCLE_MESSAGE, err());
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aMacroCycleIsNamedByTrainBeforeItTrains() throws IOException {
        String f = write("cycle.gin", CYCLE);
        assertEquals(2, train("--gin_file=" + f));
        assertEquals(f + CYCLE_MESSAGE, err());
        err.reset();
        String self = write("self.gin", "K = %K\nlangevin_actions_given_obs.num_iterations = %K\n");
        assertEquals(2, train("--gin_file=" + self));
        assertEquals(dir.resolve("self.gin") + ":1:5: Macro cycle: %K -> %K.\n    K = %K\n        ^~\n", err());
    }

    @Test
    void anIncludeCycleIsNamedByItsFiles() throws IOException {
        String a = dir.resolve("a.gin").toString();
        String b = write("b.gin", "include '" + a + "'\n");
        write("a.gin", "MLPEBM.width = 8\ninclude '" + b + "'\n");
        String expected = b + ":1:1: Include cycle: " + a + " -> " + b + " -> " + a + ".\n"
                + "    include '" + a + "'\n"
                + "    ^" + "~".repeat(a.length() + 9) + "\n";
        assertEquals(2, bind("--gin_file", a));
        assertEquals(expected, err());
        err.reset();
        assertEquals(2, train("--gin_file=" + a));
        assertEquals(expected, err());
    }

    @Test
    void threeThousandChainedIncludesStopAtAHundred() throws IOException {
        for (int i = 0; i < 3000; i++) {
            write("f" + i + ".gin", "include '" + dir.resolve("f" + (i + 1) + ".gin") + "'\n");
        }
        write("f3000.gin", "MLPEBM.width = 8\n");
        String f0 = dir.resolve("f0.gin").toString();
        assertEquals(2, train("--gin_file=" + f0));
        String f = dir + "/f";
        assertEquals(f + "99.gin:1:1: Include chain deeper than 100 files: " + f + "0.gin -> " + f + "1.gin -> " + f
                + "2.gin -> ... -> " + f + "98.gin -> " + f + "99.gin -> " + f + "100.gin.\n"
                + "    include '" + f + "100.gin'\n"
                + "    ^" + "~".repeat(f.length() + 16) + "\n", err());
        err.reset();
        assertEquals(2, bind("--gin_file", f0));
        String head = f + "99.gin:1:1: Include chain deeper than 100 files: ";
        assertEquals(head, err().substring(0, head.length()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[", "(", "{0: "})
    void twoThousandNestedValuesAreASyntaxError(String open) throws IOException {
        String close = open.equals("[") ? "]" : open.equals("(") ? ")" : "}";
        String f = write("deep.gin", "train_eval.task = " + open.repeat(2000) + "1" + close.repeat(2000) + "\n");
        int column = "train_eval.task = ".length() + 256 * open.length() + 1;
        assertEquals(2, train("--gin_file=" + f));
        String message = f + ":1:" + column + ": Values nested deeper than 256 levels (lists, tuples, dicts or "
                + "parentheses).\n";
        assertEquals(message, err().substring(0, message.length()));
        assertEquals(3, err().split("\n").length, err());
        err.reset();
        assertEquals(2, bind("--gin_file", f));
        assertEquals(message, err().substring(0, message.length()));
    }

    @Test
    void valuesOutOfRangeAreRefusedAtTheirValueBeforeTheRunDirExists() throws IOException {
        String f = write("tiny.gin", "train_eval.loss_type = 'ebm'\ntrain_eval.network = 'MLPEBM'\n"
                + "langevin_actions_given_obs.num_iterations = -1\n");
        assertEquals(2, train("--gin_file=" + f));
        assertEquals(f + ":3:45: Parameter 'num_iterations' of 'langevin_actions_given_obs' must be >= 0; "
                + "got -1.\n"
                + "    langevin_actions_given_obs.num_iterations = -1\n"
                + "                                                ^~\n", err());
        err.reset();
        String ok = write("ok.gin", "train_eval.loss_type = 'ebm'\n");
        assertEquals(2, train("--gin_file=" + ok, "--gin_bindings=MLPEBM.width = 2000000000"));
        assertEquals("bindings:2:16: Parameter 'width' of 'MLPEBM' is implausibly large: one width x width float32 "
                + "kernel would take 13.9 EiB, over the 16 GiB limit; got 2000000000.\n"
                + "    MLPEBM.width = 2000000000\n"
                + "                   ^~~~~~~~~~\n", err());
        err.reset();
        assertEquals(2, train("--gin_file=" + ok, "--gin_bindings=N = 0",
                "--gin_bindings=ImplicitBCAgent.num_counter_examples = %N"));
        assertEquals("bindings:3:40: Parameter 'num_counter_examples' of 'ImplicitBCAgent' must be positive; got 0 "
                + "from %N.\n"
                + "    ImplicitBCAgent.num_counter_examples = %N\n"
                + "                                           ^~\n"
                + "  via %N, bound at bindings:2:1\n", err());
        err.reset();
        assertEquals(2, bind("--gin_bindings", "MLPEBM.depth = 0"));
        assertEquals("bindings:1:16: Parameter 'depth' of 'MLPEBM' must be positive; got 0.\n"
                + "    MLPEBM.depth = 0\n"
                + "                   ^\n", err());
    }

    @Test
    void onlyTheValueInEffectIsChecked() throws IOException {
        String bad = write("bad.gin", "MLPEBM.width = -1\n");
        assertEquals(0, bind("--gin_file", bad, "--gin_bindings", "MLPEBM.width = 64"), err());
        String ok = write("ok5.gin", "train_eval.loss_type = 'ebm'\nlangevin_actions_given_obs.num_iterations = 5\n");
        assertEquals(2, train("--gin_file=" + ok, "--gin_bindings=langevin_actions_given_obs.num_iterations = -1"));
        assertEquals("bindings:2:45: Parameter 'num_iterations' of 'langevin_actions_given_obs' must be >= 0; "
                + "got -1.\n"
                + "    langevin_actions_given_obs.num_iterations = -1\n"
                + "                                                ^~\n", err());
    }

    @Test
    void trainWithoutAGinFileSaysOneIsRequired() {
        assertEquals(2, train());
        assertEquals("train: a gin config is required: pass --gin_file, e.g. "
                + "--gin_file=configs/particle/mlp_ebm_langevin.gin (or --resume=RUN_DIR)\n", err());
        err.reset();
        assertEquals(2, train("--gin_bindings=train_eval.loss_type='ebm'"));
        assertEquals("train: a gin config is required: pass --gin_file, e.g. "
                + "--gin_file=configs/particle/mlp_ebm_langevin.gin (or --resume=RUN_DIR)\n", err());
    }
}
