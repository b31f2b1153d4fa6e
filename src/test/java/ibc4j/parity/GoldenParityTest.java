package ibc4j.parity;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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

    @TestFactory
    Stream<DynamicTest> implementedComponentsMatchTensorFlow() {
        assumeTrue(Files.exists(GOLDEN.resolve("manifest.json")), "no golden manifest at " + GOLDEN);
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
