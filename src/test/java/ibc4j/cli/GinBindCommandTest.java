package ibc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code gin bind}: the bind-only operative config on stdout, or the located error and status 2. */
class GinBindCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return GinBindCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsTheBindOnlyConfigWithProvenance() {
        assertEquals(0, run("--gin_file=configs/particle/mlp_mse.gin", "--gin_bindings", "ParticleEnv.n_dim=2",
                "--gin_bindings=MLPMSE.width = 64"));
        String o = out();
        assertTrue(o.startsWith("# Parameters for get_normalizers:\n# " + "=".repeat(78) + "\n"), o);
        assertTrue(o.contains("# Parameters for MLPMSE:\n# " + "=".repeat(78) + "\nMLPMSE.act_denorm_layer = None\n"),
                o);
        assertTrue(o.contains("# Set in bindings:2:\nMLPMSE.width = 64\n"), o);
        assertTrue(o.contains("# Set in configs/particle/mlp_mse.gin:"), o);
        assertEquals("", err());
    }

    @Test
    void acceptsTheLeadingSubcommandWords() {
        assertEquals(0, run("gin", "bind", "--gin_bindings", "train_eval.seed = 3"));
        assertTrue(out().contains("# Set in bindings:1:\ntrain_eval.seed = 3\n"), out());
    }

    @Test
    void badConfigPrintsTheLocatedErrorAndExitsTwo() {
        assertEquals(2, run("--gin_bindings", "MLPEBM.widht = 256"));
        assertEquals("bindings:1:8: Configurable 'MLPEBM' doesn't have a parameter named 'widht'.\n"
                + "    MLPEBM.widht = 256\n"
                + "           ^~~~~\n"
                + "  did you mean 'width'?\n", err().replace(System.lineSeparator(), "\n"));
        assertEquals("", out());
    }

    @Test
    void missingFileAndBadFlagsExitTwo() {
        assertEquals(2, run("--gin_file", "nope.gin"));
        assertEquals("Unable to open file: nope.gin. Searched config paths: [''].\n", err());
        err.reset();
        assertEquals(2, run("--gin_fil", "x.gin"));
        assertTrue(err().startsWith("gin bind: Unrecognized option: --gin_fil"), err());
        err.reset();
        assertEquals(2, run());
        assertTrue(err().contains("--gin_file"), err());
    }
}
