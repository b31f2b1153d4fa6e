package ibc4j.parity.checks;

import ibc4j.parity.Excused;

/**
 * The largest share of a tensor a check may leave out, one cap per reason. They were fixed from the reasoning
 * below, not from a run: a tensor over its cap fails, whatever the values of what was left.
 */
final class Caps {
    /**
     * Rows whose ReLU input lies within float32 rounding of 0 (either mask is right). The rounding bound is
     * ~1e-6 of pre-activations of size ~1, so a few per mille of rows are expected; 2 % is the limit this harness
     * always enforced (it used to throw above it).
     */
    static final double RELU_ROWS = 0.02;
    /**
     * Chains that neared a ReLU boundary and then left the drift budget (free-running). Both conditions must hold;
     * a chain that diverged without having neared a boundary fails the row. 5 %: the boundary set has measure
     * zero, so crossing it on one side only needs a row to sit within rounding+drift of it at some step.
     */
    static final double FREE_RUNNING = 0.05;
    /** Examples with a squared distance within 8 ulps of clipped_cd's 0.2 threshold: a set of measure zero. */
    static final double THRESHOLD = 0.02;

    private Caps() {}

    /** Examples of {@code rowsPerExample} rows each: with at most RELU_ROWS of rows out, at most this many. */
    static double examples(int rowsPerExample) {
        return Math.min(0.5, rowsPerExample * RELU_ROWS);
    }

    static Excused reluRows(boolean[] drop, String what) {
        return new Excused(GoldenNetworks.count(drop), drop.length, RELU_ROWS,
                what + " with a ReLU input within rounding of 0");
    }

    static Excused reluExamples(boolean[] drop, int rowsPerExample) {
        return new Excused(GoldenNetworks.count(drop), drop.length, examples(rowsPerExample),
                "examples holding a row with a ReLU input within rounding of 0");
    }
}
