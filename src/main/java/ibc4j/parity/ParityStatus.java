package ibc4j.parity;

/** The outcome of one (component, case) row: compared and passed, compared and failed, or not compared. */
public enum ParityStatus {
    /** Every compared tensor met its tolerance. */
    PASS("✅", "pass"),
    /** A tensor exceeded its tolerance, the check threw, or it compared nothing. */
    FAIL("❌", "fail"),
    /** Not run: the Java side or the golden is missing. Never shown as a pass. */
    PENDING("⏳", "pending");

    private final String symbol;
    private final String json;

    ParityStatus(String symbol, String json) {
        this.symbol = symbol;
        this.json = json;
    }

    /** ✅, ❌ or ⏳. */
    public String symbol() {
        return symbol;
    }

    /** pass, fail or pending, as in the JSON report. */
    public String json() {
        return json;
    }
}
