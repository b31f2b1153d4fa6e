package ibc4j.bench;

import ibc4j.runtime.StepMemory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Resident memory over a long training loop: N training steps of the train-step workload, each in a
 * {@link StepMemory} unit as train_eval's loop runs them, never an explicit collection, with the resident set
 * (VmRSS) read at step 100 and at the last step. Growth between the two readings is the figure to watch: the
 * step's native arrays live in one reused block, so it stays flat (before that block a step left ~12 MB of native
 * arrays only a collection freed, and a run once grew to 16 GB by step 1,400).
 */
public final class MemoryBench {
    private MemoryBench() {}

    /** The readings: RSS in MiB after step 100 and after the last step. */
    public record Result(int steps, double rssAt100MiB, double rssAtEndMiB, double seconds, Map<String, Object> shape) {
        public double growthMiB() {
            return rssAtEndMiB - rssAt100MiB;
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("bench", "memory");
            m.put("steps", steps);
            m.put("rss_mib_at_step_100", rssAt100MiB);
            m.put("rss_mib_at_end", rssAtEndMiB);
            m.put("growth_mib", growthMiB());
            m.put("seconds", seconds);
            m.put("shape", shape);
            m.put("machine", MachineInfo.detect());
            return m;
        }
    }

    public static Result run(BenchShapes shapes, int steps) {
        if (steps < 100) {
            throw new IllegalArgumentException("--train-steps: at least 100 (the first reading is at step 100)");
        }
        Workload w = Workloads.trainStep(shapes, false);
        double at100 = -1;
        long t0 = System.nanoTime();
        for (int s = 1; s <= steps; s++) {
            try (StepMemory mem = StepMemory.open("train_step")) {
                w.call();
            }
            if (s == 100) {
                at100 = MachineInfo.rssMiB();
            }
        }
        return new Result(steps, at100, MachineInfo.rssMiB(), (System.nanoTime() - t0) / 1e9, w.shape());
    }

    public static String format(Result r) {
        return String.format(java.util.Locale.ROOT, "bench memory: %d training steps (%s) in %.0f s%n"
                        + "  RSS at step 100        %.0f MiB%n  RSS at step %-10d %.0f MiB%n  growth                 %+.0f MiB%n",
                r.steps(), r.shape(), r.seconds(), r.rssAt100MiB(), r.steps(), r.rssAtEndMiB(), r.growthMiB());
    }
}
