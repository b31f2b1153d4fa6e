package ibc4j.gin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The parser against google/gin-config's own parser: every case under {@code conformance/} carries the parse
 * gin 0.5.0 produced for it (see that folder's README). Valid files must give the same statements and values;
 * files gin rejects must be rejected at the same 1-based line. Messages may differ: ours add what was found.
 */
class GinConformanceTest {
    private static final Path ROOT = Path.of("src/test/resources/ibc4j/gin/conformance");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> everyCaseMatchesGin() throws IOException {
        List<Path> cases = new ArrayList<>();
        try (Stream<Path> s = Files.walk(ROOT)) {
            s.filter(p -> p.toString().endsWith(".gin")).sorted().forEach(cases::add);
        }
        assertTrue(cases.size() >= 300, "conformance corpus has only " + cases.size() + " cases");
        return cases.stream().map(c -> DynamicTest.dynamicTest(ROOT.relativize(c).toString(), () -> check(c)));
    }

    /** The 17 IBC configs shipped in configs/ parse exactly as gin parses them. */
    @Test
    void ibcConfigsParseAsGinDoes() throws IOException {
        List<String> expected = Files.readAllLines(Path.of("src/test/resources/ibc4j/gin/ibc_configs.expected.jsonl"));
        assertEquals(17, expected.size());
        for (String line : expected) {
            String file = JSON.readTree(line).get("file").asText();
            assertEquals(line, GinJson.line(GinJson.statements(file, GinConfigParser.parseFile(Path.of(file)))));
        }
    }

    private static void check(Path gin) throws IOException {
        String name = gin.getFileName().toString();
        Path expectedFile = gin.resolveSibling(name.substring(0, name.length() - 4) + ".expected.json");
        String wantLine = Files.readString(expectedFile).strip();
        JsonNode want = JSON.readTree(wantLine);
        String rel = ROOT.relativize(gin).toString().replace('\\', '/');
        String gotLine;
        try {
            gotLine = GinJson.line(GinJson.statements(rel, GinConfigParser.parseFile(gin)));
        } catch (GinException e) {
            gotLine = GinJson.line(GinJson.error(rel, e));
        }
        JsonNode got = JSON.readTree(gotLine);
        if (want.has("error")) {
            if (!got.has("error")) {
                fail("gin rejects this file (line " + want.at("/error/line") + ": " + want.at("/error/message")
                        + ") but ibc4j parsed it: " + got);
            }
            assertEquals(want.at("/error/line").asInt(), got.at("/error/line").asInt(),
                    "error line; gin said: " + want.at("/error/message").asText() + " | ibc4j said: "
                            + got.at("/error/message").asText());
        } else {
            if (got.has("error")) {
                fail("gin parses this file but ibc4j rejected it at line " + got.at("/error/line") + ": "
                        + got.at("/error/message").asText());
            }
            // Same text, byte for byte: key order, float repr and escapes as Python's json.dumps writes them.
            assertEquals(wantLine, gotLine);
        }
    }
}
