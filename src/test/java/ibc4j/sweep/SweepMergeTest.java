package ibc4j.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sweep-summary: several sweeps' summary.csv files as one table and plot. */
class SweepMergeTest {
    private static final String MSE = "configs/particle/mlp_mse.gin";
    private static final String LANGEVIN = "configs/particle/mlp_ebm_langevin.gin";
    private static final String HEADER =
            "point,gin_file,ParticleEnv.n_dim,seed,status,success_rate,average_return,steps,wall_seconds,error";

    @TempDir
    Path dir;

    private static SweepPoint point(String gin, int n) {
        List<String> b = List.of("gin_file=" + gin, "ParticleEnv.n_dim=" + n);
        return new SweepPoint(SweepPoint.safe(GridAxis.label(b.get(0)) + "__" + b.get(1) + "__seed=0"), b, 0, null);
    }

    private static SweepSummary.Row done(SweepPoint p, double success) {
        return new SweepSummary.Row(p, new PointResult(p.id(), p.bindings(), 0, PointResult.DONE, success, success,
                5000L, 60.0, null, "runs/" + p.id()));
    }

    /** A sweep root whose summary the sweep itself wrote, over the given files and N values. */
    private Path sweep(String name, List<String> gins, List<SweepSummary.Row> rows) throws Exception {
        Path root = dir.resolve(name);
        List<GridAxis> axes = List.of(new GridAxis("gin_file", gins, "gin_file=" + String.join(",", gins)),
                new GridAxis("ParticleEnv.n_dim", List.of("2", "4"), "ParticleEnv.n_dim=2,4"));
        SweepSummary.write(new SweepLayout(root), axes, rows);
        return root;
    }

    private Path methodsSweep() throws Exception {
        return sweep("a", List.of(MSE, LANGEVIN), List.of(done(point(MSE, 2), 0.0), done(point(MSE, 4), 0.25),
                new SweepSummary.Row(point(LANGEVIN, 2), null), new SweepSummary.Row(point(LANGEVIN, 4), null)));
    }

    private Path langevinSweep(SweepSummary.Row... extra) throws Exception {
        List<SweepSummary.Row> rows = new ArrayList<>(List.of(done(point(LANGEVIN, 2), 0.95),
                new SweepSummary.Row(point(LANGEVIN, 4), null)));
        rows.addAll(List.of(extra));
        return sweep("b", List.of(LANGEVIN), rows);
    }

    @Test
    void aPendingPointTakesItsResultFromAnotherSweep() throws Exception {
        SweepMerge.Merged m = SweepMerge.read(List.of(methodsSweep(), langevinSweep()));
        Sweep.Written w = SweepMerge.write(dir.resolve("all"), m, null);
        assertEquals(List.of(HEADER,
                "gin_file=mlp_mse__ParticleEnv.n_dim=2__seed=0,mlp_mse,2,0,done,0.000,0.000,5000,60.0,",
                "gin_file=mlp_mse__ParticleEnv.n_dim=4__seed=0,mlp_mse,4,0,done,0.2500,0.2500,5000,60.0,",
                "gin_file=mlp_ebm_langevin__ParticleEnv.n_dim=2__seed=0,mlp_ebm_langevin,2,0,done,0.9500,0.9500,5000,"
                        + "60.0,",
                "gin_file=mlp_ebm_langevin__ParticleEnv.n_dim=4__seed=0,mlp_ebm_langevin,4,0,pending,,,,,"),
                Files.readAllLines(w.files().get(0)));
        List<String> md = Files.readAllLines(w.files().get(1));
        assertEquals("3 done, 0 failed, 1 pending.", md.get(md.size() - 1));
        assertTrue(md.contains("| mlp_ebm_langevin | 2 | 1/1 | 0.9500 | 0.9500 |"), String.join("\n", md));

        Map<String, double[][]> s = SweepPlot.series(m.axes().get(1), m.rows());
        assertEquals(List.of("gin_file=mlp_mse", "gin_file=mlp_ebm_langevin"), List.copyOf(s.keySet()));
        assertArrayEquals(new double[][] {{2, 4}, {0.0, 0.25}}, s.get("gin_file=mlp_mse"));
        assertArrayEquals(new double[][] {{2}, {0.95}}, s.get("gin_file=mlp_ebm_langevin"));
        assertEquals(dir.resolve("all/success_vs_ParticleEnv.n_dim.png"), w.plot());
        assertTrue(Files.size(w.plot()) > 1000);
    }

    @Test
    void aPointWithResultsInTwoSweepsIsRefusedNamingBoth() throws Exception {
        Path a = methodsSweep();
        Path b = langevinSweep(done(point(MSE, 4), 0.5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SweepMerge.read(List.of(a, b)));
        assertEquals("point gin_file=mlp_mse__ParticleEnv.n_dim=4__seed=0 has a result in both "
                + a.resolve("summary.csv") + " record 3 (done) and " + b.resolve("summary.csv") + " record 4 (done); "
                + "a merged table takes one result per point: drop the row from one of them", e.getMessage());
    }

    @Test
    void summariesOfDifferentGridsAreRefused() throws Exception {
        Path a = methodsSweep();
        Path other = dir.resolve("other.csv");
        Files.writeString(other, "point,ParticleEnv.n_dim,seed,status,success_rate,average_return,steps,"
                + "wall_seconds,error\nParticleEnv.n_dim=2__seed=0,2,0,pending,,,,,\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SweepMerge.read(List.of(a, other)));
        assertTrue(e.getMessage().startsWith(other + ": its grid columns [ParticleEnv.n_dim] differ from "),
                e.getMessage());
    }

    @Test
    void badRecordsAreNamedByFileRecordAndColumn() throws Exception {
        Path f = dir.resolve("bad.csv");
        Files.writeString(f, HEADER + "\ngin_file=mlp_mse__ParticleEnv.n_dim=2__seed=0,mlp_mse,2,0,done,0.5,1,10,"
                + "3.0,\ngin_file=mlp_mse__ParticleEnv.n_dim=4__seed=0,mlp_mse,4,0,done,half,1,10,3.0,\n");
        assertEquals(f + " record 3: column success_rate: 'half' is not a number", assertThrows(
                IllegalArgumentException.class, () -> SweepMerge.read(List.of(f))).getMessage());

        Files.writeString(f, HEADER + "\nx,mlp_mse,2,0,finished,,,,,\n");
        assertEquals(f + " record 2: column status: 'finished' is none of done, failed, pending", assertThrows(
                IllegalArgumentException.class, () -> SweepMerge.read(List.of(f))).getMessage());

        Files.writeString(f, HEADER + "\nx,mlp_mse,2,0,done\n");
        assertEquals(f + " record 2: 5 fields; the header has 10", assertThrows(
                IllegalArgumentException.class, () -> SweepMerge.read(List.of(f))).getMessage());

        Files.writeString(f, "step,loss\n1,0.5\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SweepMerge.read(List.of(f))).getMessage()
                .startsWith(f + ": record 1: not a sweep summary's header"));
    }

    private static final class Run {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code;

        Run(String... args) {
            code = SweepSummaryMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
        }

        String err() {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void theCommandWritesTheMergedTableAndRefusesMistakesInOneLine() throws Exception {
        Path a = methodsSweep();
        Path b = langevinSweep();
        Run ok = new Run("--summary", a.toString(), "--summary", b.resolve("summary.csv").toString(),
                "--out", dir.resolve("all").toString());
        assertEquals(0, ok.code, ok.err());
        assertTrue(ok.out.toString(StandardCharsets.UTF_8).startsWith(
                "sweep-summary: 4 points from 2 summaries: 3 done, 0 failed, 1 pending\n"));
        assertTrue(Files.isRegularFile(dir.resolve("all/summary.md")));

        Run intoARoot = new Run("--summary", a.toString(), "--summary", b.toString(), "--out", b.toString());
        assertEquals(2, intoARoot.code);
        assertTrue(intoARoot.err().contains("would replace that sweep's own"), intoARoot.err());

        Path broken = dir.resolve("broken.csv");
        Files.writeString(broken, HEADER + "\n\"x,mlp_mse,2,0,done,,,,,\n");
        Run bad = new Run("--summary", broken.toString(), "--out", dir.resolve("c").toString());
        assertEquals(2, bad.code);
        assertTrue(bad.err().startsWith("sweep-summary: " + broken + ": not a CSV file: "), bad.err());

        Run missing = new Run("--summary", dir.resolve("nowhere").toString(), "--out", dir.resolve("d").toString());
        assertEquals(2, missing.code);
        assertTrue(missing.err().contains(dir.resolve("nowhere") + ": no such file"), missing.err());

        Run noOut = new Run("--summary", a.toString());
        assertEquals(2, noOut.code);
        for (Run r : List.of(intoARoot, bad, missing, noOut)) {
            assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
        }
        assertFalse(Files.exists(dir.resolve("c")), "a failed merge writes nothing");
    }
}
