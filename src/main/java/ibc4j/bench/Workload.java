package ibc4j.bench;

import ibc4j.runtime.PhaseTimer;
import java.util.Map;

/** One benchmarked call with its GEMM floor and useful FLOPs. */
public interface Workload {
    /** The bench name: langevin, train-step, inference or gemm. */
    String name();

    /** One line for the report header. */
    String description();

    /** The shapes, for JSON. */
    Map<String, Object> shape();

    /** One timed call. */
    void call();

    /** The call's big GEMMs alone. */
    GemmFloor floor();

    /** FLOPs of the minimal algorithm: its GEMMs, big and thin, at 2·m·n·k; elementwise work is not counted. */
    double usefulFlops();

    /** Phase times inside the call, when the workload has phases and they were asked for. */
    default PhaseTimer phases() {
        return PhaseTimer.OFF;
    }

    /** Extra per-part timings taken after the repeats, in the same JVM (name → milliseconds). */
    default Map<String, Summary> parts(int repeats) {
        return Map.of();
    }
}
