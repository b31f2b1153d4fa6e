package ibc4j.sweep;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The sweep's table, one row per point in plan order: {@code summary.csv} (RFC 4180 quoting) and
 * {@code summary.md}. A point without a marker (not run yet, or interrupted) is {@code pending}.
 */
public final class SweepSummary {
    private SweepSummary() {}

    /** One row: the point, and its result (null while pending). */
    public record Row(SweepPoint point, PointResult result) {
        String status() {
            return result == null ? "pending" : result.status();
        }
    }

    public static List<Row> rows(SweepLayout layout, SweepPlan plan) {
        List<Row> rows = new ArrayList<>();
        for (SweepPoint p : plan.points()) {
            rows.add(new Row(p, layout.read(p.id())));
        }
        return rows;
    }

    static List<String> header(List<GridAxis> axes) {
        List<String> h = new ArrayList<>(List.of("point"));
        axes.forEach(a -> h.add(a.param()));
        h.addAll(List.of("seed", "status", "success_rate", "average_return", "steps", "wall_seconds", "error"));
        return h;
    }

    static List<String> cells(List<GridAxis> axes, Row r) {
        List<String> c = new ArrayList<>(List.of(r.point().id()));
        axes.forEach(a -> c.add(shown(a.param() + "=" + r.point().value(a.param()))));
        PointResult x = r.result();
        c.add(Integer.toString(r.point().seed()));
        c.add(r.status());
        c.add(x == null ? "" : num(x.successRate()));
        c.add(x == null ? "" : num(x.averageReturn()));
        c.add(x == null || x.steps() == null ? "" : x.steps().toString());
        c.add(x == null ? "" : String.format(Locale.ROOT, "%.1f", x.wallSeconds()));
        c.add(x == null || x.error() == null ? "" : x.error());
        return c;
    }

    /** A binding's value as the tables show it ({@link GridAxis#label}: a gin file by its name). */
    static String shown(String binding) {
        String l = GridAxis.label(binding);
        return l.substring(l.indexOf('=') + 1);
    }

    private static String num(Double d) {
        return d == null ? "" : String.format(Locale.ROOT, "%.4g", d);
    }

    /** Writes {@code summary.csv} and {@code summary.md} under the root; returns them. */
    public static List<Path> write(SweepLayout layout, List<GridAxis> axes, List<Row> rows) throws IOException {
        StringBuilder csv = new StringBuilder(String.join(",", header(axes).stream().map(SweepSummary::csv).toList()))
                .append('\n');
        StringBuilder md = new StringBuilder("| " + String.join(" | ", header(axes)) + " |\n|");
        header(axes).forEach(h -> md.append(" --- |"));
        md.append('\n');
        for (Row r : rows) {
            List<String> c = cells(axes, r);
            csv.append(String.join(",", c.stream().map(SweepSummary::csv).toList())).append('\n');
            md.append("| ").append(String.join(" | ", c.stream().map(SweepSummary::md).toList())).append(" |\n");
        }
        md.append(means(axes, rows));
        long done = rows.stream().filter(r -> r.result() != null && r.result().done()).count();
        long failed = rows.stream().filter(r -> r.result() != null && !r.result().done()).count();
        md.append('\n').append(done).append(" done, ").append(failed).append(" failed, ")
                .append(rows.size() - done - failed).append(" pending.\n");
        return List.of(SweepLayout.writeText(layout.root().resolve("summary.csv"), csv.toString()),
                SweepLayout.writeText(layout.root().resolve("summary.md"), md.toString()));
    }

    /**
     * Markdown: per grid cell (the points that differ only in seed), the mean success rate and return over its
     * done points with an evaluation, and how many of its seeds those are.
     */
    static String means(List<GridAxis> axes, List<Row> rows) {
        java.util.Map<List<String>, List<PointResult>> cells = new java.util.LinkedHashMap<>();
        for (Row r : rows) {
            List<PointResult> l = cells.computeIfAbsent(r.point().bindings(), k -> new ArrayList<>());
            if (r.result() != null && r.result().done() && r.result().successRate() != null) {
                l.add(r.result());
            }
        }
        long seeds = rows.stream().map(r -> r.point().seed()).distinct().count();
        StringBuilder md = new StringBuilder("\nMean over seeds (of the points done with an eval):\n\n| ");
        axes.forEach(a -> md.append(a.param()).append(" | "));
        md.append("seeds | success_rate | average_return |\n|");
        for (int i = 0; i < axes.size() + 3; i++) {
            md.append(" --- |");
        }
        md.append('\n');
        cells.forEach((cell, done) -> {
            md.append("| ");
            cell.forEach(b -> md.append(md(shown(b))).append(" | "));
            md.append(done.size()).append('/').append(seeds).append(" | ")
                    .append(done.isEmpty() ? "" : num(done.stream().mapToDouble(PointResult::successRate).average()
                            .getAsDouble())).append(" | ")
                    .append(done.isEmpty() || done.stream().anyMatch(d -> d.averageReturn() == null) ? ""
                            : num(done.stream().mapToDouble(PointResult::averageReturn).average().getAsDouble()))
                    .append(" |\n");
        });
        return md.toString();
    }

    static String csv(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    static String md(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
