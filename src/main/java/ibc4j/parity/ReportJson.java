package ibc4j.parity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON rendering of a {@link ParityReport}: {@code {"header": {...}, "components": [{name, case, ibc_source,
 * status, shape, max_abs, max_rel, atol, rtol, note, failure, tensors: [...]}, ...]}}.
 *
 * <p>Numbers that do not exist (nothing compared) or are not finite are {@code null}: JSON has no NaN, and a
 * NaN written as a bare token would make the whole report unreadable to strict parsers.
 */
final class ReportJson {
    private ReportJson() {}

    static String render(ParityReport r) {
        var json = ManifestReader.JSON;
        ObjectNode root = json.createObjectNode();
        ObjectNode header = json.valueToTree(r.header());
        ObjectNode summary = header.putObject("summary");
        for (ParityStatus s : ParityStatus.values()) {
            summary.put(s.json(), r.count(s));
        }
        header.put("first_failure", r.firstFailure().orElse(null));
        root.set("header", header);
        ArrayNode comps = root.putArray("components");
        for (ParityRow row : r.rows()) {
            ObjectNode c = comps.addObject();
            c.put("name", row.component());
            c.put("case", row.caseName());
            c.put("ibc_source", row.ibcSource());
            c.put("status", row.status().json());
            c.put("shape", row.shapes());
            number(c, "max_abs", row.results().isEmpty() ? Double.NaN : row.maxAbs());
            number(c, "max_rel", row.results().isEmpty() ? Double.NaN : row.maxRel());
            number(c, "atol", row.tolerance().map(Tolerance::atol).orElse(Double.NaN));
            number(c, "rtol", row.tolerance().map(Tolerance::rtol).orElse(Double.NaN));
            c.put("excused_fraction", row.mostExcused().map(t -> t.comparison().excused().fraction()).orElse(0.0));
            c.put("note", row.note());
            c.put("failure", row.failure());
            ArrayNode ts = c.putArray("tensors");
            for (TensorResult t : row.results()) {
                ts.add(tensor(t));
            }
        }
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the report as JSON", e);
        }
    }

    private static ObjectNode tensor(TensorResult t) {
        Comparison c = t.comparison();
        ObjectNode n = ManifestReader.JSON.createObjectNode();
        n.put("path", t.path());
        n.put("shape", t.shapes());
        n.put("pass", t.pass());
        n.put("dtype", c.expectedDtype());
        n.put("elements", c.count());
        n.put("failing", c.failing());
        n.put("nan", c.nanCount());
        number(n, "max_abs", c.maxAbs());
        number(n, "max_rel", c.maxRel());
        number(n, "mean_abs", c.meanAbs());
        number(n, "tolerance_used", c.worstScore());
        ArrayNode idx = n.putArray("worst_index");
        for (long i : c.worstIndex()) {
            idx.add(i);
        }
        number(n, "tf", c.worstExpected());
        number(n, "ibc4j", c.worstActual());
        number(n, "atol", c.tolerance().atol());
        number(n, "rtol", c.tolerance().rtol());
        n.put("reason", c.tolerance().reason());
        n.put("detail", c.detail());
        n.put("note", t.note());
        Excused ex = c.excused();
        if (ex.count() > 0) {
            ObjectNode e = n.putObject("excused");
            e.put("count", ex.count());
            e.put("of", ex.of());
            e.put("fraction", ex.fraction());
            e.put("cap", ex.cap());
            e.put("why", ex.why());
        }
        return n;
    }

    private static void number(ObjectNode n, String field, double v) {
        if (Double.isFinite(v)) {
            n.put(field, v);
        } else {
            n.putNull(field);
        }
    }
}
