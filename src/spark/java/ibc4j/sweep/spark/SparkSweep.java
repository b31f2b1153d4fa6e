package ibc4j.sweep.spark;

import ibc4j.sweep.DataCollector;
import ibc4j.sweep.DataSet;
import ibc4j.sweep.PointResult;
import ibc4j.sweep.PointRunner;
import ibc4j.sweep.SweepPlan;
import ibc4j.sweep.SweepPoint;
import ibc4j.sweep.SweepSpec;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Runs a sweep's plan on Spark: a stage that collects each missing data set (one task each), then a stage with one
 * task per unfinished point ({@code parallelize(points, points.size())}, so Spark never packs two points into one
 * task). A task's work is idempotent and records its own failures, so a task Spark retries (a lost executor) picks
 * the point up from its checkpoints, and a point that fails does not fail the job.
 */
public final class SparkSweep {
    private SparkSweep() {}

    /** Spark's settings for {@code spec}: master (unless spark-submit gave one), and one task's CPUs. */
    public static SparkConf conf(SweepSpec spec) {
        SparkConf conf = new SparkConf().setAppName("ibc4j sweep " + spec.root());
        if (spec.master() != null) {
            conf.setMaster(spec.master());
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        if (conf.get("spark.master").startsWith("local")) {
            // Embedded: the driver talks to itself, on loopback whatever the host name resolves to.
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
        }
        // Spark schedules as many points at once as each executor has cores / threads_per_run.
        conf.set("spark.task.cpus", Integer.toString(spec.threadsPerRun()));
        return conf;
    }

    /** Collects the data, then runs the points not yet finished; returns their results (markers are on disk). */
    public static List<PointResult> run(JavaSparkContext sc, SweepSpec spec, SweepPlan plan, List<SweepPoint> todo) {
        List<DataSet> data = plan.dataSets().stream()
                .filter(d -> todo.stream().anyMatch(p -> d.key().equals(p.dataKey()))).toList();
        if (!data.isEmpty()) {
            sc.setJobDescription("collect " + data.size() + " data set(s)");
            sc.parallelize(data, data.size()).map(d -> DataCollector.collect(spec, d)).collect();
        }
        if (todo.isEmpty()) {
            return List.of();
        }
        sc.setJobDescription("train " + todo.size() + " point(s)");
        return sc.parallelize(todo, todo.size()).map(p -> PointRunner.run(spec, p)).collect();
    }
}
