package ibc4j.environments.particle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ibc4j.parity.Golden;
import ibc4j.parity.GoldenEntry;
import ibc4j.parity.GoldenManifest;
import ibc4j.parity.ParityCheck;
import ibc4j.parity.TensorResult;
import ibc4j.parity.checks.ParticleEnvCheck;
import ibc4j.parity.checks.ParticleOracleCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The particle env and oracle against the goldens TF IBC's exporter wrote ({@code golden/export/export.py},
 * components {@code particle_env} and {@code particle_oracle}): every float bit for bit. The golden folder is the
 * system property {@code ibc4j.golden} (default {@code golden}); without a manifest there the test is skipped.
 */
class ParticleParityTest {
    private static final Path GOLDEN = Path.of(System.getProperty("ibc4j.golden", "golden"));

    @TestFactory
    Stream<DynamicTest> particleEnvAndOracleMatchIbcBitForBit() {
        assumeTrue(Files.exists(GOLDEN.resolve("manifest.json")), "no golden manifest at " + GOLDEN.toAbsolutePath());
        GoldenManifest manifest = GoldenManifest.load(GOLDEN);
        List<ParityCheck> checks = List.of(new ParticleEnvCheck(), new ParticleOracleCheck());
        return checks.stream().flatMap(check -> {
            List<GoldenEntry> entries = manifest.entries().stream()
                    .filter(e -> e.component().equals(check.component())).toList();
            assertFalse(entries.isEmpty(), "the manifest has no " + check.component() + " entries");
            return entries.stream().map(entry -> DynamicTest.dynamicTest(entry.key(), () -> {
                Golden g = manifest.golden(check.component(), entry.caseName());
                List<TensorResult> results = check.run(g);
                assertEquals(g.tensorsWithRole("output").size(), results.stream()
                        .filter(r -> g.spec(r.path().substring(r.path().lastIndexOf('/') + 1)).role()
                                .equals("output")).count(), "every output tensor is compared");
                String failures = results.stream().filter(r -> !r.pass()).map(TensorResult::text)
                        .collect(Collectors.joining("\n"));
                assertTrue(failures.isEmpty(), failures);
            }));
        });
    }
}
