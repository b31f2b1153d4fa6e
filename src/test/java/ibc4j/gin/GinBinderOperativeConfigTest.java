package ibc4j.gin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The operative config: what calls used, in gin's text format. {@link #CONFIG}'s expected text below was
 * produced by gin-config 0.5.0 (commit 8ebbd2a, Python 3.11.7) running the same bindings against Python
 * configurables with the same signatures; the pformat cases likewise by Python 3.11's pprint.
 */
class GinBinderOperativeConfigTest {
    private static final String RULE = "# " + "=".repeat(78);
    static final String CONFIG = String.join("\n",
            "import os.path",
            "LR = 1e-3",
            "Net.width = 256",
            "Net.layers = [1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024]",
            "train/Net.rate = %LR",
            "f.x = {'zeta': 1, 'alpha': [1e-5, 2.5], 'mid': 'a long string value with spaces that goes on and on "
                    + "and on past the width'}",
            "f.y = 'a long string value with spaces that goes on and on and on past the width of a line'",
            "");

    @TempDir
    Path dir;

    private static GinConfig runConfig() {
        GinConfig gin = BinderFixtures.config(CONFIG);
        gin.finalizeConfig();
        gin.make(BinderFixtures.Net.class);
        try (GinConfig.Scope s = gin.withScope("train")) {
            gin.make(BinderFixtures.Net.class);
        }
        gin.call("f");
        return gin;
    }

    private static String layers(String key) {
        return key + " = \\\n    [1024,\n" + "     1024,\n".repeat(13) + "     1024]\n";
    }

    @Test
    void operativeConfigMatchesGinsTextExactly() {
        String expected = "import os.path\n\n"
                + "# Macros:\n" + RULE + "\nLR = 0.001\n\n"
                + "# Parameters for f:\n" + RULE + "\n"
                + "f.x = \\\n"
                + "    {'alpha': [1e-05, 2.5],\n"
                + "     'mid': 'a long string value with spaces that goes on and on and on past '\n"
                + "            'the width',\n"
                + "     'zeta': 1}\n"
                + "f.y = \\\n"
                + "    ('a long string value with spaces that goes on and on and on past the '\n"
                + "     'width of a line')\n\n"
                + "# Parameters for Net:\n" + RULE + "\n"
                + "Net.activation = 'relu'\n" + layers("Net.layers") + "Net.rate = 0.1\nNet.width = 256\n\n"
                + "# Parameters for train/Net:\n" + RULE + "\n"
                + "train/Net.activation = 'relu'\n" + layers("train/Net.layers")
                + "train/Net.rate = %LR\ntrain/Net.width = 256\n";
        assertEquals(expected, runConfig().operativeConfigString());
    }

    @Test
    void provenanceNamesTheBindingThatSuppliedEachValue() {
        String op = runConfig().operativeConfigString(true);
        assertTrue(op.contains("# Macros:\n" + RULE + "\n# Set in t.gin:2:\nLR = 0.001\n"), op);
        assertTrue(op.contains("Net.activation = 'relu'\n# Set in t.gin:4:\nNet.layers = \\\n"), op);
        assertTrue(op.contains("# Set in t.gin:5:\ntrain/Net.rate = %LR\n"), op);
        // gin prints provenance only for bindings made in exactly that scope; ibc4j also names inherited ones.
        assertTrue(op.contains("# Set in t.gin:3:\ntrain/Net.width = 256\n"), op);
    }

    @Test
    void sectionWithNothingPrintableSaysNone() {
        GinConfig gin = BinderFixtures.config("");
        gin.call("act", Map.of("a", "TANH"));
        assertEquals("# Parameters for act:\n" + RULE + "\n# None.\n", gin.operativeConfigString());
        assertEquals("", BinderFixtures.config("").operativeConfigString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "[1, 2, 3]|10|[1, 2, 3]",
        "{'b': 1, 'a': [1, 2, 3, 4, 5, 6, 7, 8], 'c': {'y': (1,), 'x': 'hello world again'}}|30|{'a': [1,\\n"
            + "       2,\\n       3,\\n       4,\\n       5,\\n       6,\\n       7,\\n       8],\\n 'b': 1,\\n"
            + " 'c': {'x': 'hello world '\\n            'again',\\n       'y': (1,)}}",
        "('one long string with several words in it to wrap',)|30|('one long string with '\\n 'several words in "
            + "it to '\\n 'wrap',)",
        "'line one\\nline two is a bit longer than the first one'|20|('line one\\\\n'\\n 'line two is a '\\n"
            + " 'bit longer than '\\n 'the first one')",
        "{2: 'x', 1.5: 'y', True: 'z'}|76|{True: 'z', 1.5: 'y', 2: 'x'}",
        "[[1, 2, 3], [4, 5, 6], (7, 8, 9), {'k': [10, 11, 12]}]|20|[[1, 2, 3],\\n [4, 5, 6],\\n (7, 8, 9),\\n"
            + " {'k': [10,\\n        11,\\n        12]}]",
        "b'0123456789abcdefghij'|12|(b'01234567'\\n b'89abcdef'\\n b'ghij')",
        "[b'0123456789abcdefghij', 'abc def ghi jkl mno']|14|[b'01234567'\\n b'89abcdef'\\n b'ghij',\\n"
            + " 'abc def '\\n 'ghi jkl '\\n 'mno']",
        "()|1|()",
    })
    void prettyPrintsLikePythonsPprint(String literal, int width, String expected) {
        Statement.Binding b = (Statement.Binding) GinConfigParser.parse("x.y = " + literal + "\n", "p").get(0);
        assertEquals(expected.replace("\\n", "\n").replace("\\\n", "\\n"), PyPrettyPrinter.pformat(b.value(), width));
    }

    @Test
    void bindOnlyViewShowsDefaultsAndBindingsPerBoundScope() {
        GinConfig gin = BinderFixtures.config("Net.width = 8\ntrain/Net.rate = %R\nR = 0.5\nunused/f.y = 1\n");
        gin.finalizeConfig();
        assertEquals("# Macros:\n" + RULE + "\n# Set in t.gin:3:\nR = 0.5\n\n"
                + "# Parameters for unused/f:\n" + RULE + "\n# Set in t.gin:4:\nunused/f.y = 1\n\n"
                + "# Parameters for Net:\n" + RULE + "\nNet.activation = 'relu'\nNet.layers = (1, 2)\n"
                + "Net.rate = 0.1\n# Set in t.gin:1:\nNet.width = 8\n\n"
                + "# Parameters for train/Net:\n" + RULE + "\ntrain/Net.activation = 'relu'\n"
                + "train/Net.layers = (1, 2)\n# Set in t.gin:2:\ntrain/Net.rate = %R\n# Set in t.gin:1:\n"
                + "train/Net.width = 8\n", gin.bindOnlyConfigString());
    }

    @Test
    void writesOperativeConfigToTheNextFreeIndex() throws IOException {
        GinConfig gin = runConfig();
        Path first = gin.writeOperativeConfig(dir.resolve("run"));
        Path second = gin.writeOperativeConfig(dir.resolve("run"));
        assertEquals(dir.resolve("run/operative_config-0.gin"), first);
        assertEquals(dir.resolve("run/operative_config-1.gin"), second);
        assertEquals(gin.operativeConfigString(true), Files.readString(second));
        try (var files = Files.list(dir.resolve("run"))) {
            assertEquals(2, files.count(), "no temp file is left behind");
        }
        GinConfig reread = new GinConfig(BinderFixtures.registry()).parseFile(first.toString());
        reread.finalizeConfig(); // the written file is itself a valid config
    }

    @Test
    void unusedBindingsAreListedWithTheirLocations() {
        GinConfig gin = BinderFixtures.config("Net.width = 8\nf.x = 1\neval/Net.rate = 0.2\nM = 3\ntrain/f.y = %M\n");
        gin.make(BinderFixtures.Net.class);
        assertEquals(List.of("t.gin:2: f.x = 1", "t.gin:3: eval/Net.rate = 0.2", "t.gin:4: M = 3",
                "t.gin:5: train/f.y = %M"), gin.unusedBindings().stream().map(Object::toString).toList());
        try (GinConfig.Scope s = gin.withScope("train")) {
            gin.call("f");
        }
        assertEquals(List.of("t.gin:3: eval/Net.rate = 0.2"),
                gin.unusedBindings().stream().map(Object::toString).toList());
    }
}
