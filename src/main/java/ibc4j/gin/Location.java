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

    /** The source line and, when the column is known, a caret under it (width {@code span}). */
    public String excerpt(int span) {
        if (sourceLine == null || sourceLine.isEmpty()) {
            return "";
        }
        String src = sourceLine.stripTrailing();
        StringBuilder sb = new StringBuilder("    ").append(src);
        if (column > 0) {
            sb.append("\n    ");
            for (int i = 1; i < column && i - 1 < src.length(); i++) {
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
