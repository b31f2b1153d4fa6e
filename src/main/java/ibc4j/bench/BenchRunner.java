package ibc4j.bench;

import ibc4j.runtime.StepMemory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times a {@link Workload} and its GEMM floor in the same JVM, interleaved: each repeat times one call and one
 * floor run back to back (alternating which goes first), so a machine shared with other jobs slows both alike and
 * the per-repeat ratio call/floor stays meaningful when absolute times drift.
 */
public final class BenchRunner {
    private BenchRunner() {}

    /** Everything one run measured; {@link #toMap()} is the JSON object. */
    public record Result(String name, String description, Map<String, Object> shape, int warmup, int repeats,
                         Summary callMs, Summary floorMs, Summary ratio, Summary callCpuMs, Summary floorCpuMs,
                         Summary cpuRatio, double usefulFlops, GemmFloor floor,
                         Map<String, Summary> phases, Map<String, Summary> parts, double peakRssMiB,
                         Map<String, Object> machine) {

        /** Useful GFLOP/s at the median call time. */
        public double gflops() {
            return usefulFlops / (callMs.median() * 1e6);
        }

        /** GFLOP/s of the floor's GEMMs at the median floor time. */
        public double floorGflops() {
            return floor.flops() / (floorMs.median() * 1e6);
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("benchmark", name);
            m.put("description", description);
            m.put("shape", shape);
            m.put("warmup", warmup);
            m.put("repeats", repeats);
            m.put("ms", callMs.toMap());
            m.put("floor_ms", floorMs.toMap());
            m.put("ratio", ratio.toMap());
            m.put("ratio_of_medians", callMs.median() / floorMs.median());
            m.put("cpu_ms", callCpuMs.toMap());
            m.put("floor_cpu_ms", floorCpuMs.toMap());
            m.put("cpu_ratio", cpuRatio.toMap());
            m.put("useful_gflop", usefulFlops / 1e9);
            m.put("gflops", gflops());
            m.put("floor_gflop", floor.flops() / 1e9);
            m.put("floor_gflops", floorGflops());
            m.put("floor_gemms", floor.describe());
            if (!phases.isEmpty()) {
                m.put("phases_ms", summaries(phases));
            }
            if (!parts.isEmpty()) {
                m.put("parts_ms", summaries(parts));
            }
            m.put("peak_rss_mib", peakRssMiB);
            m.put("machine", machine);
            return m;
        }

        private static Map<String, Object> summaries(Map<String, Summary> s) {
            Map<String, Object> m = new LinkedHashMap<>();
            s.forEach((k, v) -> m.put(k, v.toMap()));
            return m;
        }
    }

    static void inUnit(Runnable r) {
        try (StepMemory mem = StepMemory.open("bench_call")) {
            r.run();
        }
    }

    /**
     * @param warmup  untimed calls (and floor runs) first, for the JIT and the allocator
     * @param repeats timed pairs; each call runs in a {@link StepMemory} unit, as train_eval runs its steps, so
     *                its native arrays are reused rather than left to the collector (dl4j-lab.md §8)
     */
    public static Result run(Workload w, int warmup, int repeats) {
        if (warmup < 0 || repeats < 1) {
            throw new IllegalArgumentException("need warmup >= 0 and repeats >= 1, got " + warmup + ", " + repeats);
        }
        String loadBefore = MachineInfo.loadAverage();
        GemmFloor floor = w.floor();
        Runnable unitCall = () -> inUnit(w::call);
        Runnable floorRun = () -> inUnit(floor::run);
        for (int i = 0; i < warmup; i++) {
            unitCall.run();
            floorRun.run();
        }
        w.phases().reset();
        double[] call = new double[repeats];
        double[] fl = new double[repeats];
        double[] ratio = new double[repeats];
        double[] callCpu = new double[repeats];
        double[] flCpu = new double[repeats];
        double[] cpuRatio = new double[repeats];
        double[] t = new double[2];
        for (int i = 0; i < repeats; i++) {
            if (i % 2 == 0) {
                time(floorRun, t);
                fl[i] = t[0];
                flCpu[i] = t[1];
                time(unitCall, t);
                call[i] = t[0];
                callCpu[i] = t[1];
            } else {
                time(unitCall, t);
                call[i] = t[0];
                callCpu[i] = t[1];
                time(floorRun, t);
                fl[i] = t[0];
                flCpu[i] = t[1];
            }
            ratio[i] = call[i] / fl[i];
            cpuRatio[i] = flCpu[i] > 0 ? callCpu[i] / flCpu[i] : Double.NaN; // too short to register
        }
        Map<String, Summary> parts = w.parts(repeats);
        Map<String, Object> machine = MachineInfo.detect();
        machine.put("load_average_before", loadBefore);
        machine.put("load_average_after", machine.remove("load_average"));
        Map<String, Summary> phases = new LinkedHashMap<>();
        w.phases().samples().forEach((k, v) -> phases.put(k, Summary.of(v)));
        return new Result(w.name(), w.description(), w.shape(), warmup, repeats, Summary.of(call), Summary.of(fl),
                Summary.of(ratio), Summary.of(callCpu), Summary.of(flCpu), Summary.of(cpuRatio), w.usefulFlops(),
                floor, phases, parts, MachineInfo.peakRssMiB(), machine);
    }

    /**
     * Runs {@code r}; {@code out[0]} = wall-clock ms, {@code out[1]} = CPU ms of the whole process (all threads, BLAS
     * and OpenMP workers included). On a shared machine CPU time leaves out the time spent waiting for a core.
     */
    private static void time(Runnable r, double[] out) {
        long c = MachineInfo.processCpuNanos();
        long s = System.nanoTime();
        r.run();
        out[0] = (System.nanoTime() - s) / 1e6;
        out[1] = (MachineInfo.processCpuNanos() - c) / 1e6;
    }

    /** The human-readable report. */
    public static String format(Result r) {
        StringBuilder b = new StringBuilder();
        b.append("bench ").append(r.name()).append(": ").append(r.description()).append('\n');
        b.append(String.format("  %-22s median %10.3f  min %10.3f  max %10.3f   (%d repeats after %d warm-up)%n",
                "call ms", r.callMs().median(), r.callMs().min(), r.callMs().max(), r.repeats(), r.warmup()));
        b.append(String.format("  %-22s median %10.3f  min %10.3f  max %10.3f   (%d GEMMs: %s)%n", "GEMM floor ms",
                r.floorMs().median(), r.floorMs().min(), r.floorMs().max(), r.floor().gemmCount(),
                floorSummary(r.floor().shapes())));
        b.append(String.format("  %-22s median %10.3f  min %10.3f  max %10.3f   (per repeat; ratio of medians %.3f)%n",
                "ratio call/floor", r.ratio().median(), r.ratio().min(), r.ratio().max(),
                r.callMs().median() / r.floorMs().median()));
        b.append(String.format("  %-22s call %10.3f  floor %10.3f   ratio median %.3f [%.3f, %.3f] (process CPU time,"
                + " all threads)%n", "cpu ms, median", r.callCpuMs().median(), r.floorCpuMs().median(),
                r.cpuRatio().median(), r.cpuRatio().min(), r.cpuRatio().max()));
        b.append(String.format("  %-22s %.1f useful (%.2f GFLOP per call); floor GEMMs %.1f%n", "GFLOP/s",
                r.gflops(), r.usefulFlops() / 1e9, r.floorGflops()));
        if (!r.phases().isEmpty()) {
            b.append("  phases (ms per call, median [min, max]):\n");
            double total = r.phases().values().stream().mapToDouble(Summary::median).sum();
            r.phases().forEach((k, v) -> b.append(String.format("    %-20s %10.2f  [%.2f, %.2f]  %5.1f %%%n", k,
                    v.median(), v.min(), v.max(), 100 * v.median() / total)));
        }
        if (!r.parts().isEmpty()) {
            b.append("  parts (ms, median [min, max], each timed alone):\n");
            r.parts().forEach((k, v) -> b.append(String.format("    %-52s %9.3f  [%.3f, %.3f]%n", k, v.median(),
                    v.min(), v.max())));
        }
        b.append(String.format("  %-22s %.0f MiB%n", "peak RSS (VmHWM)", r.peakRssMiB()));
        Map<String, Object> m = r.machine();
        b.append(String.format("  %-22s %s (family/model %s), %s cores, OMP_WAIT_POLICY=%s, OMP_NUM_THREADS=%s%n",
                "machine", m.get("cpu_model"), m.get("cpu_family_model"), m.get("cores"), m.get("OMP_WAIT_POLICY"),
                m.get("OMP_NUM_THREADS")));
        b.append(String.format("  %-22s before %s, after %s%n", "load average", m.get("load_average_before"),
                m.get("load_average_after")));
        b.append(String.format("  %-22s Java %s; %s; %s; fused Langevin %s%n", "software", m.get("java"),
                m.get("nd4j_backend"), m.get("blas_jars"), m.get("fused_langevin")));
        return b.toString();
    }

    private static String floorSummary(List<GemmFloor.Shape> shapes) {
        StringBuilder b = new StringBuilder();
        for (GemmFloor.Shape s : shapes) {
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(String.format("%d × [%d,%d]·[%d,%d] %s%s", s.count(), s.m(), s.k(), s.k(), s.n(),
                    s.transA() ? "T" : "N", s.transB() ? "T" : "N"));
        }
        return b.toString();
    }
}
