package ibc4j.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import ibc4j.cli.ParityCommand;
import ibc4j.parity.checks.ParityChecks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ibc4j parity}: arguments, exit codes 0/1/2, and where the report goes. */
class ParityCommandTest {
    @TempDir
    Path dir;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(List<ParityCheck> checks, String... args) {
        return ParityCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), checks);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path golden() throws IOException {
        SyntheticGolden s = new SyntheticGolden(dir.resolve("g"));
        s.entry("info_nce", "particle2d", new float[] {1, 2});
        return s.write();
    }

    @Test
    void missingGoldenDirectoryOrManifestExits2WithAMessage() throws IOException {
        assertEquals(2, run(ParityChecks.all(), "--golden", dir.resolve("absent").toString()));
        assertTrue(err().startsWith("parity: golden directory " + dir.resolve("absent") + " does not exist"), err());
        err.reset();
        assertEquals(2, run(ParityChecks.all(), "--golden", dir.toString()));
        assertTrue(err().startsWith("parity: " + dir.resolve("manifest.json") + " not found"), err());
        assertEquals("", out());
    }

    @Test
    void usageErrorsExit2() throws IOException {
        Path g = golden();
        assertEquals(2, run(ParityChecks.all(), "--golden", g.toString(), "--format", "pdf"));
        assertTrue(err().contains("unknown --format 'pdf'"), err());
        assertEquals(2, run(ParityChecks.all(), "--bogus"));
        assertEquals(2, run(ParityChecks.all(), "--golden", g.toString(), "stray"));
        assertEquals(0, run(ParityChecks.all(), "--help"));
        assertTrue(out().contains("--golden <DIR>"), out());
    }

    @Test
    void allPendingExits0AndPrintsMarkdown() throws IOException {
        assertEquals(0, run(FakeChecks.registryWith(), "--golden", golden().toString()));
        assertTrue(out().startsWith("# ibc4j parity report"), out());
        assertTrue(out().contains("| ⏳ | info_nce | particle2d |"), out());
        assertTrue(out().contains("first failure: none"), out());
        assertTrue(!out().contains("| ✅"), "nothing ran, so nothing is ticked");
    }

    @Test
    void aFailingCheckExits1AndNamesTheFirstFailure() throws IOException {
        List<ParityCheck> checks = FakeChecks.registryWith(FakeChecks.scaling("info_nce", 2));
        assertEquals(1, run(checks, "--golden", golden().toString(), "--format", "json"));
        var json = new ObjectMapper().readTree(out());
        assertEquals("fail", json.get("components").get(5).get("status").asText());
        assertTrue(err().startsWith("parity: first failure: info_nce/particle2d/y: 2 of 2 elements exceed"), err());
    }

    @Test
    void outWritesTheFileAndKeepsStdoutClean() throws IOException {
        Path report = dir.resolve("report.html");
        List<ParityCheck> checks = FakeChecks.registryWith(FakeChecks.scaling("info_nce", 1));
        assertEquals(0, run(checks, "--golden", golden().toString(), "--format", "html", "--out", report.toString()));
        assertEquals("", out());
        assertTrue(Files.readString(report).contains("<tr class=\"pass\"><td>✅</td><td>info_nce</td>"));
        int pending = ParityChecks.COMPONENTS.size() - 1; // one case in this golden, every other component pending
        assertTrue(err().contains("wrote " + report + " (✅ 1 pass · ❌ 0 fail · ⏳ " + pending + " pending)"), err());
    }
}
