package ibc4j.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Median, min and max of a sample (milliseconds or ratios). */
public record Summary(double median, double min, double max, int n) {
    public static Summary of(double[] xs) {
        if (xs.length == 0) {
            throw new IllegalArgumentException("empty sample");
        }
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        double med = n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
        return new Summary(med, s[0], s[n - 1], n);
    }

    /** JSON fields; a non-finite figure (e.g. a ratio over a CPU time too short to register) becomes null. */
    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median", finite(median));
        m.put("min", finite(min));
        m.put("max", finite(max));
        m.put("n", n);
        return m;
    }

    private static Double finite(double x) {
        return Double.isFinite(x) ? x : null;
    }
}
