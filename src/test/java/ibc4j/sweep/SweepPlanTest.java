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
}
