package ibc4j.parity;

import java.util.Locale;

/**
 * Number and shape formatting shared by failure texts and reports, so every place prints {@code 4.9e-5} alike.
 */
public final class Fmt {
    private Fmt() {}

    /** A shape as {@code [4608,16]}; {@code []} for a scalar. */
    public static String shape(long[] shape) {
        if (shape == null) {
            return "?";
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ",").append(shape[i]);
        }
        return sb.append(']').toString();
    }

    /**
     * A value with 7 significant digits, the precision of float32 ({@code 5.545177}, {@code -1.234568e-8}),
     * trailing zeros dropped.
     */
    public static String value(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v);
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        double a = Math.abs(v);
        if (a >= 1e-4 && a < 1e7) {
            String s = String.format(Locale.ROOT, "%.7g", v);
            return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
        }
        return compactExponent(String.format(Locale.ROOT, "%.6e", v), true);
    }

    /** A small quantity (error, tolerance) with 2 significant digits: {@code 4.9e-5}, {@code 1e-6}, {@code 0}. */
    public static String sci(double v) {
        if (v == 0) {
            return "0";
        }
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v);
        }
        return compactExponent(String.format(Locale.ROOT, "%.1e", v), true);
    }

    /**
     * A configured number (tolerance) exactly as written, in short form: {@code 1e-5}, {@code 0.5}, {@code 2.5e-7}.
     * Unlike {@link #sci} it does not round, so a tolerance reads as the number in the code.
     */
    public static String exact(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        String s = Double.toString(v);   // shortest repr that round-trips: "1.0E-5", "0.5", "2.5E-7"
        return s.contains("E") ? compactExponent(s.replace('E', 'e'), true) : s;
    }

    // "4.900000e-05" -> "4.9e-5"; "1.0e-06" -> "1e-6".
    private static String compactExponent(String s, boolean stripZeros) {
        int e = s.indexOf('e');
        String mant = s.substring(0, e);
        String exp = s.substring(e + 1);
        if (stripZeros && mant.contains(".")) {
            mant = mant.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        String sign = exp.startsWith("-") ? "-" : "";
        String digits = exp.replaceFirst("^[+-]", "").replaceFirst("^0+(?=\\d)", "");
        return mant + "e" + sign + digits;
    }

    /** An index as {@code [5]} or {@code [3,1]}; {@code []} for a scalar. */
    public static String index(long[] idx) {
        return shape(idx);
    }
}
