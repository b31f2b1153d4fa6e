package ibc4j.networks;

import java.util.ArrayList;
import java.util.List;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Elementwise parity: pass when {@code |a − e| ≤ atol + rtol·|e|} for every element; reports max abs and max rel.
 * Kept minimal so it can move into the shared parity harness.
 */
final class ParityCompare {
    /** float32 unit roundoff 2^-24: the tolerance comments count in it. */
    static final double U = Math.pow(2, -24);

    record Result(String name, long n, long failures, double maxAbs, double maxRel, long worst, double expectedAt,
                  double actualAt, double atol, double rtol) {
        boolean passed() {
            return failures == 0;
        }

        @Override
        public String toString() {
            return String.format("%-28s n=%-7d max|Δ|=%.3e max rel=%.3e  atol=%.1e rtol=%.1e  %s", name, n, maxAbs,
                    maxRel, atol, rtol, passed() ? "ok" : String.format("FAIL %d; worst [%d]: tf=%.9g ibc4j=%.9g",
                            failures, worst, expectedAt, actualAt));
        }
    }

    private final List<Result> results = new ArrayList<>();

    Result check(String name, INDArray expected, INDArray actual, double atol, double rtol) {
        if (expected.length() != actual.length()) {
            throw new AssertionError(name + ": expected " + expected.length() + " elements, got " + actual.length()
                    + " (shapes " + expected.shapeInfoToString() + " vs " + actual.shapeInfoToString() + ")");
        }
        double[] e = expected.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] a = actual.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        long fails = 0;
        long worst = -1;
        double maxAbs = 0;
        double maxRel = 0;
        double worstExcess = -1;
        for (int i = 0; i < e.length; i++) {
            double d = Math.abs(a[i] - e[i]);
            maxAbs = Math.max(maxAbs, d);
            if (e[i] != 0) {
                maxRel = Math.max(maxRel, d / Math.abs(e[i]));
            }
            double excess = d - (atol + rtol * Math.abs(e[i]));
            if (!(excess <= 0)) {
                fails++;
            }
            if (excess > worstExcess || worst < 0) {
                worstExcess = excess;
                worst = i;
            }
        }
        Result r = new Result(name, e.length, fails, maxAbs, maxRel, worst, e[(int) worst], a[(int) worst], atol,
                rtol);
        results.add(r);
        System.out.println(r);
        return r;
    }

    /** Fails with every failing tensor's line, after all were checked and printed. */
    void assertAllPassed() {
        StringBuilder sb = new StringBuilder();
        for (Result r : results) {
            if (!r.passed()) {
                sb.append('\n').append(r);
            }
        }
        if (sb.length() > 0) {
            throw new AssertionError("parity failures:" + sb);
        }
    }
}
