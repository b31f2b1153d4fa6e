package ibc4j.parity;

/**
 * How close ibc4j must be to TF for one tensor: pass when {@code |a-e| <= atol + rtol*|e|} elementwise, with a
 * one-line reason for the numbers (why float32 cannot do better), which the report prints beside them.
 *
 * <p>The reason is required so that a tolerance is an argued claim, not a knob turned until the test passed:
 * e.g. {@code "softmax over 256 logits then log in float32: ~1e-6 relative; 10x headroom"}.
 *
 * @param atol   absolute floor, for elements whose expected value is near zero
 * @param rtol   relative part, scaled by {@code |expected|}
 * @param reason one line saying why float32 arithmetic needs this much
 */
public record Tolerance(double atol, double rtol, String reason) {
    public Tolerance {
        if (!(atol >= 0) || !(rtol >= 0) || Double.isInfinite(atol) || Double.isInfinite(rtol)) {
            throw new IllegalArgumentException("tolerance must be finite and >= 0: atol=" + atol + " rtol=" + rtol);
        }
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a Tolerance needs a one-line reason (why float32 needs atol="
                    + Fmt.exact(atol) + " rtol=" + Fmt.exact(rtol) + ")");
        }
        if (reason.contains("\n")) {
            throw new IllegalArgumentException("a Tolerance reason is one line: " + reason);
        }
    }

    /** Tolerance with the given absolute and relative parts. */
    public static Tolerance of(double atol, double rtol, String reason) {
        return new Tolerance(atol, rtol, reason);
    }

    /** Bit-for-bit equality, for integers, booleans and copies; the reason says why exactness is expected. */
    public static Tolerance exact(String reason) {
        return new Tolerance(0, 0, reason);
    }

    /** The largest |a-e| this tolerance allows at expected value {@code e}. */
    public double allowed(double expected) {
        return atol + rtol * Math.abs(expected);
    }

    /** {@code atol=1e-6 rtol=1e-5}. */
    public String describe() {
        return "atol=" + Fmt.exact(atol) + " rtol=" + Fmt.exact(rtol);
    }
}
