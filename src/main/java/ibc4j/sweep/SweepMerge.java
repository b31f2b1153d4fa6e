package ibc4j.sweep;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * One table and one plot from the {@code summary.csv} files of several sweeps of one grid: a grid run in parts
 * (one method per sweep root, or parts on different machines) is summarized as if it were one sweep. A point
 * pending in one summary takes its result from another; a point with a result in two summaries is refused, since
 * a table that picked one silently could hide a rerun that disagrees.
 */
public final class SweepMerge {
    /** The grid's axes (values in order of first appearance) and one row per point, in order of first appearance. */
    public record Merged(List<GridAxis> axes, List<SweepSummary.Row> rows) {}

    /** Where a row came from, for errors: {@code FILE, record N}. */
    private record Source(Path file, long record) {
        @Override
        public String toString() {
            return file + " record " + record;
        }
    }

    private SweepMerge() {}

    /** Reads each summary (a {@code summary.csv}, or a sweep root holding one) and merges their rows. */
    public static Merged read(List<Path> summaries) throws IOException {
        List<String> params = null;
        Path first = null;
        Map<String, SweepSummary.Row> rows = new LinkedHashMap<>();
        Map<String, Source> resultFrom = new LinkedHashMap<>();
        for (Path given : summaries) {
            Path f = Files.isDirectory(given) ? given.resolve("summary.csv") : given;
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException(f + ": no such file (a sweep's summary.csv, or its sweep root)");
            }
            List<CSVRecord> records = records(f);
            List<String> p = axisParams(f, records);
            if (params == null) {
                params = p;
                first = f;
            } else if (!params.equals(p)) {
                throw new IllegalArgumentException(f + ": its grid columns " + p + " differ from " + first + "'s "
                        + params + "; only summaries of one grid merge");
            }
            for (CSVRecord rec : records.subList(1, records.size())) {
                Source src = new Source(f, rec.getRecordNumber());
                SweepSummary.Row row = row(src, rec, p);
                String id = row.point().id();
                SweepSummary.Row had = rows.get(id);
                if (had == null || had.result() == null) {
                    rows.put(id, row);
                } else if (row.result() != null) {
                    throw new IllegalArgumentException("point " + id + " has a result in both " + resultFrom.get(id)
                            + " (" + had.status() + ") and " + src + " (" + row.status() + "); a merged table takes "
                            + "one result per point: drop the row from one of them");
                }
                if (row.result() != null) {
                    resultFrom.put(id, src);
                }
            }
        }
        if (params == null) {
            throw new IllegalArgumentException("no summary given");
        }
        return new Merged(axes(params, rows.values()), List.copyOf(rows.values()));
    }

    /** Writes {@code summary.csv}, {@code summary.md} and the success plot of {@code m} into {@code out}. */
    public static Sweep.Written write(Path out, Merged m, String plotX) throws IOException {
        SweepLayout layout = new SweepLayout(out);
        List<Path> files = SweepSummary.write(layout, m.axes(), m.rows());
        return new Sweep.Written(m.rows(), files, SweepPlot.write(layout, m.axes(), plotX, m.rows()));
    }

    private static List<CSVRecord> records(Path f) throws IOException {
        try (Reader r = Files.newBufferedReader(f); CSVParser p = CSVFormat.RFC4180.parse(r)) {
            List<CSVRecord> records = p.getRecords();
            if (records.isEmpty()) {
                throw new IllegalArgumentException(f + ": empty; not a sweep summary");
            }
            return records;
        } catch (UncheckedIOException e) {
            // Commons CSV's word for malformed quoting; its message names the line.
            throw new IllegalArgumentException(f + ": not a CSV file: " + e.getCause().getMessage(), e);
        }
    }

    /** The grid's columns: a summary's header is {@code point}, the axes, then {@link SweepSummary#header}'s tail. */
    private static List<String> axisParams(Path f, List<CSVRecord> records) {
        List<String> header = records.get(0).toList();
        List<String> tail = SweepSummary.header(List.of()).subList(1, SweepSummary.header(List.of()).size());
        if (header.size() < 1 + tail.size() || !header.get(0).equals("point")
                || !header.subList(header.size() - tail.size(), header.size()).equals(tail)) {
            throw new IllegalArgumentException(f + ": record 1: not a sweep summary's header: expected point, the grid "
                    + "parameters, then " + String.join(",", tail) + "; found " + String.join(",", header));
        }
        return List.copyOf(header.subList(1, header.size() - tail.size()));
    }

    private static SweepSummary.Row row(Source src, CSVRecord rec, List<String> params) {
        int n = 1 + params.size() + 7;
        if (rec.size() != n) {
            throw new IllegalArgumentException(src + ": " + rec.size() + " fields; the header has " + n);
        }
        List<String> bindings = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            bindings.add(params.get(i) + "=" + rec.get(1 + i));
        }
        int k = 1 + params.size();
        String id = rec.get(0);
        Integer seed = number(src, "seed", rec.get(k), Integer::valueOf);
        if (id.isEmpty() || seed == null) {
            throw new IllegalArgumentException(src + ": a point needs its id and seed");
        }
        SweepPoint point = new SweepPoint(id, bindings, seed, null);
        String status = rec.get(k + 1);
        if (status.equals("pending")) {
            return new SweepSummary.Row(point, null);
        }
        if (!status.equals(PointResult.DONE) && !status.equals(PointResult.FAILED)) {
            throw new IllegalArgumentException(src + ": column status: '" + status + "' is none of done, failed, "
                    + "pending");
        }
        Double wall = number(src, "wall_seconds", rec.get(k + 5), Double::valueOf);
        String error = rec.get(k + 6);
        return new SweepSummary.Row(point, new PointResult(id, bindings, seed, status,
                number(src, "success_rate", rec.get(k + 2), Double::valueOf),
                number(src, "average_return", rec.get(k + 3), Double::valueOf),
                number(src, "steps", rec.get(k + 4), Long::valueOf), wall == null ? Double.NaN : wall,
                error.isEmpty() ? null : error, null));
    }

    private static <T> T number(Source src, String column, String text, java.util.function.Function<String, T> parse) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return parse.apply(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(src + ": column " + column + ": '" + text + "' is not a number");
        }
    }

    /** Each parameter's values in order of first appearance, as the plot and the means table group them. */
    private static List<GridAxis> axes(List<String> params, Iterable<SweepSummary.Row> rows) {
        List<GridAxis> axes = new ArrayList<>();
        for (String p : params) {
            Set<String> values = new LinkedHashSet<>();
            rows.forEach(r -> values.add(r.point().value(p)));
            axes.add(new GridAxis(p, List.copyOf(values), p + "=" + String.join(",", values)));
        }
        return axes;
    }
}
