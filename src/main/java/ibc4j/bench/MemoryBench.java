package ibc4j.bench;

import ibc4j.runtime.StepMemory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Resident memory over a long training loop: N training steps of the train-step workload, each in a
 * {@link StepMemory} unit as train_eval's loop runs them, never an explicit collection, with the resident set
 * (VmRSS) and the committed Java heap read half way and at the last step. The figure to watch is the growth
 * outside the Java heap: the step's native arrays live in one reused block, so it stays flat (before that block a
 * step left ~12 MB of native arrays only a collection freed, and a run once grew to 16 GB by step 1,400). The Java
 * heap itself grows as the JVM sizes it, up to {@code -Xmx}.
 */
public final class MemoryBench {
    private MemoryBench() {}

    /** The readings: RSS and committed heap in MiB half way and after the last step. */
    public record Result(int steps, int midStep, double rssAtMidMiB, double rssAtEndMiB, double heapAtMidMiB, double heapAtEndMiB,
                         double seconds, Map<String, Object> shape) {
        public double growthMiB() {
            return rssAtEndMiB - rssAtMidMiB;
        }

        /** Growth of what is not the Java heap (RSS − committed heap): the native arrays, the figure to watch. */
        public double nativeGrowthMiB() {
            return (rssAtEndMiB - heapAtEndMiB) - (rssAtMidMiB - heapAtMidMiB);
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("bench", "memory");
            m.put("steps", steps);
            m.put("mid_step", midStep);
            m.put("rss_mib_at_mid_step", rssAtMidMiB);
            m.put("rss_mib_at_end", rssAtEndMiB);
            m.put("heap_committed_mib_at_mid_step", heapAtMidMiB);
            m.put("heap_committed_mib_at_end", heapAtEndMiB);
            m.put("native_growth_mib", nativeGrowthMiB());
            m.put("growth_mib", growthMiB());
            m.put("seconds", seconds);
            m.put("shape", shape);
            m.put("machine", MachineInfo.detect());
            return m;
        }
    }

    public static Result run(BenchShapes shapes, int steps) {
        if (steps < 100) {
            throw new IllegalArgumentException("--train-steps: at least 100 (the first reading is half way)");
        }
        // The first half warms up (JIT code, the step's block learning its size, malloc arenas): compare the halves.
        int mid = steps / 2;
        Workload w = Workloads.trainStep(shapes, false);
        double atMid = -1;
        double heapMid = -1;
        long t0 = System.nanoTime();
        for (int s = 1; s <= steps; s++) {
            try (StepMemory mem = StepMemory.open("train_step")) {
                w.call();
            }
            if (s == mid) {
                atMid = MachineInfo.rssMiB();
                heapMid = heapCommittedMiB();
            }
            if (Boolean.getBoolean("ibc4j.bench.trace") && s % 50 == 0) {
                Runtime rt = Runtime.getRuntime();
                System.err.printf(java.util.Locale.ROOT, "step %d rss %.0f MiB heap committed %d MiB used %d MiB%n", s,
                        MachineInfo.rssMiB(), rt.totalMemory() >> 20, (rt.totalMemory() - rt.freeMemory()) >> 20);
            }
        }
        return new Result(steps, mid, atMid, MachineInfo.rssMiB(), heapMid, heapCommittedMiB(), (System.nanoTime() - t0) / 1e9,
                w.shape());
    }

    private static double heapCommittedMiB() {
        return Runtime.getRuntime().totalMemory() / 1048576.0;
    }

    public static String format(Result r) {
        return String.format(java.util.Locale.ROOT, "bench memory: %d training steps (%s) in %.0f s%n"
                        + "  RSS at step %-10d %.0f MiB (Java heap committed %.0f MiB)%n"
                        + "  RSS at step %-10d %.0f MiB (Java heap committed %.0f MiB)%n"
                        + "  growth                 %+.0f MiB, of which outside the Java heap %+.0f MiB%n",
                r.steps(), r.shape(), r.seconds(), r.midStep(), r.rssAtMidMiB(), r.heapAtMidMiB(), r.steps(),
                r.rssAtEndMiB(),
                r.heapAtEndMiB(), r.growthMiB(), r.nativeGrowthMiB());
    }
}
