package ibc4j.parity.checks;

import ibc4j.parity.Excused;

/**
 * The largest share of a tensor a check may leave out, one cap per reason, from the reasoning beside each: a
 * tensor over its cap fails, whatever the values of what was left. The ReLU-row cap is computed per tensor from
 * the rate its own pre-activations predict; the others are fixed fractions.
 */
final class Caps {
    /**
     * Rows whose ReLU input lies within float32 rounding δ of 0 (either mask is right) are not a fixed share: it
     * grows with the units per row and with δ (about 1.6–2.2 % of particle2d's 512-unit rows). Where the density
     * of pre-activations near 0 is smooth, their expected number is the rows within 10·δ divided by 10; the cap
     * allows that expectation plus three Poisson standard deviations plus one row, and never less than
     * {@link #RELU_FLOOR}. The floor is for chain states: Langevin climbs a piecewise-linear f, whose maxima lie
     * on kinks, so its samples crowd near ReLU boundaries and the smooth-density estimate undercounts them (seen
     * on a seed-10 export: 1.36 % of (step, row) pairs against an estimate of 1 %). Excusing everything fails.
     */
    static final double RELU_WIDE = 10;
    /** The share this harness always allowed for such rows (it used to throw above 2 %). */
    static final double RELU_FLOOR = 0.02;

    /**
     * Chains that neared a ReLU boundary and then left the drift budget (free-running). Both conditions must hold;
     * a chain that diverged without having neared a boundary fails the row. 5 %: crossing a boundary on one side
     * only needs a row to sit within rounding+drift of it at the step it crosses, a set of small measure.
     */
    static final double FREE_RUNNING = 0.05;
    /** Examples with a squared distance within 8 ulps of clipped_cd's 0.2 threshold: a set of measure zero. */
    static final double THRESHOLD = 0.02;

    private Caps() {}

    /**
     * @param drop the rows excused (within δ of a kink)
     * @param wide the rows within {@link #RELU_WIDE}·δ, for the expected rate
     */
    static Excused reluRows(boolean[] drop, boolean[] wide, String what) {
        return new Excused(GoldenNetworks.count(drop), drop.length, reluCap(wide),
                what + " with a ReLU input within rounding of 0");
    }

    /**
     * Examples holding an excused row. An example is out only through one of its rows, so at most as many
     * examples as rows may be out: the row cap, as a count, over the examples.
     *
     * @param wideRows the rows within RELU_WIDE·δ (per row, not per example)
     */
    static Excused reluExamples(boolean[] drop, boolean[] wideRows) {
        return new Excused(GoldenNetworks.count(drop), drop.length,
                Math.min(0.99, reluCap(wideRows) * wideRows.length / Math.max(1, drop.length)),
                "examples holding a row with a ReLU input within rounding of 0 (capped by the rows' cap)");
    }

    /** max(RELU_FLOOR, (e + 3√e + 1)/n) with e = |wide|/RELU_WIDE, below 1. */
    static double reluCap(boolean[] wide) {
        double e = GoldenNetworks.count(wide) / RELU_WIDE;
        return Math.min(0.99, Math.max(RELU_FLOOR, (e + 3 * Math.sqrt(e) + 1) / Math.max(1, wide.length)));
    }
}
