package ibc4j.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Markers, skipping, recorded failures, the summary table and the success plot. */
class SweepResultsTest {
    @TempDir
    Path dir;

    private SweepSpec spec(String... more) throws Exception {
        return SweepArgs.parse(SweepFixtures.args(dir.resolve("s"), SweepFixtures.tinyGin(dir), more));
    }

    private static PointResult done(SweepPoint p, double success, double ret) {
        return new PointResult(p.id(), p.bindings(), p.seed(), PointResult.DONE, success, ret, 4L, 12.5, null,
                "runs/" + p.id());
    }

    @Test
    void theSummaryListsEveryPointInPlanOrder() throws Exception {
        SweepSpec spec = spec("--grid", "ParticleEnv.n_dim=2,4", "--seeds", "0,1");
        SweepPlan plan = SweepPlan.of(spec);
        SweepLayout layout = new SweepLayout(spec.rootPath());
        List<SweepPoint> p = plan.points();
        layout.write(done(p.get(0), 1.0, 5.5));
        layout.write(PointResult.failed(p.get(1), "runs/x", 3.25, 5L, "train: step 5: total_loss is NaN, a|b"));
        layout.write(done(p.get(3), 0.5, 2.0));
        assertEquals(done(p.get(0), 1.0, 5.5), layout.read(p.get(0).id()), "a marker reads back as written");

        List<SweepSummary.Row> rows = SweepSummary.rows(layout, plan);
        List<Path> files = SweepSummary.write(layout, spec.axes(), rows);
        assertEquals(List.of(
                "point,ParticleEnv.n_dim,seed,status,success_rate,average_return,steps,wall_seconds,error",
                "ParticleEnv.n_dim=2__seed=0,2,0,done,1.000,5.500,4,12.5,",
                "ParticleEnv.n_dim=2__seed=1,2,1,failed,,,5,3.3,\"train: step 5: total_loss is NaN, a|b\"",
                "ParticleEnv.n_dim=4__seed=0,4,0,pending,,,,,",
                "ParticleEnv.n_dim=4__seed=1,4,1,done,0.5000,2.000,4,12.5,"), Files.readAllLines(files.get(0)));
        List<String> md = Files.readAllLines(files.get(1));
        assertEquals("| point | ParticleEnv.n_dim | seed | status | success_rate | average_return | steps | "
                + "wall_seconds | error |", md.get(0));
        assertEquals("| ParticleEnv.n_dim=2__seed=1 | 2 | 1 | failed |  |  | 5 | 3.3 | "
                + "train: step 5: total_loss is NaN, a\\|b |", md.get(3));
        assertEquals("2 done, 1 failed, 1 pending.", md.get(md.size() - 1));
        int means = md.indexOf("Mean over seeds (of the points done with an eval):");
        assertEquals(List.of("| ParticleEnv.n_dim | seeds | success_rate | average_return |",
                "| --- | --- | --- | --- |", "| 2 | 1/2 | 1.000 | 5.500 |", "| 4 | 1/2 | 0.5000 | 2.000 |"),
                md.subList(means + 2, means + 6));
    }

    @Test
    void thePlotShowsMeanSuccessPerMethodAgainstTheNumericAxis() throws Exception {
        SweepSpec spec = spec("--grid", "IbcPolicy.use_dfo=True,False", "--grid", "ParticleEnv.n_dim=4,2",
                "--seeds", "0,1");
        SweepPlan plan = SweepPlan.of(spec);
        SweepLayout layout = new SweepLayout(spec.rootPath());
        double[] success = {1, 0.5, 0, 0, 0.25, 0.75, 1, 1};
        for (int i = 0; i < success.length; i++) {
            layout.write(done(plan.points().get(i), success[i], 0));
        }
        List<SweepSummary.Row> rows = SweepSummary.rows(layout, plan);
        GridAxis x = SweepPlot.xAxis(spec.axes(), null);
        assertEquals("ParticleEnv.n_dim", x.param(), "the first axis with numbers");
        Map<String, double[][]> s = SweepPlot.series(x, rows);
        assertEquals(List.of("IbcPolicy.use_dfo=True", "IbcPolicy.use_dfo=False"), List.copyOf(s.keySet()));
        // x ascending; y the mean of the two seeds: dfo=True at n_dim 2 is (0 + 0) / 2, at 4 (1 + 0.5) / 2.
        assertEquals(List.of(2.0, 4.0), List.of(s.get("IbcPolicy.use_dfo=True")[0][0], s.get("IbcPolicy.use_dfo=True")[0][1]));
        assertEquals(List.of(0.0, 0.75), List.of(s.get("IbcPolicy.use_dfo=True")[1][0], s.get("IbcPolicy.use_dfo=True")[1][1]));
        assertEquals(List.of(1.0, 0.5), List.of(s.get("IbcPolicy.use_dfo=False")[1][0], s.get("IbcPolicy.use_dfo=False")[1][1]));
        Path png = SweepPlot.write(layout, spec.axes(), null, rows);
        assertEquals(dir.resolve("s/success_vs_ParticleEnv.n_dim.png"), png);
        assertTrue(Files.size(png) > 1000);
        assertNull(SweepPlot.xAxis(List.of(GridAxis.parse("IbcPolicy.use_dfo=True,False")), null));
    }

    @Test
    void aFinishedPointIsSkippedAndAFailedOneKeepsItsFailureUnlessRetried() throws Exception {
        // A class path with no ibc4j: any point that did start would fail to load PointMain.
        SweepSpec spec = spec("--seeds", "0,1", "--ibc4j_classpath=" + dir.resolve("nothing.jar"));
        SweepPlan plan = SweepPlan.of(spec);
        SweepLayout layout = new SweepLayout(spec.rootPath());
        SweepPoint a = plan.points().get(0);
        SweepPoint b = plan.points().get(1);
        Files.createDirectories(layout.data(a.dataKey()));
        layout.write(done(a, 1, 3));
        layout.write(PointResult.failed(b, "r", 1, null, "train: boom"));
        assertEquals(done(a, 1, 3), PointRunner.run(spec, a));
        assertEquals("train: boom", PointRunner.run(spec, b).error());
        assertEquals(List.of(), Sweep.todo(spec, plan));

        SweepSpec retry = spec("--seeds", "0,1", "--ibc4j_classpath=" + dir.resolve("nothing.jar"), "--retry_failed");
        assertEquals(List.of(b), Sweep.todo(retry, plan));
        // An earlier attempt of b ran 100 s before it was killed: its time counts in the point's wall time.
        Files.writeString(layout.clock(b.id()), "100.0\n");
        PointResult crashed = PointRunner.run(retry, b);
        assertEquals(PointResult.FAILED, crashed.status());
        assertTrue(crashed.wallSeconds() > 100 && crashed.wallSeconds() < 100 + 60, "" + crashed.wallSeconds());
        assertEquals(crashed.wallSeconds(), Double.parseDouble(Files.readString(layout.clock(b.id()))), 0.05,
                "the clock keeps the total for the next attempt");
        assertTrue(crashed.error().contains("ibc4j.sweep.PointMain") && crashed.error().endsWith("(exit status 1)"),
                crashed.error());
        assertEquals(crashed, layout.read(b.id()), "the new failure is recorded");
        assertTrue(Files.readString(layout.log(b.id())).contains("train --progress=log --tag=" + b.id()));
    }

    @Test
    void aPointWhoseDataIsMissingFailsWithTrainsMessage() throws Exception {
        Path glob = dir.resolve("nowhere/*.tfrecord");
        SweepSpec spec = spec("--gin_bindings=train_eval.dataset_path='" + glob + "'");
        SweepPoint p = SweepPlan.of(spec).points().get(0);
        PointResult r = PointRunner.run(spec, p);
        assertEquals(PointResult.FAILED, r.status());
        assertTrue(r.error().startsWith("train: ") && r.error().contains(glob.toString())
                && r.error().endsWith("(exit status 2)"), r.error());
        assertEquals(r, new SweepLayout(spec.rootPath()).read(p.id()));
    }

    @Test
    void aRerunWithAnotherBaseConfigIsRefusedButMoreSeedsAreNot() throws Exception {
        java.io.PrintStream quiet = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
        Sweep.plan(spec("--seeds", "0"), quiet);
        assertTrue(Files.isRegularFile(dir.resolve("s/sweep.json")));
        assertEquals(2, Sweep.plan(spec("--seeds", "0,1"), quiet).points().size());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Sweep.plan(spec("--gin_bindings=MLPEBM.width=32"), quiet));
        assertTrue(e.getMessage().startsWith(dir.resolve("s") + " is a sweep whose gin_bindings was [], now "
                + "[MLPEBM.width=32]"), e.getMessage());
        Files.writeString(dir.resolve("tiny.gin"), SweepFixtures.TINY + "MLPEBM.depth = 3\n");
        String changed = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Sweep.plan(SweepArgs.parse(SweepFixtures.args(dir.resolve("s"), dir.resolve("tiny.gin"))),
                        quiet)).getMessage();
        assertTrue(changed.contains("gin_files_sha256"), changed);
    }

    @Test
    void pointsWhoseDataCouldNotBeCollectedFailSayingSo() throws Exception {
        SweepSpec spec = spec("--ibc4j_classpath=" + dir.resolve("nothing.jar"));
        SweepPlan plan = SweepPlan.of(spec);
        String err = DataCollector.collect(spec, plan.dataSets().get(0));
        assertTrue(err != null && err.contains("ibc4j.sweep.PointMain"), err);
        SweepLayout layout = new SweepLayout(spec.rootPath());
        assertTrue(!Files.exists(layout.data("default")), "the data dir appears only when whole");
        PointResult r = PointRunner.run(spec, plan.points().get(0));
        assertEquals("no data: collecting data/default failed (see " + layout.log("data-default") + ")", r.error());
    }
}
