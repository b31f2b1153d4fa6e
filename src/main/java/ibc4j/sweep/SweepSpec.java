package ibc4j.sweep;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything a sweep needs, resolved once from its flags (or sweep file); small and serializable, so that a
 * cluster's executors get it with each task. Paths are absolute strings: executors run in other directories.
 *
 * @param root            the sweep root: {@code runs/}, {@code data/}, {@code points/}, {@code logs/}, summaries
 * @param ginFiles        the base config ({@code --gin_file})
 * @param bindings        bindings for every point ({@code --gin_bindings})
 * @param tasks           {@code --task} (PARTICLE by default)
 * @param axes            the grid
 * @param seeds           {@code train_eval.seed} values
 * @param threadsPerRun   CPU threads of one point (OpenMP/BLAS and the JVM), and Spark's {@code spark.task.cpus}
 * @param checkpointInterval steps between a point's checkpoints: what a killed point loses at most
 * @param skipEval        train without evaluation
 * @param collect         how data is collected for points whose config names none
 * @param retryFailed     run failed points again (a rerun otherwise keeps their recorded failure)
 * @param plotX           the x axis of the success plot (a grid parameter); null: the first numeric axis
 * @param master          Spark's master URL from {@code --master}; null: spark-submit's, else {@code local[*]}
 * @param child           how a point's JVM starts
 */
public record SweepSpec(String root, List<String> ginFiles, List<String> bindings, List<String> tasks,
                        List<GridAxis> axes, List<Integer> seeds, int threadsPerRun, int checkpointInterval,
                        boolean skipEval, Collect collect, boolean retryFailed, String plotX, String master,
                        ChildJvm child) implements Serializable {
    public SweepSpec {
        ginFiles = List.copyOf(ginFiles);
        bindings = List.copyOf(bindings);
        tasks = List.copyOf(tasks);
        axes = List.copyOf(axes);
        seeds = List.copyOf(seeds);
    }

    /**
     * Oracle collection, as {@code ibc4j collect}: {@code episodes} per replica, {@code replicas} files, replica i
     * seeded with {@code seed + i}.
     */
    public record Collect(int episodes, int replicas, long seed) implements Serializable {}

    /**
     * A point's JVM: the ibc4j class path (the core jar; its manifest brings {@code lib/}) and extra JVM options
     * ({@code --run_java_opts}, e.g. {@code -Xmx4g}).
     */
    public record ChildJvm(String classpath, List<String> javaOptions) implements Serializable {
        public ChildJvm {
            javaOptions = List.copyOf(javaOptions);
        }
    }

    public Path rootPath() {
        return Path.of(root);
    }
}
