package ibc4j.parity;

import java.util.Locale;

/**
 * Elements (or rows) of one tensor left out of its comparison, with the cap that bounds them. Every exclusion in a
 * parity check goes through here, so that none can excuse everything: a tensor fails when more than {@code cap} of
 * its {@code of} items are excused, or when nothing is left to compare.
 *
 * @param count how many items were left out
 * @param of    how many there were
 * @param cap   the largest fraction that may be left out, in [0, 1)
 * @param why   what the left-out items have in common, e.g. "rows near a ReLU boundary that left the drift budget"
 */
public record Excused(long count, long of, double cap, String why) {
    public Excused {
        if (count < 0 || of < 0 || count > of) {
            throw new IllegalArgumentException("excused " + count + " of " + of);
        }
        if (!(cap >= 0 && cap < 1)) {
            throw new IllegalArgumentException("an exclusion cap is a fraction in [0, 1), got " + cap);
        }
        if (why == null || why.isBlank()) {
            throw new IllegalArgumentException("an exclusion needs a reason");
        }
    }

    /** Nothing excused (the default of every comparison). */
    public static final Excused NONE = new Excused(0, 0, 0, "nothing");

    /** count / of; 0 when there was nothing to excuse. */
    public double fraction() {
        return of == 0 ? 0 : (double) count / of;
    }

    /**
     * True when everything was excused, or more than the cap. Items are whole rows: a cap below one item of a
     * small tensor (2 % of 36 rows) would forbid even one, so the cap always allows one item (never all).
     */
    public boolean overCap() {
        return count > 0 && (count == of || count > Math.max(1, Math.floor(cap * of)));
    }

    /** {@code 12 of 4096 rows excused (0.29 %, cap 5 %): why}. */
    public String describe() {
        return String.format(Locale.ROOT, "%d of %d excused (%.2f %%, cap %.0f %%): %s", count, of,
                100 * fraction(), 100 * cap, why);
    }
}
