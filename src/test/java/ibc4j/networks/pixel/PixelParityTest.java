package ibc4j.networks.pixel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.parity.Golden;
import ibc4j.parity.GoldenManifest;
import ibc4j.parity.TensorResult;
import ibc4j.parity.checks.ConvMlpMseForwardCheck;
import ibc4j.parity.checks.PixelEbmForwardCheck;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The pixel parity rows on the committed goldens (also part of GoldenParityTest), runnable on their own. */
class PixelParityTest {
    private static final Path GOLDEN = Path.of(System.getProperty("ibc4j.golden", "golden"));

    private static void runAll(ibc4j.parity.ParityCheck check) throws Exception {
        GoldenManifest m = GoldenManifest.load(GOLDEN);
        int cases = 0;
        for (var e : m.entries()) {
            if (!e.component().equals(check.component())) {
                continue;
            }
            cases++;
            Golden g = m.golden(check.component(), e.caseName());
            List<TensorResult> results = check.run(g);
            results.forEach(r -> System.out.println(r.text()));
            String failures = results.stream().filter(r -> !r.pass()).map(TensorResult::text)
                    .collect(Collectors.joining("\n"));
            assertTrue(failures.isEmpty(), failures);
        }
        assertFalse(cases == 0, "no golden for " + check.component());
    }

    @Test
    void pixelEbmMatchesTensorFlow() throws Exception {
        runAll(new PixelEbmForwardCheck());
    }

    @Test
    void spatialAttentionMatchesTensorFlow() throws Exception {
        runAll(new ibc4j.parity.checks.SpatialAttentionForwardCheck());
    }

    @Test
    void convMlpMseMatchesTensorFlow() throws Exception {
        runAll(new ConvMlpMseForwardCheck());
    }
}
