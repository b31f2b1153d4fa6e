package ibc4j.parity;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Markdown rendering of a {@link ParityReport}: environment, golden provenance, then the ✅/❌/⏳ checklist table
 * and every tolerance with its reason.
 */
final class ReportMarkdown {
    private ReportMarkdown() {}

    static String render(ParityReport r) {
        Map<String, Object> h = r.header();
        Map<String, Object> p = ParityReport.producer(r);
        StringBuilder sb = new StringBuilder();
        sb.append("# ibc4j parity report\n\n");
        sb.append("ibc4j against Google's TF IBC, component by component, on tensors exported by running IBC itself.\n");
        sb.append("✅ compared, within tolerance · ❌ compared, outside tolerance (or the check crashed) · "
                + "⏳ not compared (Java side or golden missing)\n\n");

        sb.append("## Environment (ibc4j)\n\n");
        sb.append("- ibc4j: `").append(h.get("ibc4j_version")).append("` (git `").append(h.get("git_commit")).append("`)\n");
        sb.append("- Java: ").append(h.get("java")).append("\n");
        sb.append("- ND4J backend: ").append(h.get("nd4j_backend")).append(", dtype ").append(h.get("nd4j_dtype")).append("\n");
        sb.append("- OS: ").append(h.get("os")).append(" (").append(h.get("arch")).append(")\n");
        sb.append("- CPU: ").append(h.get("cpu")).append("\n\n");

        sb.append("## Golden (TF IBC)\n\n");
        sb.append("- golden: `").append(h.get("golden_dir")).append("` (manifest format ").append(h.get("manifest_format")).append(")\n");
        sb.append("- IBC: ").append(p.getOrDefault("ibc_repo", "?")).append(" @ `").append(p.getOrDefault("ibc_commit", "?")).append("`\n");
        List<String[]> versions = ParityReport.producerFields(p);
        if (!versions.isEmpty()) {
            sb.append("- ").append(versions.stream().map(v -> v[0] + " " + v[1]).collect(Collectors.joining(" · "))).append("\n");
        }
        sb.append("- exporter: `").append(p.getOrDefault("exporter_git", "?")).append("`\n");
        List<String> fixes = ParityReport.runtimeFixes(p);
        sb.append("- runtime fixes applied to run IBC (").append(fixes.size()).append(")").append(fixes.isEmpty() ? "\n" : ":\n");
        for (int i = 0; i < fixes.size(); i++) {
            sb.append("  ").append(i + 1).append(". ").append(fixes.get(i).replace("\n", " ")).append("\n");
        }
        Map<String, Map<String, Object>> seeds = ParityReport.seeds(r);
        if (!seeds.isEmpty()) {
            sb.append("- seeds:\n");
            seeds.forEach((c, s) -> sb.append("  - ").append(c).append(": ").append(s.isEmpty() ? "-"
                    : s.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")))
                    .append("\n"));
        }

        sb.append("\n## Checklist\n\n").append(r.summaryLine()).append("\n\n");
        sb.append("| | component | case | IBC source | shapes | max abs | max rel | tol (atol/rtol) | excused | note |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (ParityRow row : r.rows()) {
            sb.append("| ").append(row.status().symbol())
                    .append(" | ").append(cell(row.component()))
                    .append(" | ").append(cell(row.caseName()))
                    .append(" | `").append(cell(row.ibcSource())).append('`')
                    .append(" | ").append(cell(row.shapes()))
                    .append(" | ").append(ParityReport.maxAbsCell(row))
                    .append(" | ").append(ParityReport.maxRelCell(row))
                    .append(" | ").append(ParityReport.toleranceCell(row))
                    .append(" | ").append(ParityReport.excusedCell(row))
                    .append(" | ").append(cell(row.note()))
                    .append(" |\n");
        }
        sb.append("\nfirst failure: ").append(r.firstFailure().orElse("none")).append("\n");

        Map<String, String> reasons = new LinkedHashMap<>();
        for (ParityRow row : r.rows()) {
            for (TensorResult t : row.results()) {
                reasons.put(t.path(), t.tolerance().describe() + ": " + t.tolerance().reason());
            }
        }
        if (!reasons.isEmpty()) {
            sb.append("\n## Tolerances\n\n");
            reasons.forEach((path, why) -> sb.append("- `").append(path).append("` ").append(why).append("\n"));
        }
        return sb.toString();
    }

    /** Escapes a table cell: a literal | would end the cell (the failure texts contain |Δ|). */
    private static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }
}
