package ibc4j.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Wall-clock time per phase of a repeated call (System.nanoTime between marks). {@link #OFF} does nothing, so a
 * call can carry its timer unconditionally ({@code ImplicitBCAgent} does; {@code bench train-step --phases} turns
 * it on). Laps outside a begin/end pair are ignored, so the phases of a sub-call made on its own do not count.
 * <pre>
 *   timer.begin();  ... timer.lap("sampling");  ... timer.lap("langevin");  ...  timer.end();
 * </pre>
 * Not thread-safe.
 */
public final class PhaseTimer {
    /** A timer that records nothing. */
    public static final PhaseTimer OFF = new PhaseTimer(false);

    private final boolean on;
    private final Map<String, List<Double>> samples = new LinkedHashMap<>();
    private final Map<String, Double> current = new LinkedHashMap<>();
    private long mark;
    private boolean inCall;

    private PhaseTimer(boolean on) {
        this.on = on;
    }

    public static PhaseTimer on() {
        return new PhaseTimer(true);
    }

    public boolean enabled() {
        return on;
    }

    /** Starts a call. */
    public void begin() {
        if (on) {
            current.clear();
            inCall = true;
            mark = System.nanoTime();
        }
    }

    /** Charges the time since the last mark to {@code phase} (summed if a phase recurs within a call). */
    public void lap(String phase) {
        if (on && inCall) {
            long now = System.nanoTime();
            current.merge(phase, (now - mark) / 1e6, Double::sum);
            mark = now;
        }
    }

    /** Ends a call: its per-phase times become one sample each. */
    public void end() {
        if (on && inCall) {
            current.forEach((k, v) -> samples.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
            current.clear();
            inCall = false;
        }
    }

    /** Forgets the calls so far (e.g. the warm-up). */
    public void reset() {
        samples.clear();
        current.clear();
    }

    /** Phase → its per-call milliseconds, in first-seen order. */
    public Map<String, double[]> samples() {
        Map<String, double[]> out = new LinkedHashMap<>();
        samples.forEach((k, v) -> out.put(k, v.stream().mapToDouble(Double::doubleValue).toArray()));
        return out;
    }

    /** Phase → median of its per-call milliseconds. */
    public Map<String, Double> medians() {
        Map<String, Double> out = new LinkedHashMap<>();
        samples().forEach((k, v) -> {
            double[] s = v.clone();
            Arrays.sort(s);
            out.put(k, s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]));
        });
        return out;
    }
}
