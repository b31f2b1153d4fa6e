package ibc4j.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sweep's points: the grid's product times the seeds, their run dir names, their data, their checked configs. */
class SweepPlanTest {
    @TempDir
    Path dir;

    private SweepPlan plan(String... args) throws Exception {
        return SweepPlan.of(SweepArgs.parse(SweepFixtures.args(dir.resolve("s"), SweepFixtures.tinyGin(dir), args)));
    }

    @Test
    void pointsAreTheProductOfTheAxesTimesTheSeeds() throws Exception {
        SweepPlan p = plan("--grid", "ParticleEnv.n_dim=2,4", "--grid", "IbcPolicy.use_dfo=True,False",
                "--seeds", "0,1");
        assertEquals(8, p.points().size());
        assertEquals(List.of(
                "ParticleEnv.n_dim=2__IbcPolicy.use_dfo=True__seed=0",
                "ParticleEnv.n_dim=2__IbcPolicy.use_dfo=True__seed=1",
                "ParticleEnv.n_dim=2__IbcPolicy.use_dfo=False__seed=0",
                "ParticleEnv.n_dim=2__IbcPolicy.use_dfo=False__seed=1",
                "ParticleEnv.n_dim=4__IbcPolicy.use_dfo=True__seed=0",
                "ParticleEnv.n_dim=4__IbcPolicy.use_dfo=True__seed=1",
                "ParticleEnv.n_dim=4__IbcPolicy.use_dfo=False__seed=0",
                "ParticleEnv.n_dim=4__IbcPolicy.use_dfo=False__seed=1"),
                p.points().stream().map(SweepPoint::id).toList());
        SweepPoint last = p.points().get(7);
        assertEquals(List.of("ParticleEnv.n_dim=4", "IbcPolicy.use_dfo=False"), last.bindings());
        assertEquals(1, last.seed());
        assertEquals("4", last.value("ParticleEnv.n_dim"));
        // Data depends on the env only: one set per n_dim, shared by methods and seeds.
        assertEquals(List.of(new DataSet("ParticleEnv.n_dim=2", List.of("ParticleEnv.n_dim=2")),
                new DataSet("ParticleEnv.n_dim=4", List.of("ParticleEnv.n_dim=4"))), p.dataSets());
        assertEquals("ParticleEnv.n_dim=4", last.dataKey());
        SweepSpec spec = SweepArgs.parse(SweepFixtures.args(dir.resolve("s"), dir.resolve("tiny.gin")));
        List<String> train = PointRunner.trainArgs(spec, new SweepLayout(dir.resolve("s")), last);
        assertTrue(train.containsAll(List.of("--tag=" + last.id(), "--gin_bindings=ParticleEnv.n_dim=4",
                "--gin_bindings=IbcPolicy.use_dfo=False", "--gin_bindings=train_eval.seed=1",
                "--gin_bindings=train_eval.root_dir='" + dir.resolve("s/runs") + "'",
                "--gin_bindings=train_eval.dataset_path='" + dir.resolve("s/data/ParticleEnv.n_dim=4")
                        .resolve(SweepPlan.DATA_FILES) + "'")), "" + train);
    }

    @Test
    void aConfigThatNamesItsDataCollectsNothing() throws Exception {
        SweepPlan p = plan("--gin_bindings=train_eval.dataset_path='/elsewhere/*.tfrecord'", "--seeds=3");
        assertEquals(List.of(), p.dataSets());
        assertEquals("seed=3", p.points().get(0).id());
        assertNull(p.points().get(0).dataKey());
    }

    @Test
    void aBadPointConfigStopsThePlanNamingThePoint() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> plan("--grid", "train_eval.batch_size=8,0"));
        assertTrue(e.getMessage().startsWith("point train_eval.batch_size=0__seed=0: "), e.getMessage());
        assertTrue(e.getMessage().contains("batch_size"), e.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> plan("--grid", "MLPEBM.widht=8,16"));
        assertTrue(unknown.getMessage().startsWith("--grid 'MLPEBM.widht=8,16': value 8: "), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("widht"), unknown.getMessage());
    }

    @Test
    void valuesThatNameTheSameRunDirAreRefused() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> plan("--grid", "train_eval.network='MLP EBM','MLP/EBM'"));
        assertTrue(e.getMessage().contains("get the same run dir name train_eval.network=_MLP_EBM___seed=0"),
                e.getMessage());
    }

    @Test
    void aGinFileAxisGivesEachPointItsOwnConfigNamedByTheFile() throws Exception {
        Path mse = dir.resolve("mse.gin");
        java.nio.file.Files.writeString(mse, String.join("\n", "train_eval.loss_type = 'mse'",
                "train_eval.network = 'MLPMSE'", "train_eval.batch_size = 8", "train_eval.num_iterations = 4",
                "train_eval.sequence_length = 2", "get_normalizers.nested_obs = True",
                "MLPMSE.width = 16", "MLPMSE.depth = 2", ""));
        Path ebm = SweepFixtures.tinyGin(dir);
        SweepSpec spec = SweepArgs.parse(new String[] {"--sweep_root=" + dir.resolve("s"),
            "--grid", "gin_file=" + ebm + "," + mse, "--grid", "ParticleEnv.n_dim=2,4"});
        SweepPlan p = SweepPlan.of(spec);
        assertEquals(List.of("gin_file=tiny__ParticleEnv.n_dim=2__seed=0", "gin_file=tiny__ParticleEnv.n_dim=4__seed=0",
                "gin_file=mse__ParticleEnv.n_dim=2__seed=0", "gin_file=mse__ParticleEnv.n_dim=4__seed=0"),
                p.points().stream().map(SweepPoint::id).toList());
        // Both methods share one data set per n_dim.
        assertEquals(2, p.dataSets().size());
        SweepPoint msePoint = p.points().get(3);
        List<String> train = PointRunner.trainArgs(spec, new SweepLayout(dir.resolve("s")), msePoint);
        assertTrue(train.contains("--gin_file=" + mse.toAbsolutePath().normalize()), "" + train);
        assertTrue(train.stream().noneMatch(a -> a.contains("tiny.gin")), "" + train);
        assertTrue(train.stream().noneMatch(a -> a.startsWith("--gin_bindings=gin_file")), "" + train);
        assertTrue(train.contains("--gin_bindings=ParticleEnv.n_dim=4"), "" + train);
        // Tables and plots name the file, not its path.
        assertEquals("mse", SweepSummary.shown(msePoint.bindings().get(0)));

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> SweepArgs.parse(new String[] {"--sweep_root=" + dir.resolve("s"),
                    "--grid", "gin_file=" + ebm + "," + dir.resolve("nope.gin")}));
        assertTrue(missing.getMessage().startsWith("--grid 'gin_file="), missing.getMessage());
        assertTrue(missing.getMessage().contains("nope.gin does not exist"), missing.getMessage());
        IllegalArgumentException noConfig = assertThrows(IllegalArgumentException.class,
                () -> SweepArgs.parse(new String[] {"--sweep_root=" + dir.resolve("s"),
                    "--grid", "ParticleEnv.n_dim=2,4"}));
        assertTrue(noConfig.getMessage().startsWith("--gin_file is required"), noConfig.getMessage());
    }

    @Test
    void aChangedGinFileOfTheAxisIsRefusedOnRerun() throws Exception {
        Path a = dir.resolve("a.gin");
        Path b = dir.resolve("b.gin");
        java.nio.file.Files.writeString(a, SweepFixtures.TINY);
        java.nio.file.Files.writeString(b, SweepFixtures.TINY.replace("MLPEBM.width = 16", "MLPEBM.width = 8"));
        String[] args = {"--sweep_root=" + dir.resolve("s"), "--grid", "gin_file=" + a + "," + b};
        SweepManifest.checkOrWrite(SweepArgs.parse(args));
        SweepManifest.checkOrWrite(SweepArgs.parse(args));
        // A file that joins the axis later is recorded then, and checked from then on.
        Path c = dir.resolve("c.gin");
        java.nio.file.Files.writeString(c, SweepFixtures.TINY.replace("MLPEBM.width = 16", "MLPEBM.width = 12"));
        String[] more = {"--sweep_root=" + dir.resolve("s"), "--grid", "gin_file=" + a + "," + b + "," + c};
        SweepManifest.checkOrWrite(SweepArgs.parse(more));
        java.nio.file.Files.writeString(c, SweepFixtures.TINY.replace("MLPEBM.width = 16", "MLPEBM.width = 10"));
        IllegalArgumentException late = assertThrows(IllegalArgumentException.class,
                () -> SweepManifest.checkOrWrite(SweepArgs.parse(more)));
        assertTrue(late.getMessage().contains("--grid gin file " + c.toAbsolutePath().normalize() + " has changed"),
                late.getMessage());
        java.nio.file.Files.writeString(b, SweepFixtures.TINY.replace("MLPEBM.width = 16", "MLPEBM.width = 4"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SweepManifest.checkOrWrite(SweepArgs.parse(args)));
        assertTrue(e.getMessage().contains("--grid gin file " + b.toAbsolutePath().normalize() + " has changed"),
                e.getMessage());
    }
}
