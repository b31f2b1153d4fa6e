package ibc4j.parity;

import java.util.List;
import java.util.Map;

/**
 * HTML rendering of a {@link ParityReport}: one self-contained page (inline CSS, no scripts, no external assets)
 * with the header and the checklist table.
 */
final class ReportHtml {
    private ReportHtml() {}

    static String render(ParityReport r) {
        Map<String, Object> h = r.header();
        Map<String, Object> p = ParityReport.producer(r);
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ibc4j parity report</title>\n")
                .append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:3px 6px;font-size:13px;vertical-align:top}")
                .append("tr.pass{background:#eaffea}tr.fail{background:#ffe8e8}tr.pending{background:#f6f6f6}")
                .append("code{font-size:12px}</style></head><body>\n");
        sb.append("<h1>ibc4j parity report</h1>\n<p>").append(esc(r.summaryLine())).append("</p>\n");
        sb.append("<h2>Environment</h2>\n<ul>\n");
        for (String k : List.of("ibc4j_version", "git_commit", "java", "nd4j_backend", "nd4j_dtype", "os", "arch", "cpu")) {
            sb.append("<li>").append(esc(k)).append(": ").append(esc(String.valueOf(h.get(k)))).append("</li>\n");
        }
        sb.append("</ul>\n<h2>Golden (TF IBC)</h2>\n<ul>\n");
        sb.append("<li>golden: <code>").append(esc(String.valueOf(h.get("golden_dir")))).append("</code></li>\n");
        sb.append("<li>IBC: ").append(esc(p.getOrDefault("ibc_repo", "?") + " @ " + p.getOrDefault("ibc_commit", "?"))).append("</li>\n");
        for (String[] v : ParityReport.producerFields(p)) {
            sb.append("<li>").append(esc(v[0])).append(": ").append(esc(v[1])).append("</li>\n");
        }
        sb.append("<li>exporter: <code>").append(esc(String.valueOf(p.getOrDefault("exporter_git", "?")))).append("</code></li>\n");
        sb.append("<li>runtime fixes:<ol>");
        ParityReport.runtimeFixes(p).forEach(f -> sb.append("<li>").append(esc(f)).append("</li>"));
        sb.append("</ol></li>\n");
        ParityReport.seeds(r).forEach((c, s) -> sb.append("<li>seeds ").append(esc(c)).append(": ")
                .append(esc(s.toString())).append("</li>\n"));
        sb.append("</ul>\n<h2>Checklist</h2>\n<table>\n<tr><th></th><th>component</th><th>case</th><th>IBC source</th>")
                .append("<th>shapes</th><th>max abs</th><th>max rel</th><th>tol (atol/rtol)</th><th>excused</th><th>note</th></tr>\n");
        for (ParityRow row : r.rows()) {
            sb.append("<tr class=\"").append(row.status().json()).append("\"><td>").append(row.status().symbol())
                    .append("</td><td>").append(esc(row.component()))
                    .append("</td><td>").append(esc(row.caseName()))
                    .append("</td><td><code>").append(esc(row.ibcSource())).append("</code>")
                    .append("</td><td>").append(esc(row.shapes()))
                    .append("</td><td>").append(ParityReport.maxAbsCell(row))
                    .append("</td><td>").append(ParityReport.maxRelCell(row))
                    .append("</td><td>").append(ParityReport.toleranceCell(row))
                    .append("</td><td>").append(ParityReport.excusedCell(row))
                    .append("</td><td>").append(esc(row.note()))
                    .append("</td></tr>\n");
        }
        sb.append("</table>\n<p>first failure: ").append(esc(r.firstFailure().orElse("none"))).append("</p>\n");
        sb.append("</body></html>\n");
        return sb.toString();
    }

    private static String esc(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
