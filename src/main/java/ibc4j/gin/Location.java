package ibc4j.gin;

/**
 * Where something sits in a gin source: file (or {@code "bindings"} for {@code --gin_bindings}), 1-based line,
 * 1-based column (0 when only the line is known, as gin does for statement-level errors) and the source line.
 */
public record Location(String file, int line, int column, String sourceLine) {

    /** The "file:line[:col]" prefix used by every ibc4j gin message. */
    public String prefix() {
        return file + ":" + line + (column > 0 ? ":" + column : "");
    }

    /** Source lines longer than this are shown as a window around the column, "..." marking the cuts. */
    static final int MAX_SHOWN = 120;

    /** The source line and, when the column is known, a caret under it (width {@code span}). */
    public String excerpt(int span) {
        if (sourceLine == null || sourceLine.isEmpty()) {
            return "";
        }
        String src = sourceLine.stripTrailing();
        int col = column;
        if (src.length() > MAX_SHOWN) {
            int from = column > 0 ? Math.max(0, Math.min(column - 1 - MAX_SHOWN / 2, src.length() - MAX_SHOWN)) : 0;
            int to = Math.min(src.length(), from + MAX_SHOWN);
            String head = from > 0 ? "..." : "";
            col = column > 0 ? column - from + head.length() : 0;
            span = Math.min(span, to - (column - 1) + (to < src.length() ? 0 : 1));
            src = head + src.substring(from, to) + (to < src.length() ? "..." : "");
        }
        StringBuilder sb = new StringBuilder("    ").append(src);
        if (col > 0) {
            sb.append("\n    ");
            for (int i = 1; i < col && i - 1 < src.length(); i++) {
                sb.append(src.charAt(i - 1) == '\t' ? '\t' : ' ');
            }
            sb.append('^');
            for (int i = 1; i < span; i++) {
                sb.append('~');
            }
        }
        return sb.toString();
    }
}
