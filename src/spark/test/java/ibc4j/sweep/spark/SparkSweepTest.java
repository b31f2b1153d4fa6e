package ibc4j.sweep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.sweep.PointResult;
import ibc4j.sweep.Sweep;
import ibc4j.sweep.SweepArgs;
import ibc4j.sweep.SweepFixtures;
import ibc4j.sweep.SweepLayout;
import ibc4j.sweep.SweepPlan;
import ibc4j.sweep.SweepSpec;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny sweep on embedded Spark {@code local[2]}: 2 learning rates x 2 seeds of the 4-step particle config, one
 * data set collected for all four. The rate 1e38 overflows the weights, so its points stop on a NaN: they are
 * recorded as failed and the others finish. A rerun runs nothing; a point that lost its marker and its last
 * checkpoint (a sweep killed mid-point) resumes from the checkpoint before.
 */
class SparkSweepTest {
    private static final String OK = "train_eval.learning_rate=0.001__seed=";
    private static final String NAN = "train_eval.learning_rate=1e38__seed=";

    @TempDir
    static Path dir;
    private static String uiBefore;

    @BeforeAll
    static void noSparkUi() {
        uiBefore = System.setProperty("spark.ui.enabled", "false");
    }

    @AfterAll
    static void restore() {
        if (uiBefore == null) {
            System.clearProperty("spark.ui.enabled");
        } else {
            System.setProperty("spark.ui.enabled", uiBefore);
        }
    }

    private record Run(int rc, String out, String err) {}

    private static Run sweep(Path root) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = SparkSweepMain.run(SweepFixtures.args(root, SweepFixtures.tinyGin(dir), "--master=local[2]",
                "--grid", "train_eval.learning_rate=0.001,1e38", "--seeds", "0,1"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aTinySweepRunsFailsOnePointResumesAndSkips() throws Exception {
        Path root = dir.resolve("sweep");
        SweepLayout layout = new SweepLayout(root);
        Run first = sweep(root);
        assertEquals(4, first.rc(), "some point failed: " + first);
        assertTrue(first.out().contains("4 point(s) to run on local[2]"), first.out());
        try (Stream<Path> data = Files.list(layout.data("default"))) {
            assertEquals(2, data.filter(f -> f.toString().endsWith(".tfrecord")).count(), "2 replicas, one data set");
        }
        for (int seed : new int[] {0, 1}) {
            PointResult ok = layout.read(OK + seed);
            assertEquals(PointResult.DONE, ok.status(), ok.toString());
            assertEquals(4L, ok.steps());
            double s = ok.successRate();
            assertTrue(s == 0.0 || s == 1.0, "one episode succeeds or not: " + s);
            assertTrue(Files.isRegularFile(layout.runs().resolve(OK + seed).resolve("train/checkpoints/ckpt-4.zip")));
            assertTrue(Files.isRegularFile(layout.runs().resolve(OK + seed).resolve("eval/metrics.jsonl")));
            PointResult nan = layout.read(NAN + seed);
            assertEquals(PointResult.FAILED, nan.status(), nan.toString());
            assertTrue(nan.error().contains("NaN") && nan.error().endsWith("(exit status 3)"), nan.error());
        }
        List<String> csv = Files.readAllLines(root.resolve("summary.csv"));
        assertEquals(5, csv.size(), "header and 4 points: " + csv);
        assertTrue(csv.get(1).startsWith(OK + "0,0.001,0,done,"), csv.get(1));
        assertTrue(csv.get(3).startsWith(NAN + "0,1e38,0,failed,"), csv.get(3));
        assertTrue(Files.readString(root.resolve("summary.md")).contains("2 done, 2 failed, 0 pending."));
        assertTrue(Files.size(root.resolve("success_vs_train_eval.learning_rate.png")) > 1000);
        assertTrue(first.out().contains("tensorboard --logdir " + layout.runs()), first.out());

        // Rerun: every point has its marker, so nothing starts (no Spark job, no new log line).
        long logSize = Files.size(layout.log(OK + "0"));
        Run again = sweep(root);
        assertEquals(4, again.rc(), again.toString());
        assertTrue(again.out().contains("4 points (4 finished, skipped)"), again.out());
        assertFalse(again.out().contains("to run on"), again.out());
        assertEquals(logSize, Files.size(layout.log(OK + "0")));

        // A sweep killed while point seed=1 trained: no marker yet, its newest checkpoint not written.
        Path run = layout.runs().resolve(OK + "1");
        Files.delete(layout.marker(OK + "1"));
        Files.delete(run.resolve("train/checkpoints/ckpt-4.zip"));
        Run resumed = sweep(root);
        assertEquals(4, resumed.rc(), resumed.toString());
        assertTrue(resumed.out().contains("1 point(s) to run"), resumed.out());
        String log = Files.readString(layout.log(OK + "1"));
        String attempt = log.substring(log.lastIndexOf("\n# ") + 1);
        assertTrue(attempt.contains("resuming from") && attempt.contains("ckpt-2"), attempt);
        assertEquals(4L, layout.read(OK + "1").steps());
        assertTrue(Files.isRegularFile(run.resolve("train/checkpoints/ckpt-4.zip")));
    }

    /**
     * The driver's listener rewrites the summary when a task ends, from the markers on disk: a long sweep shows its
     * finished points while it runs, and after it is killed.
     */
    @Test
    void theSummaryIsRewrittenWhenATaskEndsNotOnlyWhenTheJobReturns() throws Exception {
        Path root = dir.resolve("listener");
        SweepSpec spec = SweepArgs.parse(SweepFixtures.args(root, SweepFixtures.tinyGin(dir), "--master=local[2]",
                "--grid", "train_eval.learning_rate=0.001,1e38", "--seeds", "0,1"));
        SweepPlan plan = Sweep.plan(spec, new PrintStream(OutputStream.nullOutputStream()));
        assertFalse(Files.exists(root.resolve("summary.csv")));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        new SummaryAfterEachPoint(spec, plan, new PrintStream(err, true, StandardCharsets.UTF_8)).onTaskEnd(null);
        List<String> csv = Files.readAllLines(root.resolve("summary.csv"));
        assertEquals(5, csv.size(), "header and 4 points: " + csv);
        assertTrue(csv.get(1).startsWith(OK + "0,0.001,0,pending,"), csv.get(1));
        assertTrue(Files.readString(root.resolve("summary.md")).contains("0 done, 0 failed, 4 pending."));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badFlagsStopBeforeSparkStartsWithOneLine() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path root = dir.resolve("bad");
        int rc = SparkSweepMain.run(SweepFixtures.args(root, SweepFixtures.tinyGin(dir), "--grid",
                "ParticleEnv.n_dim=2,,4"), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, rc);
        assertEquals("sweep: --grid 'ParticleEnv.n_dim=2,,4': value 2 is empty\n",
                err.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(root), "nothing written for a refused sweep");
        assertEquals(0, SparkSweepMain.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--threads_per_run"));
    }
}
