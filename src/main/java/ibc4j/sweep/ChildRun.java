package ibc4j.sweep;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleConsumer;

/**
 * Runs one ibc4j command ({@code train} or {@code collect}) in a JVM of its own, its output appended to a log.
 *
 * <p>A child JVM rather than a call in the Spark task's JVM, because: the thread counts of libnd4j's OpenMP pool and
 * OpenBLAS are per process and fixed when ND4J loads ({@code OMP_NUM_THREADS}), so only a process of its own
 * bounds a point's threads; a native crash or an out-of-memory in one point then ends that point, not the Spark
 * executor (in embedded {@code local[*]} the executor is the sweep itself) with every other point in it; and a
 * point's native memory is returned whole when it ends. The cost is a JVM start and ND4J load per point, seconds
 * against minutes of training.
 */
final class ChildRun {
    private ChildRun() {}

    /** What a child printed in this attempt, and its exit status. */
    record Outcome(int exitCode, List<String> lines, double seconds) {
        /** The last line that reads as a command's error ({@code train: ...}), else the last line. */
        String error() {
            for (int i = lines.size() - 1; i >= 0; i--) {
                String l = lines.get(i);
                if (l.startsWith("train: ") || l.startsWith("collect: ") || l.startsWith("ibc4j")
                        || l.startsWith("Exception in thread")) {
                    return l.strip();
                }
            }
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return lines.get(i).strip();
                }
            }
            return "no output";
        }
    }

    /** Runs {@code command}; {@code tick} hears the attempt's seconds so far every {@link PointClock#TICK_SECONDS}. */
    static Outcome run(SweepSpec spec, List<String> command, Path log, DoubleConsumer tick)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        // The JVM's own pools (GC, collect's replica threads) see only this many CPUs.
        cmd.add("-XX:ActiveProcessorCount=" + spec.threadsPerRun());
        String cache = System.getProperty("org.bytedeco.javacpp.cachedir");
        if (cache != null) {
            cmd.add("-Dorg.bytedeco.javacpp.cachedir=" + cache);
        }
        cmd.addAll(spec.child().javaOptions());
        cmd.add("-cp");
        cmd.add(spec.child().classpath());
        cmd.add(PointMain.class.getName());
        cmd.addAll(command);
        Files.createDirectories(log.getParent());
        long offset = Files.isRegularFile(log) ? Files.size(log) : 0;
        Files.writeString(log, "# " + Instant.now() + " " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = pb.environment();
        env.put("OMP_NUM_THREADS", Integer.toString(spec.threadsPerRun()));
        env.putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
        long t0 = System.nanoTime();
        Process p = pb.start(); // stdin stays an open pipe: PointMain's sign of life
        try {
            while (!p.waitFor(PointClock.TICK_SECONDS, TimeUnit.SECONDS)) {
                tick.accept((System.nanoTime() - t0) / 1e9);
            }
            int rc = p.exitValue();
            double secs = (System.nanoTime() - t0) / 1e9;
            return new Outcome(rc, attempt(log, offset), secs);
        } catch (InterruptedException e) {
            // A killed Spark task: stop the point (its last checkpoint stays) before giving up the task.
            p.destroy();
            p.waitFor();
            throw e;
        } finally {
            p.getOutputStream().close();
        }
    }

    private static List<String> attempt(Path log, long offset) throws IOException {
        byte[] all = Files.readAllBytes(log);
        String text = new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
                StandardCharsets.UTF_8);
        return List.of(text.split("\n"));
    }
}
