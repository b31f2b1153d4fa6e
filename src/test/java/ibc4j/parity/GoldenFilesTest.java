package ibc4j.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ibc4j.parity.checks.ParityChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The real golden directory, when there is one: every tensor the manifest lists exists with its declared shape and
 * dtype. Directory from {@code -Dibc4j.golden=DIR} (default {@code golden}); skipped when it has no manifest.
 */
class GoldenFilesTest {
    @Test
    void everyListedTensorFileHasItsDeclaredShapeAndDtype() {
        Path dir = Path.of(System.getProperty("ibc4j.golden", "golden"));
        assumeTrue(Files.isRegularFile(dir.resolve("manifest.json")), "no " + dir.resolve("manifest.json"));
        GoldenManifest m = GoldenManifest.load(dir);
        assertTrue(!m.entries().isEmpty(), dir + "/manifest.json lists no components");
        List<String> problems = m.verify();
        assertEquals(List.of(), problems, problems.size() + " tensor files disagree with " + dir + "/manifest.json");
        for (GoldenEntry e : m.entries()) {
            assertTrue(ParityChecks.COMPONENTS.contains(e.component()), "unknown component " + e.key());
        }
    }
}
