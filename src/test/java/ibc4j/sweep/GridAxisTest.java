package ibc4j.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code --grid} and the sweep's flags: values split as gin text, and every mistake named with its argument. */
class GridAxisTest {
    @Test
    void splitsOnTopLevelCommasOnly() {
        GridAxis a = GridAxis.parse("ParticleEnv.n_dim=2,4, 8,16");
        assertEquals("ParticleEnv.n_dim", a.param());
        assertEquals(List.of("2", "4", "8", "16"), a.values());
        assertEquals("ParticleEnv.n_dim=8", a.binding(2));
        assertEquals(List.of("'a,b'", "'c'"), GridAxis.parse("train_eval.network='a,b','c'").values());
        assertEquals(List.of("[1, 2]", "(3, 4)"), GridAxis.parse("MLPEBM.width=[1, 2],(3, 4)").values());
        assertEquals(List.of("True", "False"), GridAxis.parse("IbcPolicy.use_dfo=True,False").values());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "ParticleEnv.n_dim;                 expected NAME=V1,V2",
        "n_dim=2,4;                         'n_dim' is not a gin parameter name",
        "ParticleEnv.n_dim=2,,4;            value 2 is empty",
        "ParticleEnv.n_dim=2,4,2;           value 2 appears twice",
        "ParticleEnv.n_dim=2,[4;            unbalanced brackets",
        "train_eval.network='MLPEBM;        unterminated ' quote",
        "train_eval.seed=0,1;               give seeds with --seeds",
        "train_eval.root_dir='a','b';       is set by the sweep",
        "ParticleEnv.n_dim=2,4 4;           value 4 4:",
    })
    void aBadGridNamesItsArgument(String arg, String why) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GridAxis.parse(arg));
        assertTrue(e.getMessage().startsWith("--grid '" + arg + "': "), e.getMessage());
        assertTrue(e.getMessage().contains(why.strip()), e.getMessage());
    }

    @Test
    void sweepFlagsAreChecked(@TempDir Path dir) throws Exception {
        String root = "--sweep_root=" + dir.resolve("s");
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> SweepArgs.parse(
                new String[] {root, "--gin_file=g.gin", "--grid", "ParticleEnv.n_dim=2,4", "--grid",
                        "ParticleEnv.n_dim=8"}));
        assertEquals("--grid 'ParticleEnv.n_dim=8': ParticleEnv.n_dim is already an axis (--grid "
                + "'ParticleEnv.n_dim=2,4')", twice.getMessage());
        assertEquals("--seeds takes integers, got 'x'", assertThrows(IllegalArgumentException.class,
                () -> SweepArgs.parse(new String[] {root, "--gin_file=g.gin", "--seeds", "0,x"})).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SweepArgs.parse(new String[] {"--gin_file=g"}))
                .getMessage().startsWith("--sweep_root is required"));
        assertEquals("--threads_per_run takes a positive integer, got '0'", assertThrows(
                IllegalArgumentException.class, () -> SweepArgs.parse(new String[] {root, "--gin_file=g",
                        "--threads_per_run=0"})).getMessage());
    }

    @Test
    void aSweepFileHoldsFlagsAndItsErrorsNameTheLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("dims.sweep");
        Files.writeString(f, String.join("\n", "# Fig. 6, small", "--gin_file=ibc/configs/particle/mlp_mse.gin",
                "--grid=ParticleEnv.n_dim=2,4", "--seeds 0,1", ""));
        SweepSpec s = SweepArgs.parse(new String[] {"--sweep_file=" + f, "--sweep_root=" + dir.resolve("s"),
                "--grid=IbcPolicy.use_dfo=True,False"});
        assertEquals(List.of("ParticleEnv.n_dim", "IbcPolicy.use_dfo"), s.axes().stream().map(GridAxis::param)
                .toList());
        assertEquals(List.of(0, 1), s.seeds());
        assertEquals(List.of("ibc/configs/particle/mlp_mse.gin"), s.ginFiles(), "a shipped config stays as given");
        assertEquals(dir.resolve("s").toString(), s.root());

        Files.writeString(f, "--grid=ParticleEnv.n_dim=2\ngrid=x\n");
        assertEquals(f + " line 2: expected one flag, e.g. --grid=ParticleEnv.n_dim=2,4; got grid=x",
                assertThrows(IllegalArgumentException.class, () -> SweepArgs.readSweepFile(f)).getMessage());
        Files.writeString(f, "\n--gird=ParticleEnv.n_dim=2\n");
        assertEquals(f + " line 2: unknown flag --gird",
                assertThrows(IllegalArgumentException.class, () -> SweepArgs.readSweepFile(f)).getMessage());
    }
}
