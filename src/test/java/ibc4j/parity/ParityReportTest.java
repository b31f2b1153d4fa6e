package ibc4j.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import ibc4j.parity.checks.ParityChecks;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runner statuses and the three renderings, on a synthetic golden with fake checks. */
class ParityReportTest {
    private static final Map<String, Object> ENV = Map.of("ibc4j_version", "test", "git_commit", "abc",
            "java", "17", "nd4j_backend", "CpuBackend", "nd4j_dtype", "FLOAT", "os", "Linux", "arch", "amd64",
            "cpu", "test cpu");

    @TempDir
    Path dir;
    GoldenManifest manifest;

    @BeforeEach
    void golden() throws IOException {
        SyntheticGolden s = new SyntheticGolden(dir);
        s.entry("mlp_ebm_forward", "particle2d", new float[] {1, 2});
        s.entry("mlp_ebm_forward", "small3d", new float[] {1, 2});
        s.entry("info_nce", "particle2d", new float[] {5.545177f, 3});
        s.entry("grad_penalty", "particle2d", new float[] {1, 2});
        s.entry("train_step", "particle2d", new float[] {1, 2});
        s.entry("sampling_bounds", "particle2d", new float[] {1, 2});
        s.entry("future_component", "particle2d", new float[] {1, 2});
        manifest = GoldenManifest.load(s.write());
    }

    private ParityReport report(ParityCheck... checks) {
        return new ParityRunner(FakeChecks.registryWith(checks), ENV).run(manifest);
    }

    private static ParityRow row(ParityReport r, String component, String cas) {
        return r.rows().stream().filter(x -> x.component().equals(component) && x.caseName().equals(cas))
                .findFirst().orElseThrow();
    }

    @Test
    void statusesFollowWhatRan() {
        ParityReport r = report(FakeChecks.scaling("mlp_ebm_forward", 1), FakeChecks.scaling("info_nce", 1.0001),
                FakeChecks.throwing("grad_penalty"), FakeChecks.empty("train_step"),
                FakeChecks.scaling("langevin_chain", 1));
        assertEquals(ParityChecks.COMPONENTS.size() * 2 + 1, r.rows().size(),
                "every registered component x 2 cases + the unregistered golden");
        assertEquals(ParityStatus.PASS, row(r, "mlp_ebm_forward", "particle2d").status());
        assertEquals(ParityStatus.FAIL, row(r, "info_nce", "particle2d").status());
        assertEquals("mlp_ebm_forward/particle2d/y: 2 elements within rtol=1e-5 (atol=1e-6); max |Δ|=0, worst [0]:"
                        + " tf=1 ibc4j=1 |Δ|/|tf|=0 at 0% of tolerance",
                row(r, "mlp_ebm_forward", "particle2d").results().get(0).text());
        assertEquals("grad_penalty/particle2d: check threw IllegalStateException: weights not loaded",
                row(r, "grad_penalty", "particle2d").failure());
        assertEquals(ParityStatus.FAIL, row(r, "train_step", "particle2d").status(), "an empty check is not a pass");
        ParityRow noGolden = row(r, "langevin_chain", "particle2d");
        assertEquals(ParityStatus.PENDING, noGolden.status(), "implemented but no golden: not run, not a pass");
        assertEquals("no golden", noGolden.note());
        assertEquals("Java side missing", row(r, "sampling_bounds", "particle2d").note());
        assertEquals(ParityStatus.PENDING, row(r, "sampling_bounds", "particle2d").status());
        assertEquals("no golden; Java side missing", row(r, "normalizer_stats", "small3d").note());
        assertEquals("golden present but no Java check registered for this component",
                row(r, "future_component", "particle2d").note());
        assertEquals("info_nce/particle2d/y: 2 of 2 elements exceed rtol=1e-5 (atol=1e-6); worst [0]: tf=5.545177"
                + " ibc4j=5.545732 |Δ|/|tf|=1e-4", r.firstFailure().orElseThrow());
        assertEquals(1, r.exitCode());
        assertEquals("[2,2]→[2]", row(r, "info_nce", "particle2d").shapes());
    }

    @Test
    void exitCodeIsZeroWhenNothingFailsEvenWithPendingRows() {
        ParityReport r = report(FakeChecks.scaling("mlp_ebm_forward", 1));
        assertEquals(0, r.exitCode());
        assertEquals(2, r.count(ParityStatus.PASS));
        assertEquals(0, r.count(ParityStatus.FAIL));
        assertEquals(0, new ParityRunner(FakeChecks.registryWith(), ENV).run(manifest).exitCode());
    }

    @Test
    void markdownShowsPendingAndNeverATickWithoutARun() {
        String md = report(FakeChecks.scaling("mlp_ebm_forward", 1), FakeChecks.scaling("info_nce", 1.0001)).render("md");
        List<String> table = md.lines().filter(l -> l.startsWith("| ✅") || l.startsWith("| ❌") || l.startsWith("| ⏳"))
                .collect(Collectors.toList());
        assertEquals(ParityChecks.COMPONENTS.size() * 2 + 1, table.size());
        for (String l : table) {
            if (l.startsWith("| ✅")) {
                assertTrue(l.contains("| mlp_ebm_forward |"), "only the check that ran and passed is ticked: " + l);
            }
        }
        assertEquals(2, table.stream().filter(l -> l.startsWith("| ✅")).count());
        assertTrue(table.contains("| ⏳ | normalizer_stats | small3d | `ibc/train/stats.py:compute_dataset_statistics` |"
                + " - | - | - | - | - | no golden; Java side missing |"), md);
        assertTrue(md.contains("| ❌ | info_nce | particle2d | `ibc/test.py:info_nce` | [2,2]→[2] | 5.5e-4 | 1e-4 |"
                + " 1e-6/1e-5 | 0 | 1 of 1 tensors failed |"), md);
        assertTrue(md.contains("\nfirst failure: info_nce/particle2d/y: 2 of 2 elements exceed"), md);
        assertTrue(md.contains("- TensorFlow 2.15.1 · tf-agents 0.19.0 · TFP 0.23.0 · numpy 1.26.4"), md);
        assertTrue(md.contains("  1. pybullet stubbed\n  2. legacy Adam\n"), md);
        assertTrue(md.contains("  - particle2d: weights=0, "), md);
        assertTrue(md.contains("- `mlp_ebm_forward/particle2d/y` atol=1e-6 rtol=1e-5: fake: float32 identity"), md);
        assertTrue(md.contains("- ND4J backend: CpuBackend, dtype FLOAT"), md);
    }

    @Test
    void jsonHasTheSchemaFields() throws IOException {
        String json = report(FakeChecks.scaling("mlp_ebm_forward", 1), FakeChecks.scaling("info_nce", 1.0001)).render("json");
        JsonNode root = new ObjectMapper().readTree(json);
        assertEquals(2, root.size());
        JsonNode h = root.get("header");
        for (String k : List.of("ibc4j_version", "git_commit", "java", "nd4j_backend", "nd4j_dtype", "os", "arch",
                "cpu", "golden_dir", "producer", "seeds", "summary", "first_failure")) {
            assertTrue(h.has(k), k);
        }
        assertEquals("2.15.1", h.get("producer").get("tensorflow").asText());
        assertEquals(1, h.get("summary").get("fail").asInt());
        JsonNode comps = root.get("components");
        assertEquals(ParityChecks.COMPONENTS.size() * 2 + 1, comps.size());
        for (JsonNode c : comps) {
            for (String k : List.of("name", "case", "ibc_source", "status", "shape", "max_abs", "max_rel", "atol", "rtol")) {
                assertTrue(c.has(k), k + " in " + c);
            }
            assertTrue(List.of("pass", "fail", "pending").contains(c.get("status").asText()));
            if (c.get("status").asText().equals("pending")) {
                assertTrue(c.get("max_abs").isNull() && c.get("atol").isNull(), c.toString());
            }
        }
        JsonNode fail = comps.get(10);
        assertEquals("info_nce", fail.get("name").asText());
        assertEquals("fail", fail.get("status").asText());
        assertEquals(1e-5, fail.get("rtol").asDouble());
        assertEquals(List.of(0), List.of(fail.get("tensors").get(0).get("worst_index").get(0).asInt()));
    }

    @Test
    void htmlIsOneEscapedPage() {
        String html = report(FakeChecks.scaling("info_nce", 1.0001)).render("html");
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<tr class=\"fail\"><td>❌</td><td>info_nce</td>"), html);
        assertFalse(html.contains("<script"));
        assertThrows(IllegalArgumentException.class, () -> report().render("pdf"));
    }

    @Test
    void aPassRowCannotBeBuiltWithoutPassingResults() {
        assertThrows(IllegalStateException.class, () -> new ParityRow(ParityStatus.PASS, "info_nce", "particle2d",
                "ibc/losses/ebm_loss.py:info_nce", "-", List.of(), "", null));
    }
}
