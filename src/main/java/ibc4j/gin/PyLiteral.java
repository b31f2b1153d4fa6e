package ibc4j.gin;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ast.literal_eval} for the texts gin hands it: an optional {@code -}, then one NAME, one NUMBER, or
 * several STRING tokens glued together without spaces. Gluing happens on the raw text, so the result is what
 * Python makes of the glued text: {@code '' 'x'} becomes {@code '''x'}, an unclosed triple quote.
 */
final class PyLiteral {
    /** CPython 3.11 refuses decimal int literals longer than this (sys.int_info.default_max_str_digits). */
    private static final int MAX_DECIMAL_DIGITS = 4300;

    private PyLiteral() {}

    /** Thrown with Python's message; the caller adds gin's "Failed to parse token" and the location. */
    static final class LiteralError extends Exception {
        LiteralError(String message) {
            super(message);
        }
    }

    static Object eval(String text) throws LiteralError {
        if (text.indexOf('\0') >= 0) {
            throw new LiteralError("source code string cannot contain null bytes");
        }
        boolean negative = text.startsWith("-");
        String body = negative ? text.substring(1) : text;
        if (body.isEmpty()) {
            throw new LiteralError("invalid syntax");
        }
        char c = body.charAt(0);
        if (Character.isDigit(c) && c < 128 || c == '.') {
            Object n = number(body);
            return negative ? negate(n) : n;
        }
        if (isStringStart(body)) {
            if (negative) {
                throw new LiteralError("malformed node or string: <ast.UnaryOp>");
            }
            return strings(body);
        }
        if (!negative) {
            switch (body) {
                case "True": return Boolean.TRUE;
                case "False": return Boolean.FALSE;
                case "None": return null;
                default: break;
            }
        }
        throw new LiteralError("malformed node or string: <ast." + (negative ? "UnaryOp" : "Name") + ">");
    }

    // --------------------------------------------------------------------------------------------- numbers

    private static Object number(String t) throws LiteralError {
        String s = t.replace("_", "");
        char last = s.charAt(s.length() - 1);
        if (last == 'j' || last == 'J') {
            return new Complex(0.0, Double.parseDouble(s.substring(0, s.length() - 1)));
        }
        if (s.length() > 1 && s.charAt(0) == '0' && "xXoObB".indexOf(s.charAt(1)) >= 0) {
            int radix = switch (Character.toLowerCase(s.charAt(1))) {
                case 'x' -> 16;
                case 'o' -> 8;
                default -> 2;
            };
            return new BigInteger(s.substring(2), radix);
        }
        if (s.indexOf('.') >= 0 || s.indexOf('e') >= 0 || s.indexOf('E') >= 0) {
            return Double.parseDouble(s);
        }
        if (s.length() > MAX_DECIMAL_DIGITS) {
            throw new LiteralError("Exceeds the limit (" + MAX_DECIMAL_DIGITS + " digits) for integer string "
                    + "conversion: value has " + s.length() + " digits");
        }
        return new BigInteger(s);
    }

    private static Object negate(Object n) {
        if (n instanceof BigInteger i) {
            return i.negate();
        }
        if (n instanceof Double d) {
            return -d;
        }
        Complex c = (Complex) n;
        return new Complex(-c.real(), -c.imag());
    }

    // --------------------------------------------------------------------------------------------- strings

    private static boolean isStringStart(String s) {
        int i = 0;
        while (i < s.length() && i < 2 && Character.isLetter(s.charAt(i))) {
            i++;
        }
        return i < s.length() && (s.charAt(i) == '\'' || s.charAt(i) == '"');
    }

    /** Re-tokenizes the glued text as Python would, then decodes and joins the literals. */
    private static Object strings(String s) throws LiteralError {
        List<String> parts = new ArrayList<>();
        boolean anyBytes = false;
        boolean anyStr = false;
        StringBuilder str = new StringBuilder();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int pos = 0;
        while (pos < s.length()) {
            int p = pos;
            while (p < s.length() && Character.isLetter(s.charAt(p))) {
                p++;
            }
            String prefix = s.substring(pos, p).toLowerCase();
            if (p >= s.length() || !(s.charAt(p) == '\'' || s.charAt(p) == '"') || !validPrefix(prefix)) {
                throw new LiteralError("invalid syntax");
            }
            char q = s.charAt(p);
            boolean triple = s.startsWith(String.valueOf(q).repeat(3), p);
            int bodyStart = p + (triple ? 3 : 1);
            int i = bodyStart;
            int end = -1;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '\\') {
                    i += 2;
                    continue;
                }
                if (triple ? s.startsWith(String.valueOf(q).repeat(3), i) : c == q) {
                    end = i;
                    break;
                }
                if (!triple && c == '\n') {
                    break;
                }
                i++;
            }
            if (end < 0) {
                throw new LiteralError(triple ? "unterminated triple-quoted string literal"
                        : "unterminated string literal");
            }
            String body = s.substring(bodyStart, end);
            pos = end + (triple ? 3 : 1);
            if (prefix.contains("f")) {
                throw new LiteralError("malformed node or string: <ast.JoinedStr>");
            }
            boolean raw = prefix.contains("r");
            if (prefix.contains("b")) {
                anyBytes = true;
                bytes.writeBytes(decodeBytes(body, raw));
            } else {
                anyStr = true;
                str.append(raw ? body : decodeStr(body));
            }
            parts.add(body);
        }
        if (anyBytes && anyStr) {
            throw new LiteralError("cannot mix bytes and nonbytes literals");
        }
        return anyBytes ? new Bytes(bytes.toByteArray()) : str.toString();
    }

    private static boolean validPrefix(String p) {
        return switch (p) {
            case "", "r", "u", "f", "b", "br", "rb", "fr", "rf" -> true;
            default -> false;
        };
    }

    private static String decodeStr(String b) throws LiteralError {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < b.length(); i++) {
            char c = b.charAt(i);
            if (c != '\\' || i + 1 >= b.length()) {
                out.append(c);
                continue;
            }
            char e = b.charAt(++i);
            switch (e) {
                case '\n' -> { }
                case '\\', '\'', '"' -> out.append(e);
                case 'a' -> out.append('\u0007');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'v' -> out.append('\u000b');
                case 'x' -> {
                    out.appendCodePoint(hex(b, i + 1, 2, "\\xXX"));
                    i += 2;
                }
                case 'u' -> {
                    out.append((char) hex(b, i + 1, 4, "\\uXXXX"));
                    i += 4;
                }
                case 'U' -> {
                    int cp = hex(b, i + 1, 8, "\\UXXXXXXXX");
                    if (cp > 0x10FFFF) {
                        throw new LiteralError("(unicode error) 'unicodeescape' codec can't decode bytes: "
                                + "illegal Unicode character");
                    }
                    out.appendCodePoint(cp);
                    i += 8;
                }
                case 'N' -> {
                    int close = b.indexOf('}', i);
                    if (i + 1 >= b.length() || b.charAt(i + 1) != '{' || close < 0) {
                        throw new LiteralError("(unicode error) 'unicodeescape' codec can't decode bytes: "
                                + "malformed \\N character escape");
                    }
                    out.appendCodePoint(unicodeName(b.substring(i + 2, close)));
                    i = close;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int[] r = octal(b, i);
                        out.appendCodePoint(r[0]);
                        i = r[1];
                    } else {
                        out.append('\\').append(e); // unknown escapes stay (a DeprecationWarning in Python)
                    }
                }
            }
        }
        return out.toString();
    }

    private static byte[] decodeBytes(String b, boolean raw) throws LiteralError {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < b.length(); i++) {
            char c = b.charAt(i);
            if (c >= 128) {
                throw new LiteralError("bytes can only contain ASCII literal characters");
            }
            if (raw || c != '\\' || i + 1 >= b.length()) {
                out.write(c);
                continue;
            }
            char e = b.charAt(++i);
            switch (e) {
                case '\n' -> { }
                case '\\', '\'', '"' -> out.write(e);
                case 'a' -> out.write(7);
                case 'b' -> out.write(8);
                case 'f' -> out.write(12);
                case 'n' -> out.write(10);
                case 'r' -> out.write(13);
                case 't' -> out.write(9);
                case 'v' -> out.write(11);
                case 'x' -> {
                    out.write(hex(b, i + 1, 2, "\\xXX"));
                    i += 2;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int[] r = octal(b, i);
                        out.write(r[0] & 0xFF);
                        i = r[1];
                    } else {
                        if (e >= 128) {
                            throw new LiteralError("bytes can only contain ASCII literal characters");
                        }
                        out.write('\\');
                        out.write(e);
                    }
                }
            }
        }
        return out.toByteArray();
    }

    /** Up to three octal digits starting at {@code i}; returns {value, index of the last digit}. */
    private static int[] octal(String b, int i) {
        int v = 0;
        int j = i;
        while (j < b.length() && j < i + 3 && b.charAt(j) >= '0' && b.charAt(j) <= '7') {
            v = v * 8 + (b.charAt(j) - '0');
            j++;
        }
        return new int[] {v, j - 1};
    }

    private static int hex(String b, int from, int n, String form) throws LiteralError {
        if (from + n > b.length()) {
            throw truncated(form);
        }
        int v = 0;
        for (int k = from; k < from + n; k++) {
            int d = Character.digit(b.charAt(k), 16);
            if (d < 0 || b.charAt(k) > 127) {
                throw truncated(form);
            }
            v = v * 16 + d;
        }
        return v;
    }

    private static LiteralError truncated(String form) {
        return new LiteralError("(unicode error) 'unicodeescape' codec can't decode bytes: truncated " + form
                + " escape");
    }

    private static int unicodeName(String name) throws LiteralError {
        try {
            return Character.codePointOf(name);
        } catch (IllegalArgumentException e) {
            throw new LiteralError("(unicode error) 'unicodeescape' codec can't decode bytes: "
                    + "unknown Unicode character name");
        }
    }
}
