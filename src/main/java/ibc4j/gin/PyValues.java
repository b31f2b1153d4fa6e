package ibc4j.gin;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;

/**
 * Python semantics for gin values: equality and hashability (dict keys), and {@code repr} (the operative config
 * prints values as Python would, so {@code 1e-3} reads back as {@code 0.001} and {@code 1e-5} as {@code 1e-05}).
 *
 * <p>Value types: {@code null} (None), {@link Boolean}, {@link BigInteger}, {@link Double}, {@link Complex},
 * {@link String}, {@link Bytes}, {@link List} (list), {@link Tuple}, {@link Dict}, {@link ConfigurableReference},
 * {@link MacroReference}.
 */
public final class PyValues {
    private PyValues() {}

    /** Python {@code ==}: bools and ints and floats and complex compare numerically; lists never equal tuples. */
    public static boolean pyEquals(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (isNumber(a) && isNumber(b)) {
            Complex x = asComplex(a);
            Complex y = asComplex(b);
            if (a instanceof Complex || b instanceof Complex || a instanceof Double || b instanceof Double) {
                return x.real() == y.real() && x.imag() == y.imag();
            }
            return asBigInteger(a).equals(asBigInteger(b));
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            return seqEquals(la, lb);
        }
        if (a instanceof Tuple ta && b instanceof Tuple tb) {
            return seqEquals(ta.items(), tb.items());
        }
        return a.equals(b);
    }

    private static boolean seqEquals(List<?> a, List<?> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!pyEquals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Whether Python could use the value as a dict key (lists and dicts, also inside tuples, cannot). */
    public static boolean isHashable(Object v) {
        if (v instanceof List<?> || v instanceof Dict) {
            return false;
        }
        if (v instanceof Tuple t) {
            return t.items().stream().allMatch(PyValues::isHashable);
        }
        return true;
    }

    /** Python's type name, for messages. */
    public static String typeName(Object v) {
        if (v == null) {
            return "NoneType";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof BigInteger) {
            return "int";
        }
        if (v instanceof Double) {
            return "float";
        }
        if (v instanceof Complex) {
            return "complex";
        }
        if (v instanceof String) {
            return "str";
        }
        if (v instanceof Bytes) {
            return "bytes";
        }
        if (v instanceof List<?>) {
            return "list";
        }
        if (v instanceof Tuple) {
            return "tuple";
        }
        if (v instanceof Dict) {
            return "dict";
        }
        return v.getClass().getSimpleName();
    }

    private static boolean isNumber(Object v) {
        return v instanceof Boolean || v instanceof BigInteger || v instanceof Double || v instanceof Complex;
    }

    private static BigInteger asBigInteger(Object v) {
        if (v instanceof Boolean b) {
            return b ? BigInteger.ONE : BigInteger.ZERO;
        }
        return (BigInteger) v;
    }

    private static Complex asComplex(Object v) {
        if (v instanceof Complex c) {
            return c;
        }
        if (v instanceof Double d) {
            return new Complex(d, 0.0);
        }
        return new Complex(asBigInteger(v).doubleValue(), 0.0);
    }

    // ------------------------------------------------------------------------------------------------ repr

    /** Python {@code repr()} of a gin value (one line; the operative config wraps long lines itself). */
    public static String repr(Object v) {
        if (v == null) {
            return "None";
        }
        if (v instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (v instanceof BigInteger i) {
            return i.toString();
        }
        if (v instanceof Double d) {
            return floatRepr(d);
        }
        if (v instanceof Complex c) {
            return complexRepr(c);
        }
        if (v instanceof String s) {
            return strRepr(s);
        }
        if (v instanceof Bytes b) {
            return bytesRepr(b);
        }
        if (v instanceof List<?> l) {
            return join("[", l, "]");
        }
        if (v instanceof Tuple t) {
            return t.items().size() == 1 ? "(" + repr(t.items().get(0)) + ",)" : join("(", t.items(), ")");
        }
        if (v instanceof Dict d) {
            StringBuilder sb = new StringBuilder("{");
            for (Map.Entry<Object, Object> e : d.entries()) {
                if (sb.length() > 1) {
                    sb.append(", ");
                }
                sb.append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
            }
            return sb.append('}').toString();
        }
        return v.toString();
    }

    private static String join(String open, List<?> items, String close) {
        StringBuilder sb = new StringBuilder(open);
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(repr(items.get(i)));
        }
        return sb.append(close).toString();
    }

    /**
     * Python's {@code repr(float)}: the shortest decimal that reads back to the same double, in fixed notation
     * when the decimal exponent is in [-4, 16), else {@code d.ddde+XX}.
     */
    public static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0.0) {
            return (1.0 / d < 0) ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(d);
        String digits = null;
        int pointPos = 0; // value = 0.digits * 10^pointPos
        for (int p = 1; p <= 17; p++) {
            BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (r.doubleValue() == d) {
                BigDecimal stripped = r.stripTrailingZeros();
                digits = stripped.unscaledValue().abs().toString();
                pointPos = digits.length() - stripped.scale();
                break;
            }
        }
        String sign = d < 0 ? "-" : "";
        if (pointPos > -4 && pointPos <= 16) {
            StringBuilder sb = new StringBuilder(sign);
            if (pointPos <= 0) {
                sb.append("0.").append("0".repeat(-pointPos)).append(digits);
            } else if (pointPos >= digits.length()) {
                sb.append(digits).append("0".repeat(pointPos - digits.length())).append(".0");
            } else {
                sb.append(digits, 0, pointPos).append('.').append(digits.substring(pointPos));
            }
            return sb.toString();
        }
        int exp = pointPos - 1;
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }

    private static String complexRepr(Complex c) {
        String im = floatRepr(c.imag()).replaceAll("\\.0$", "");
        if (c.real() == 0.0 && 1.0 / c.real() > 0) {
            return im + "j";
        }
        String re = floatRepr(c.real()).replaceAll("\\.0$", "");
        String imSigned = (c.imag() < 0 || (c.imag() == 0.0 && 1.0 / c.imag() < 0) || Double.isNaN(c.imag()))
                ? im : "+" + im;
        return "(" + re + imSigned + "j)";
    }

    /** Python's {@code repr(str)}: single quotes unless the text has a single quote and no double quote. */
    public static String strRepr(String s) {
        char quote = (s.indexOf('\'') >= 0 && s.indexOf('"') < 0) ? '"' : '\'';
        StringBuilder sb = new StringBuilder().append(quote);
        s.codePoints().forEach(cp -> {
            if (cp == quote || cp == '\\') {
                sb.append('\\').appendCodePoint(cp);
            } else if (cp == '\n') {
                sb.append("\\n");
            } else if (cp == '\r') {
                sb.append("\\r");
            } else if (cp == '\t') {
                sb.append("\\t");
            } else if (cp < 0x20 || cp == 0x7f) {
                sb.append(String.format("\\x%02x", cp));
            } else if (cp >= 0x80 && !isPrintable(cp)) {
                sb.append(cp <= 0xff ? String.format("\\x%02x", cp)
                        : cp <= 0xffff ? String.format("\\u%04x", cp) : String.format("\\U%08x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.append(quote).toString();
    }

    private static boolean isPrintable(int cp) {
        int t = Character.getType(cp);
        return !(t == Character.CONTROL || t == Character.FORMAT || t == Character.SURROGATE
                || t == Character.PRIVATE_USE || t == Character.UNASSIGNED || t == Character.LINE_SEPARATOR
                || t == Character.PARAGRAPH_SEPARATOR || (t == Character.SPACE_SEPARATOR && cp != ' '));
    }

    private static String bytesRepr(Bytes b) {
        String s = b.latin1();
        char quote = (s.indexOf('\'') >= 0 && s.indexOf('"') < 0) ? '"' : '\'';
        StringBuilder sb = new StringBuilder("b").append(quote);
        for (byte x : b.data()) {
            int c = x & 0xff;
            if (c == quote || c == '\\') {
                sb.append('\\').append((char) c);
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (c < 0x20 || c >= 0x7f) {
                sb.append(String.format("\\x%02x", c));
            } else {
                sb.append((char) c);
            }
        }
        return sb.append(quote).toString();
    }
}
