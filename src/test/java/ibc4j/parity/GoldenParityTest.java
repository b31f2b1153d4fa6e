package ibc4j.parity;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.parity.checks.ParityChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Parity with TensorFlow IBC: every implemented check on every case of the committed goldens (exported from TF
 * IBC by golden/export/export.py) must pass its tolerances. One dynamic test per (component, case); the
 * tolerance and its float32 reasoning sit next to each comparison in the check classes.
 */
class GoldenParityTest {
    private static final Path GOLDEN = Path.of(System.getProperty("ibc4j.golden", "golden"));

    /** {@code ./ibc4j parity --format json} on the committed goldens: every component listed, none failing. */
    @org.junit.jupiter.api.Test
    void parityCommandListsEveryComponentAndExitsZero() throws Exception {
        assertTrue(Files.exists(GOLDEN.resolve("manifest.json")), "no golden manifest at " + GOLDEN.toAbsolutePath()
                + ": the committed goldens are part of the suite (a missing golden is a failure, not a skip)");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int rc = ibc4j.cli.ParityCommand.run(new String[] {"--golden", GOLDEN.toString(), "--format", "json"},
                new java.io.PrintStream(out, true, "UTF-8"), new java.io.PrintStream(err, true, "UTF-8"),
                ParityChecks.all());
        com.fasterxml.jackson.databind.JsonNode report = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out.toString("UTF-8"));
        java.util.Set<String> listed = new java.util.TreeSet<>();
        for (com.fasterxml.jackson.databind.JsonNode row : report.get("components")) {
            listed.add(row.get("name").asText());
            assertTrue(!row.get("status").asText().equals("fail"), "failing row: " + row);
        }
        assertTrue(listed.containsAll(ParityChecks.COMPONENTS), "missing rows: " + listed);
        org.junit.jupiter.api.Assertions.assertEquals(0, rc, err.toString("UTF-8"));
    }

    @TestFactory
    Stream<DynamicTest> implementedComponentsMatchTensorFlow() {
        assertTrue(Files.exists(GOLDEN.resolve("manifest.json")), "no golden manifest at " + GOLDEN.toAbsolutePath()
                + ": the committed goldens are part of the suite (a missing golden is a failure, not a skip)");
        GoldenManifest manifest = GoldenManifest.load(GOLDEN);
        List<ParityCheck> checks = ParityChecks.all().stream().filter(ParityCheck::implemented).toList();
        assertFalse(checks.isEmpty());
        return checks.stream().flatMap(check -> manifest.entries().stream()
                .filter(e -> e.component().equals(check.component())).map(entry ->
                DynamicTest.dynamicTest(check.component() + "/" + entry.caseName(), () -> {
                    Golden g = manifest.golden(check.component(), entry.caseName());
                    List<TensorResult> results = check.run(g);
                    assertFalse(results.isEmpty(), "a check must compare at least one tensor");
                    String failures = results.stream().filter(r -> !r.pass()).map(TensorResult::text)
                            .collect(Collectors.joining("\n"));
                    assertTrue(failures.isEmpty(), failures);
                })));
    }
}
