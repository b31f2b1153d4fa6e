package ibc4j.gin;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Python 3.11's {@code pprint.pformat(value, width=w)} for gin values (indent 1, not compact, dict keys sorted),
 * which gin's operative config uses; mirrors pprint.PrettyPrinter's _format, _pprint_dict, _pprint_list,
 * _pprint_tuple, _pprint_str and _pprint_bytes.
 *
 * <p>Lengths count code points, as Python's {@code len} does.
 */
final class PyPrettyPrinter {
    /** Python's {@code \S*\s*}, Unicode-aware. */
    private static final Pattern WORD_SPACE = Pattern.compile("\\S*\\s*", Pattern.UNICODE_CHARACTER_CLASS);

    private final int width;

    private PyPrettyPrinter(int width) {
        this.width = width;
    }

    static String pformat(Object value, int width) {
        StringBuilder out = new StringBuilder();
        new PyPrettyPrinter(width).format(value, out, 0, 0, 0);
        return out.toString();
    }

    /** Python's one-line repr as pprint writes it: like {@link PyValues#repr}, but dict keys sorted. */
    static String safeRepr(Object v) {
        if (v instanceof Dict d) {
            StringBuilder sb = new StringBuilder("{");
            for (Map.Entry<Object, Object> e : sortedItems(d)) {
                sb.append(sb.length() > 1 ? ", " : "").append(safeRepr(e.getKey())).append(": ")
                        .append(safeRepr(e.getValue()));
            }
            return sb.append('}').toString();
        }
        if (v instanceof List<?> l) {
            return join("[", l, "]");
        }
        if (v instanceof Tuple t) {
            return t.items().size() == 1 ? "(" + safeRepr(t.items().get(0)) + ",)" : join("(", t.items(), ")");
        }
        return PyValues.repr(v);
    }

    private static String join(String open, List<?> items, String close) {
        StringBuilder sb = new StringBuilder(open);
        for (int i = 0; i < items.size(); i++) {
            sb.append(i > 0 ? ", " : "").append(safeRepr(items.get(i)));
        }
        return sb.append(close).toString();
    }

    private void format(Object v, StringBuilder out, int indent, int allowance, int level) {
        String rep = safeRepr(v);
        if (len(rep) > width - indent - allowance) {
            if (v instanceof Dict d) {
                pprintDict(d, out, indent, allowance, level + 1);
                return;
            } else if (v instanceof List<?> l) {
                out.append('[');
                formatItems(l, out, indent, allowance + 1, level + 1);
                out.append(']');
                return;
            } else if (v instanceof Tuple t) {
                String end = t.items().size() == 1 ? ",)" : ")";
                out.append('(');
                formatItems(t.items(), out, indent, allowance + end.length(), level + 1);
                out.append(end);
                return;
            } else if (v instanceof String s) {
                pprintStr(s, out, indent, allowance, level + 1);
                return;
            } else if (v instanceof Bytes b) {
                pprintBytes(b, out, indent, allowance, level + 1);
                return;
            }
        }
        out.append(rep);
    }

    private void pprintDict(Dict d, StringBuilder out, int indent, int allowance, int level) {
        out.append('{');
        List<Map.Entry<Object, Object>> items = sortedItems(d);
        int inner = indent + 1;
        for (int i = 0; i < items.size(); i++) {
            boolean last = i == items.size() - 1;
            String rep = safeRepr(items.get(i).getKey());
            out.append(rep).append(": ");
            format(items.get(i).getValue(), out, inner + len(rep) + 2, last ? allowance + 1 : 1, level);
            if (!last) {
                out.append(",\n").append(" ".repeat(inner));
            }
        }
        out.append('}');
    }

    private void formatItems(List<?> items, StringBuilder out, int indent, int allowance, int level) {
        int inner = indent + 1;
        for (int i = 0; i < items.size(); i++) {
            boolean last = i == items.size() - 1;
            if (i > 0) {
                out.append(",\n").append(" ".repeat(inner));
            }
            format(items.get(i), out, inner, last ? allowance : 1, level);
        }
    }

    private void pprintStr(String s, StringBuilder out, int indent, int allowance, int level) {
        if (s.isEmpty()) {
            out.append(PyValues.strRepr(s));
            return;
        }
        if (level == 1) {
            indent += 1;
            allowance += 1;
        }
        List<String> chunks = new ArrayList<>();
        List<String> lines = splitLinesKeepEnds(s);
        int maxWidth = width - indent;
        int maxWidth1 = maxWidth;
        String rep = "";
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            rep = PyValues.strRepr(line);
            boolean lastLine = i == lines.size() - 1;
            if (lastLine) {
                maxWidth1 -= allowance;
            }
            if (len(rep) <= maxWidth1) {
                chunks.add(rep);
                continue;
            }
            List<String> parts = new ArrayList<>();
            Matcher m = WORD_SPACE.matcher(line);
            while (m.find()) {
                parts.add(m.group()); // the final empty match is dropped below, as pprint pops it
            }
            parts.remove(parts.size() - 1);
            int maxWidth2 = maxWidth;
            String current = "";
            for (int j = 0; j < parts.size(); j++) {
                String candidate = current + parts.get(j);
                if (j == parts.size() - 1 && lastLine) {
                    maxWidth2 -= allowance;
                }
                if (len(PyValues.strRepr(candidate)) > maxWidth2) {
                    if (!current.isEmpty()) {
                        chunks.add(PyValues.strRepr(current));
                    }
                    current = parts.get(j);
                } else {
                    current = candidate;
                }
            }
            if (!current.isEmpty()) {
                chunks.add(PyValues.strRepr(current));
            }
        }
        if (chunks.size() == 1) {
            out.append(rep);
            return;
        }
        out.append(level == 1 ? "(" : "");
        for (int i = 0; i < chunks.size(); i++) {
            out.append(i > 0 ? "\n" + " ".repeat(indent) : "").append(chunks.get(i));
        }
        out.append(level == 1 ? ")" : "");
    }

    private void pprintBytes(Bytes b, StringBuilder out, int indent, int allowance, int level) {
        byte[] data = b.data();
        if (data.length <= 4) {
            out.append(PyValues.repr(b));
            return;
        }
        boolean parens = level == 1;
        if (parens) {
            indent += 1;
            allowance += 1;
            out.append('(');
        }
        int w = width - indent;
        int last = data.length / 4 * 4;
        List<String> reps = new ArrayList<>();
        byte[] current = new byte[0];
        for (int i = 0; i < data.length; i += 4) {
            byte[] part = java.util.Arrays.copyOfRange(data, i, Math.min(i + 4, data.length));
            byte[] candidate = concat(current, part);
            if (i == last) {
                w -= allowance;
            }
            if (len(PyValues.repr(new Bytes(candidate))) > w) {
                if (current.length > 0) {
                    reps.add(PyValues.repr(new Bytes(current)));
                }
                current = part;
            } else {
                current = candidate;
            }
        }
        if (current.length > 0) {
            reps.add(PyValues.repr(new Bytes(current)));
        }
        out.append(String.join("\n" + " ".repeat(indent), reps));
        out.append(parens ? ")" : "");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** Python's {@code str.splitlines(True)}. */
    static List<String> splitLinesKeepEnds(String s) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean brk = c == '\n' || c == '\r' || c == '\u000b' || c == '\u000c' || c == '\u001c'
                    || c == '\u001d' || c == '\u001e' || c == '\u0085' || c == '\u2028' || c == '\u2029';
            if (brk) {
                if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                    i++;
                }
                lines.add(s.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < s.length()) {
            lines.add(s.substring(start));
        }
        return lines;
    }

    private static int len(String s) {
        return s.codePointCount(0, s.length());
    }

    // ------------------------------------------------------------------------------ dict order (_safe_key)

    private static List<Map.Entry<Object, Object>> sortedItems(Dict d) {
        List<Map.Entry<Object, Object>> items = new ArrayList<>(d.entries());
        Comparator<Map.Entry<Object, Object>> byKey = (a, b) -> compare(a.getKey(), b.getKey());
        items.sort(byKey.thenComparing((a, b) -> compare(a.getValue(), b.getValue())));
        return items;
    }

    /** Python's {@code <} where it is defined, else pprint's fallback: order by type name. */
    private static int compare(Object a, Object b) {
        if (isReal(a) && isReal(b)) {
            return toDecimal(a).compareTo(toDecimal(b));
        }
        if (a instanceof String x && b instanceof String y) {
            return compareCodePoints(x, y);
        }
        if (a instanceof Tuple x && b instanceof Tuple y) {
            for (int i = 0; i < Math.min(x.items().size(), y.items().size()); i++) {
                int c = compare(x.items().get(i), y.items().get(i));
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(x.items().size(), y.items().size());
        }
        return ("<class '" + PyValues.typeName(a) + "'>").compareTo("<class '" + PyValues.typeName(b) + "'>");
    }

    private static int compareCodePoints(String x, String y) {
        int[] a = x.codePoints().toArray();
        int[] b = y.codePoints().toArray();
        return java.util.Arrays.compare(a, b);
    }

    private static boolean isReal(Object v) {
        return v instanceof Boolean || v instanceof BigInteger || (v instanceof Double d && !d.isNaN());
    }

    private static BigDecimal toDecimal(Object v) {
        if (v instanceof Boolean b) {
            return b ? BigDecimal.ONE : BigDecimal.ZERO;
        }
        if (v instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        double d = (Double) v;
        if (Double.isInfinite(d)) {
            return BigDecimal.valueOf(d > 0 ? Double.MAX_VALUE : -Double.MAX_VALUE).multiply(BigDecimal.TEN);
        }
        return new BigDecimal(d);
    }
}

