package ibc4j.parity;

import java.util.List;
import java.util.Optional;

/**
 * One row of the report: a (component, case) with its status, what was compared, and why it looks as it does.
 *
 * @param status    pass, fail or pending
 * @param component component name
 * @param caseName  case name
 * @param ibcSource IBC function (the manifest's, when there is a golden)
 * @param shapes    golden input shapes → output shapes, or {@code -} without a golden
 * @param results   per-tensor results; empty unless the check ran
 * @param note      why the row is pending or failed, or a pass summary
 * @param failure   the row's first failure text ({@code component/case/tensor: detail}), or null
 */
public record ParityRow(ParityStatus status, String component, String caseName, String ibcSource, String shapes,
                        List<TensorResult> results, String note, String failure) {
    public ParityRow {
        results = List.copyOf(results);
        if (status == ParityStatus.PASS && (results.isEmpty() || !results.stream().allMatch(TensorResult::pass))) {
            // The one invariant the report exists for: nothing is a pass unless it ran and every tensor passed.
            throw new IllegalStateException(component + "/" + caseName + ": PASS without passing results");
        }
    }

    /** Largest max |Δ| over the tensors (NaN if any is NaN); NaN when nothing was compared. */
    public double maxAbs() {
        return fold(results.stream().mapToDouble(r -> r.comparison().maxAbs()).toArray());
    }

    /** Largest max rel over the tensors; NaN when nothing was compared. */
    public double maxRel() {
        return fold(results.stream().mapToDouble(r -> r.comparison().maxRel()).toArray());
    }

    private static double fold(double[] xs) {
        if (xs.length == 0) {
            return Double.NaN;
        }
        double m = 0;
        for (double x : xs) {
            m = Double.isNaN(x) || Double.isNaN(m) ? Double.NaN : Math.max(m, x);
        }
        return m;
    }

    /** The tensor with the largest excused fraction, if any of the row's tensors left something out. */
    public Optional<TensorResult> mostExcused() {
        return results.stream().filter(r -> r.comparison().excused().count() > 0)
                .max((a, b) -> Double.compare(a.comparison().excused().fraction(),
                        b.comparison().excused().fraction()));
    }

    /** The tensor that decides the row: the first failing one, else the one using most of its tolerance. */
    public Optional<TensorResult> decisive() {
        Optional<TensorResult> fail = results.stream().filter(r -> !r.pass()).findFirst();
        if (fail.isPresent()) {
            return fail;
        }
        return results.stream().max((a, b) -> Double.compare(a.comparison().worstScore(), b.comparison().worstScore()));
    }

    /** The decisive tensor's tolerance. */
    public Optional<Tolerance> tolerance() {
        return decisive().map(TensorResult::tolerance);
    }
}
