package ibc4j.parity;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Per-step comparison of an iterative computation (Langevin chain, DFO iterations, training steps) with its golden
 * trajectory, in two modes.
 *
 * <ul>
 *   <li><b>teacher-forced</b>: step k starts from the golden state k, so errors cannot accumulate and a failure
 *       points at the step whose math differs;</li>
 *   <li><b>free-running</b>: step k starts from ibc4j's own state k, as in real use; the drift (max |Δ| at each
 *       step) shows how float32 differences grow along the chain.</li>
 * </ul>
 * Randomness (Langevin noise, DFO samples) must come from the golden: {@link Step} receives the step index so it
 * can fetch step k's noise.
 */
public final class ChainComparison {
    private ChainComparison() {}

    /** One step of the chain: state k → state k+1 (k counts from 0). */
    @FunctionalInterface
    public interface Step {
        INDArray apply(int k, INDArray state) throws Exception;
    }

    /** Which way a chain was driven. */
    public enum Mode {
        TEACHER_FORCED("teacher-forced"), FREE_RUNNING("free-running");

        private final String label;

        Mode(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** Teacher-forced: {@code expected.get(k)} is compared with {@code step(k, inputs.get(k))}. */
    public static ChainResult teacherForced(String name, List<INDArray> inputs, List<INDArray> expected, Step step,
                                            Tolerance tolerance) throws Exception {
        if (inputs.size() != expected.size()) {
            throw new IllegalArgumentException(name + ": " + inputs.size() + " step inputs but " + expected.size()
                    + " expected outputs");
        }
        List<Comparison> out = new ArrayList<>();
        for (int k = 0; k < expected.size(); k++) {
            out.add(Comparison.of(stepName(name, k), expected.get(k), step.apply(k, inputs.get(k)), tolerance));
        }
        return new ChainResult(name, Mode.TEACHER_FORCED, out);
    }

    /** Free-running from {@code initial}: state k+1 = step(k, state k), compared with {@code expected.get(k)}. */
    public static ChainResult freeRunning(String name, INDArray initial, List<INDArray> expected, Step step,
                                          Tolerance tolerance) throws Exception {
        List<Comparison> out = new ArrayList<>();
        INDArray state = initial;
        for (int k = 0; k < expected.size(); k++) {
            state = step.apply(k, state);
            out.add(Comparison.of(stepName(name, k), expected.get(k), state, tolerance));
        }
        return new ChainResult(name, Mode.FREE_RUNNING, out);
    }

    /** Teacher-forced on a stacked trajectory {@code [K+1, ...]}: state k → state k+1 for k = 0..K-1. */
    public static ChainResult teacherForced(String name, INDArray trajectory, Step step, Tolerance tolerance)
            throws Exception {
        List<INDArray> states = unstack(trajectory);
        return teacherForced(name, states.subList(0, states.size() - 1), states.subList(1, states.size()), step,
                tolerance);
    }

    /** Free-running on a stacked trajectory {@code [K+1, ...]}: starts at slice 0, compares slices 1..K. */
    public static ChainResult freeRunning(String name, INDArray trajectory, Step step, Tolerance tolerance)
            throws Exception {
        List<INDArray> states = unstack(trajectory);
        return freeRunning(name, states.get(0), states.subList(1, states.size()), step, tolerance);
    }

    /** The slices of {@code stacked} along axis 0, each a fresh C-order array. */
    public static List<INDArray> unstack(INDArray stacked) {
        if (stacked.rank() < 1 || stacked.size(0) < 1) {
            throw new IllegalArgumentException("expected a stacked [K, ...] array, got " + Fmt.shape(stacked.shape()));
        }
        List<INDArray> out = new ArrayList<>();
        for (long k = 0; k < stacked.size(0); k++) {
            out.add(stacked.slice(k).dup('c'));
        }
        return out;
    }

    private static String stepName(String name, int k) {
        return name + "@step" + k;
    }

    /**
     * The per-step comparisons of one chain.
     *
     * @param name  tensor name, e.g. {@code actions}
     * @param mode  teacher-forced or free-running
     * @param steps one comparison per step, step 0 first
     */
    public record ChainResult(String name, Mode mode, List<Comparison> steps) {
        public ChainResult {
            if (steps.isEmpty()) {
                throw new IllegalArgumentException(name + ": a chain needs at least one step");
            }
            steps = List.copyOf(steps);
        }

        /** True when every step passes. */
        public boolean pass() {
            return steps.stream().allMatch(Comparison::pass);
        }

        /** The first failing step, or -1. */
        public int firstFailingStep() {
            for (int k = 0; k < steps.size(); k++) {
                if (!steps.get(k).pass()) {
                    return k;
                }
            }
            return -1;
        }

        /** max |Δ| at each step: the drift curve. */
        public double[] drift() {
            return steps.stream().mapToDouble(Comparison::maxAbs).toArray();
        }

        /** The step to show: the first failing one, else the one using most of its tolerance. */
        public Comparison worst() {
            int f = firstFailingStep();
            if (f >= 0) {
                return steps.get(f);
            }
            Comparison w = steps.get(0);
            for (Comparison c : steps) {
                if (c.worstScore() > w.worstScore()) {
                    w = c;
                }
            }
            return w;
        }

        /** {@code free-running, 100 steps, drift max|Δ|: step0 1e-7, step25 ..., step99 3.1e-5}. */
        public String driftSummary() {
            double[] d = drift();
            StringBuilder sb = new StringBuilder(mode + ", " + d.length + " steps, drift max|Δ|:");
            int n = d.length;
            // Five points (first, quartiles, last) show growth without a 100-number line.
            java.util.SortedSet<Integer> at = new java.util.TreeSet<>(List.of(0, n / 4, n / 2, 3 * n / 4, n - 1));
            for (int k : at) {
                sb.append(String.format(Locale.ROOT, " step%d %s,", k, Fmt.sci(d[k])));
            }
            sb.setLength(sb.length() - 1);
            int f = firstFailingStep();
            return f >= 0 ? sb + "; first failing step " + f : sb.toString();
        }

        /** One report line for this chain: the worst step's comparison, with the drift summary as note. */
        public TensorResult toTensorResult(Golden g) {
            Comparison w = worst();
            String shapes = TensorResult.inputShapes(g) + "→" + Fmt.shape(w.expectedShape()) + "×" + steps.size();
            return new TensorResult(g.entry().key() + "/" + name + "[" + mode + "]", shapes, w, driftSummary());
        }
    }
}
