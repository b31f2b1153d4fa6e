package ibc4j.parity;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The element-wise comparison of one ibc4j tensor with its TF golden under a {@link Tolerance}.
 *
 * <p>Pass rule, per element: {@code |a-e| <= atol + rtol*|e|}. A NaN on either side fails (a NaN golden is an
 * exporter bug, a NaN result an ibc4j bug; neither is "equal"), an infinity passes only against the same infinity,
 * and a shape or dtype mismatch fails before any value is looked at. All arithmetic is in double, so the
 * comparison adds no float32 error of its own.
 */
public final class Comparison {
    /** |e| at or below this is left out of max rel: relative error of a value that is 0 in float32 means nothing. */
    public static final double REL_FLOOR = 1e-12;

    private final String name;
    private final Tolerance tolerance;
    private final long[] expectedShape;
    private final long[] actualShape;
    private final String expectedDtype;
    private final String actualDtype;
    private String mismatch;            // shape or dtype problem; values were not compared
    private long count;
    private long failing;
    private long nans;
    private double maxAbs;
    private double maxRel;
    private double meanAbs;
    private long worstFlat = -1;
    private double worstScore = -1;     // |a-e| / allowed at the worst element; > 1 fails
    private double worstDiff;
    private double worstExpected = Double.NaN;
    private double worstActual = Double.NaN;
    private Excused excused = Excused.NONE;
    private double[] extra;             // per-element additions to the tolerance, or null

    private Comparison(String name, INDArray expected, INDArray actual, Tolerance tolerance) {
        this.name = name;
        this.tolerance = tolerance;
        this.expectedShape = expected.shape();
        this.actualShape = actual.shape();
        this.expectedDtype = dtypeName(expected.dataType());
        this.actualDtype = dtypeName(actual.dataType());
    }

    /**
     * Compares {@code actual} (ibc4j) with {@code expected} (TF golden) under {@code tolerance}.
     *
     * @param name tensor name used in the failure text, e.g. {@code per_example_loss}
     */
    public static Comparison of(String name, INDArray expected, INDArray actual, Tolerance tolerance) {
        return of(name, expected, actual, tolerance, null);
    }

    /**
     * As {@link #of(String, INDArray, INDArray, Tolerance)}, with a per-element addition to the allowed error
     * (same shape as {@code expected}, or null): for bounds that differ per element, such as the effect of a
     * ReLU mask that either side may pick on the rows that feed each gradient element.
     */
    public static Comparison of(String name, INDArray expected, INDArray actual, Tolerance tolerance,
                                INDArray extraAtol) {
        Comparison c = new Comparison(name, expected, actual, tolerance);
        if (extraAtol != null) {
            if (extraAtol.length() != expected.length()) {
                throw new IllegalArgumentException(name + ": per-element bound has " + extraAtol.length()
                        + " elements, the tensor " + expected.length());
            }
            c.extra = values(extraAtol);
        }
        if (!java.util.Arrays.equals(c.expectedShape, c.actualShape)) {
            c.mismatch = "shape mismatch: tf=" + Fmt.shape(c.expectedShape) + " ibc4j=" + Fmt.shape(c.actualShape);
        } else if (!c.expectedDtype.equals(c.actualDtype)) {
            c.mismatch = "dtype mismatch: tf=" + c.expectedDtype + " ibc4j=" + c.actualDtype;
        } else {
            c.compareValues(values(expected), values(actual));
        }
        return c;
    }

    private static double[] values(INDArray a) {
        // dup('c') first: a view's data() is its whole backing buffer, not the view.
        return a.dup('c').castTo(DataType.DOUBLE).data().asDouble();
    }

    private void compareValues(double[] e, double[] a) {
        count = e.length;
        double sumAbs = 0;
        for (int i = 0; i < e.length; i++) {
            double diff;
            boolean ok;
            if (Double.isNaN(e[i]) || Double.isNaN(a[i])) {
                nans++;
                diff = Double.NaN;
                ok = false;
            } else if (e[i] == a[i]) {
                diff = 0;             // also covers equal infinities, where a-e would be NaN
                ok = true;
            } else {
                diff = Math.abs(a[i] - e[i]);
                // An infinity against anything else must fail; rtol*inf would otherwise allow it.
                ok = !Double.isInfinite(e[i]) && !Double.isInfinite(a[i]) && diff <= allowed(i, e[i]);
            }
            if (!ok) {
                failing++;
            }
            // Share of the tolerance used; x/0 is +inf, and inf/inf (an infinite golden) must be +inf, not NaN.
            double score = Double.isNaN(diff) || diff > 0 && Double.isInfinite(e[i]) ? Double.POSITIVE_INFINITY
                    : diff == 0 ? 0 : diff / allowed(i, e[i]);
            if (worstFlat < 0 || score > worstScore || score == worstScore && diff > worstDiff) {
                worstScore = score;
                worstDiff = diff;
                worstFlat = i;
                worstExpected = e[i];
                worstActual = a[i];
            }
            maxAbs = Double.isNaN(diff) || Double.isNaN(maxAbs) ? Double.NaN : Math.max(maxAbs, diff);
            sumAbs += diff;
            if (Math.abs(e[i]) > REL_FLOOR && !Double.isInfinite(e[i])) {
                double rel = diff / Math.abs(e[i]);
                maxRel = Double.isNaN(rel) || Double.isNaN(maxRel) ? Double.NaN : Math.max(maxRel, rel);
            }
        }
        meanAbs = count == 0 ? 0 : sumAbs / count;
    }

    private double allowed(int i, double expected) {
        return tolerance.allowed(expected) + (extra == null ? 0 : extra[i]);
    }

    /** The largest per-element addition to the tolerance (0 when there is none). */
    public double maxExtra() {
        double m = 0;
        if (extra != null) {
            for (double x : extra) {
                m = Math.max(m, x);
            }
        }
        return m;
    }

    /**
     * True when shapes and dtypes agree, at least one element was compared, every element meets the pass rule and
     * what was left out stays within its cap: a comparison over nothing, or one that excused too much, fails.
     */
    public boolean pass() {
        return mismatch == null && failing == 0 && count > 0 && !excused.overCap();
    }

    /**
     * Records what was left out before this comparison (rows or elements the check excused) so that it is printed
     * and bounded: over its cap, the comparison fails. Call once, right after {@link #of}.
     */
    public Comparison excusing(Excused e) {
        if (excused != Excused.NONE) {
            throw new IllegalStateException(name + ": exclusions already recorded");
        }
        excused = java.util.Objects.requireNonNull(e);
        return this;
    }

    /** What the check left out before comparing ({@link Excused#NONE} when nothing). */
    public Excused excused() {
        return excused;
    }

    public String name() { return name; }
    public Tolerance tolerance() { return tolerance; }
    public long[] expectedShape() { return expectedShape.clone(); }
    public long[] actualShape() { return actualShape.clone(); }
    public String expectedDtype() { return expectedDtype; }
    public String actualDtype() { return actualDtype; }
    /** Shape or dtype mismatch text, or null when values were compared. */
    public String mismatch() { return mismatch; }
    /** Elements compared (0 after a mismatch). */
    public long count() { return count; }
    /** Elements failing the pass rule, NaNs included. */
    public long failing() { return failing; }
    /** Elements where either side is NaN. */
    public long nanCount() { return nans; }
    /** max |a-e|; NaN when any element is NaN on either side. */
    public double maxAbs() { return maxAbs; }
    /** max |a-e|/|e| over elements with |e| > {@link #REL_FLOOR}. */
    public double maxRel() { return maxRel; }
    public double meanAbs() { return meanAbs; }
    /** Worst |a-e| / (atol + rtol|e|): the share of the tolerance used; above 1 fails. */
    public double worstScore() { return worstScore; }
    public double worstExpected() { return worstExpected; }
    public double worstActual() { return worstActual; }

    /** C-order index of the worst element (the one using most of its tolerance); empty when nothing compared. */
    public long[] worstIndex() {
        if (worstFlat < 0) {
            return new long[0];
        }
        long[] idx = new long[expectedShape.length];
        long rest = worstFlat;
        for (int d = idx.length - 1; d >= 0; d--) {
            idx[d] = rest % expectedShape[d];
            rest /= expectedShape[d];
        }
        return idx;
    }

    /** The text after the tensor name: why it failed, or how well it passed. */
    public String detail() {
        if (mismatch != null) {
            return mismatch;
        }
        String tol = "rtol=" + Fmt.exact(tolerance.rtol()) + " (atol=" + Fmt.exact(tolerance.atol())
                + (extra == null ? "" : " + per-element bound ≤ " + Fmt.sci(maxExtra())) + ")";
        String ex = excused == Excused.NONE ? "" : "; " + excused.describe();
        if (count == 0) {
            return "0 elements compared (a comparison over nothing fails)" + ex;
        }
        if (excused.overCap()) {
            return "too much left out: " + excused.describe();
        }
        if (failing > 0) {
            return failing + " of " + count + " elements exceed " + tol + "; worst " + worst()
                    + (nans > 0 ? " (" + nans + " NaN)" : "") + ex;
        }
        return count + " elements within " + tol + "; max |Δ|=" + Fmt.sci(maxAbs) + ", worst " + worst()
                + String.format(java.util.Locale.ROOT, " at %.0f%% of tolerance", 100 * Math.min(worstScore, 1)) + ex;
    }

    private String worst() {
        String s = Fmt.index(worstIndex()) + ": tf=" + Fmt.value(worstExpected) + " ibc4j=" + Fmt.value(worstActual);
        double d = Math.abs(worstActual - worstExpected);
        if (Math.abs(worstExpected) > REL_FLOOR && !Double.isNaN(d) && !Double.isInfinite(worstExpected)) {
            return s + " |Δ|/|tf|=" + Fmt.sci(d / Math.abs(worstExpected));
        }
        return s + " |Δ|=" + Fmt.sci(d);
    }

    /** {@code name: detail}, e.g. {@code per_example_loss: 2 of 8 elements exceed rtol=1e-5 (atol=1e-6); ...}. */
    public String failureText() {
        return name + ": " + detail();
    }

    @Override
    public String toString() {
        return failureText();
    }

    /** The manifest's dtype name for an ND4J dtype: float32, float64, int32, int64, bool, else lower-case. */
    public static String dtypeName(DataType t) {
        switch (t) {
            case FLOAT: return "float32";
            case DOUBLE: return "float64";
            case INT: return "int32";
            case LONG: return "int64";
            case BOOL: return "bool";
            default: return t.name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
