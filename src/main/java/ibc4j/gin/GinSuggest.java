package ibc4j.gin;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * "Did you mean" hints and caret positions for binding errors. gin has neither (its binding errors name only
 * the file and line); this is where ibc4j beats it.
 */
final class GinSuggest {
    private static final int MAX_LISTED = 8;

    private GinSuggest() {}

    /**
     * "did you mean 'width'?" when a candidate is within edit distance 2 (or a third of the name's length, for
     * long names); otherwise the closest few candidates, or null when there are none.
     */
    static String hint(String typed, Collection<String> candidates, String what) {
        if (candidates.isEmpty()) {
            return null;
        }
        int limit = Math.max(2, typed.length() / 3);
        List<String> ranked = candidates.stream().distinct()
                .sorted(Comparator.comparingInt((String c) -> distance(typed, c)).thenComparing(c -> c)).toList();
        String best = ranked.get(0);
        if (distance(typed, best) <= limit) {
            return "did you mean '" + best + "'?";
        }
        List<String> shown = ranked.subList(0, Math.min(MAX_LISTED, ranked.size())).stream().sorted().toList();
        String more = ranked.size() > shown.size() ? ", ... (" + ranked.size() + " in all)" : "";
        return "known " + what + ": " + String.join(", ", shown) + more;
    }

    /** Optimal-string-alignment distance: Levenshtein plus adjacent swaps ('widht' is one edit from 'width'). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /** Where the selector of a binding or block sits: after start, space or '/', followed by '.', ':' or space. */
    static Location selector(Location at, String selector) {
        return find(at, "(?<![\\w.])(" + Pattern.quote(selector) + ")(?=[.:\\s]|$)");
    }

    /** Where the parameter name of a binding sits: after {@code selector.}, or first on a block line. */
    static Location param(Location at, String selector, String param) {
        if (at == null) {
            return null;
        }
        Location l = find(at, "(?<![\\w.])" + Pattern.quote(selector) + "\\.(" + Pattern.quote(param) + ")(?!\\w)");
        return l.column() > 0 ? l : find(at, "^\\s*(" + Pattern.quote(param) + ")(?=\\s*=)");
    }

    /** Where a binding's value starts: the first non-blank after the '=' that follows the parameter. */
    static Location value(Location at, String selector, String param) {
        if (at == null) {
            return null;
        }
        Location p = param(at, selector, param);
        String line = at == null || at.sourceLine() == null ? "" : at.sourceLine();
        int from = p.column() > 0 ? line.indexOf('=', p.column() - 1 + param.length()) : -1;
        if (from < 0) {
            return p;
        }
        int col = from + 1;
        while (col < line.length() && Character.isWhitespace(line.charAt(col))) {
            col++;
        }
        return col < line.length() ? new Location(at.file(), at.line(), col + 1, at.sourceLine()) : p;
    }

    /** The span of a value's text at {@code at}: its repr's length when the source spells it that way, else 1. */
    static int valueSpan(Location at, Object value) {
        String repr = PyValues.repr(value);
        String line = at == null || at.sourceLine() == null ? "" : at.sourceLine();
        return at != null && at.column() > 0 && line.startsWith(repr, at.column() - 1) ? repr.length() : 1;
    }

    private static Location find(Location at, String regex) {
        if (at == null) {
            return null;
        }
        String line = at.sourceLine() == null ? "" : at.sourceLine();
        Matcher m = Pattern.compile(regex).matcher(line);
        int from = at.column() > 0 ? Math.min(at.column() - 1, line.length()) : 0;
        if (m.find(from) || m.find(0)) {
            return new Location(at.file(), at.line(), m.start(1) + 1, at.sourceLine());
        }
        return new Location(at.file(), at.line(), 0, at.sourceLine());
    }
}
