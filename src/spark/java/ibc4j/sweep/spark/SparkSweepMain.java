package ibc4j.sweep.spark;

import ibc4j.sweep.Sweep;
import ibc4j.sweep.SweepArgs;
import ibc4j.sweep.SweepPlan;
import ibc4j.sweep.SweepPoint;
import ibc4j.sweep.SweepSpec;
import ibc4j.sweep.SweepSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code ./ibc4j sweep} (and the main class of {@code ibc4j-spark.jar} for spark-submit). Exit status: 0 every
 * point done, 4 some point failed (recorded in the summary), 2 bad flags or config, 1 the Spark job itself failed.
 */
public final class SparkSweepMain {
    private SparkSweepMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (SweepArgs.asksForHelp(args)) {
            SweepArgs.usage(new PrintWriter(out));
            return 0;
        }
        SweepSpec spec;
        SweepPlan plan;
        try {
            spec = SweepArgs.parse(args);
            plan = Sweep.plan(spec, out);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            err.println("sweep: " + e.getMessage());
            return 2;
        }
        List<SweepPoint> todo = Sweep.todo(spec, plan);
        String failure = null;
        if (!todo.isEmpty()) {
            quietSpark();
            try (JavaSparkContext sc = new JavaSparkContext(SparkSweep.conf(spec))) {
                sc.sc().addSparkListener(new SummaryAfterEachPoint(spec, plan, err));
                out.println("sweep: " + todo.size() + " point(s) to run on " + sc.master() + ", "
                        + spec.threadsPerRun() + " thread(s) each");
                SparkSweep.run(sc, spec, plan, todo);
            } catch (Exception e) {
                // The summary below still shows what finished; a rerun resumes the rest. Exception, not only
                // RuntimeException: Scala throws the checked SparkException undeclared (a job cancelled when the
                // sweep is killed and Spark's shutdown hook stops the context), which would escape as a stack trace.
                failure = e.getMessage();
            }
        }
        try {
            List<SweepSummary.Row> rows = Sweep.finish(spec, plan, out);
            if (failure != null) {
                err.println("sweep: the Spark job failed (" + failure + "); rerun the same command to resume");
                return 1;
            }
            return rows.stream().allMatch(r -> r.result() != null && r.result().done()) ? 0 : 4;
        } catch (IOException | UncheckedIOException e) {
            err.println("sweep: writing the summary: " + e.getMessage());
            return 1;
        }
    }

    /**
     * Spark logs its every stage at INFO through Logback here; the sweep's own lines are what matter. The host name
     * and native-Hadoop notes are about clusters and HDFS, which embedded runs do not use.
     */
    private static void quietSpark() {
        for (String name : List.of("org.apache.spark", "org.sparkproject", "org.apache.hadoop", "io.netty",
                "org.apache.spark.util.Utils", "org.apache.hadoop.util.NativeCodeLoader")) {
            org.slf4j.Logger l = org.slf4j.LoggerFactory.getLogger(name);
            if (l instanceof ch.qos.logback.classic.Logger lb && lb.getLevel() == null) {
                lb.setLevel(name.contains("Utils") || name.contains("NativeCode") ? ch.qos.logback.classic.Level.ERROR
                        : ch.qos.logback.classic.Level.WARN);
            }
        }
    }
}
