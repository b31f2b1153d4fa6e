package ibc4j.parity;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parity report: a header (where ibc4j ran, who produced the goldens, seeds) and one {@link ParityRow} per
 * (component, case), renderable as Markdown, JSON or HTML.
 */
public final class ParityReport {
    /** Output formats of {@link #render(String)}. */
    public static final List<String> FORMATS = List.of("md", "json", "html");

    private final Map<String, Object> header;
    private final List<ParityRow> rows;

    /** A report over {@code rows}; {@code header} is kept in order. */
    public ParityReport(Map<String, Object> header, List<ParityRow> rows) {
        this.header = Collections.unmodifiableMap(new LinkedHashMap<>(header));
        this.rows = List.copyOf(rows);
    }

    public Map<String, Object> header() {
        return header;
    }

    public List<ParityRow> rows() {
        return rows;
    }

    /** Number of rows with {@code status}. */
    public long count(ParityStatus status) {
        return rows.stream().filter(r -> r.status() == status).count();
    }

    /** {@code component/case/tensor: failure text} of the first ❌ row in report order. */
    public Optional<String> firstFailure() {
        return rows.stream().filter(r -> r.status() == ParityStatus.FAIL).map(ParityRow::failure).findFirst();
    }

    /** 0 when no row is ❌, else 1. Pending rows do not fail the run: they are shown, never hidden. */
    public int exitCode() {
        return count(ParityStatus.FAIL) == 0 ? 0 : 1;
    }

    /** {@code ✅ 3 pass · ❌ 1 fail · ⏳ 28 pending}. */
    public String summaryLine() {
        return ParityStatus.PASS.symbol() + " " + count(ParityStatus.PASS) + " pass · "
                + ParityStatus.FAIL.symbol() + " " + count(ParityStatus.FAIL) + " fail · "
                + ParityStatus.PENDING.symbol() + " " + count(ParityStatus.PENDING) + " pending";
    }

    /** The report in {@code format}: {@code md}, {@code json} or {@code html}. */
    public String render(String format) {
        switch (format) {
            case "md":
                return ReportMarkdown.render(this);
            case "json":
                return ReportJson.render(this);
            case "html":
                return ReportHtml.render(this);
            default:
                throw new IllegalArgumentException("unknown report format '" + format + "'; use one of " + FORMATS);
        }
    }

    // ---- cell helpers shared by the renderers ----

    /** A number cell: {@code -} when nothing was compared. */
    static String num(double v) {
        return Double.isNaN(v) ? "-" : Fmt.sci(v);
    }

    /** Excused cell: the row's largest excused fraction and its cap ({@code 0} when nothing was left out). */
    static String excusedCell(ParityRow r) {
        if (r.results().isEmpty()) {
            return "-";
        }
        return r.mostExcused().map(t -> String.format(java.util.Locale.ROOT, "%.2f %% (cap %.0f %%)",
                100 * t.comparison().excused().fraction(), 100 * t.comparison().excused().cap())).orElse("0");
    }

    /** Max abs cell: {@code NaN} when compared values had NaN, {@code -} when nothing was compared. */
    static String maxAbsCell(ParityRow r) {
        if (r.results().isEmpty()) {
            return "-";
        }
        return Double.isNaN(r.maxAbs()) ? "NaN" : Fmt.sci(r.maxAbs());
    }

    static String maxRelCell(ParityRow r) {
        if (r.results().isEmpty()) {
            return "-";
        }
        return Double.isNaN(r.maxRel()) ? "NaN" : Fmt.sci(r.maxRel());
    }

    /** {@code 1e-6/1e-5} of the decisive tensor. */
    static String toleranceCell(ParityRow r) {
        return r.tolerance().map(t -> Fmt.sci(t.atol()) + "/" + Fmt.sci(t.rtol())).orElse("-");
    }

    /** Header lines about the golden's producer, in a fixed order, skipping fields the manifest lacks. */
    static List<String[]> producerFields(Map<String, Object> producer) {
        String[][] names = {
                {"tensorflow", "TensorFlow"}, {"keras", "Keras"}, {"tf_agents", "tf-agents"},
                {"tensorflow_probability", "TFP"}, {"numpy", "numpy"}, {"python", "Python"},
                {"gin_config", "gin-config"}, {"gym", "gym"}, {"device", "device"}, {"dtype", "dtype"}};
        List<String[]> out = new ArrayList<>();
        for (String[] n : names) {
            if (producer.get(n[0]) != null) {
                out.add(new String[] {n[1], producer.get(n[0]).toString()});
            }
        }
        return out;
    }

    /** The producer's runtime fixes (workarounds the exporter applied to run IBC), possibly empty. */
    static List<String> runtimeFixes(Map<String, Object> producer) {
        Object v = producer.get("runtime_fixes");
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> l) {
            l.forEach(x -> out.add(String.valueOf(x)));
        } else if (v != null) {
            out.add(v.toString());
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> producer(ParityReport r) {
        Object p = r.header.get("producer");
        return p instanceof Map ? (Map<String, Object>) p : Map.of();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> seeds(ParityReport r) {
        Object s = r.header.get("seeds");
        return s instanceof Map ? (Map<String, Map<String, Object>>) s : Map.of();
    }
}
