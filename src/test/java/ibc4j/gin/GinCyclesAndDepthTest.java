package ibc4j.gin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Configs that would make gin-config recurse until Python's stack runs out are refused with a located message;
 * none of them may overflow the Java stack. Here: values nested too deep, include cycles and long include chains.
 */
class GinCyclesAndDepthTest {
    @TempDir
    Path dir;

    private static GinConfig finalized(String text) {
        GinConfig gin = BinderFixtures.config(text);
        gin.finalizeConfig();
        return gin;
    }

    // ------------------------------------------------------------------------------------------------ nesting

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[|]|263", "(|,)|263", "(|)|263", "{1:|}|775", "[(|,)]|263"})
    void twoThousandNestedContainersAreASyntaxErrorAtTheFirstTooDeep(String open, String close, int column) {
        String text = "f.x = " + open.repeat(2000) + "1" + close.repeat(2000) + "\n";
        GinSyntaxException e = assertThrows(GinSyntaxException.class, () -> BinderFixtures.config(text));
        assertEquals("Values nested deeper than 256 levels (lists, tuples, dicts or parentheses).", e.rawMessage());
        assertEquals("t.gin:1:" + column, e.location().prefix());
        String[] lines = e.getMessage().split("\n");
        assertEquals(3, lines.length, e.getMessage());
        assertTrue(lines[1].length() <= 4 + 3 + Location.MAX_SHOWN + 3, "a window of the long line: " + lines[1]);
        assertTrue("[({".indexOf(lines[1].charAt(lines[2].indexOf('^'))) >= 0, e.getMessage());
    }

    @Test
    void theCaretStaysUnderTheOffendingBracketInTheWindow() {
        String text = "f.x = " + "[".repeat(300) + "]".repeat(300) + "\n";
        GinSyntaxException e = assertThrows(GinSyntaxException.class, () -> BinderFixtures.config(text));
        String[] lines = e.getMessage().split("\n");
        int caret = lines[2].indexOf('^');
        assertEquals('[', lines[1].charAt(caret));
        assertEquals("t.gin:1:263", e.location().prefix());
    }

    @Test
    void nestingAtTheLimitParsesBindsAndPrints() {
        String text = "f.x = " + "[".repeat(256) + "1" + "]".repeat(256) + "\n"
                + "f.y = {'a': " + "(".repeat(255) + "2," + ")".repeat(255) + "}\n";
        GinConfig gin = finalized(text);
        assertTrue(gin.bindOnlyConfigString().contains("[[[[1]]]]"));
        assertEquals(2, ((List<?>) gin.call("f")).size());
    }

    @Test
    void bracketsInStringsAndCommentsDoNotCount() {
        String text = "f.x = '" + "[".repeat(1000) + "'  # " + "(".repeat(1000) + "\n";
        assertEquals("[".repeat(1000), finalized(text).queryParameter("f.x"));
    }

    // ----------------------------------------------------------------------------------------------- includes

    private void write(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text);
    }

    @Test
    void anIncludeCycleIsNamedByTheFilesAsWritten() throws IOException {
        write("a.gin", "f.y = 1\ninclude 'b.gin'\n");
        write("b.gin", "include 'c.gin'\n");
        write("c.gin", "include 'a.gin'  # back to the start\n");
        GinConfig gin = new GinConfig(BinderFixtures.registry()).addSearchPath(dir);
        GinException e = assertThrows(GinException.class, () -> gin.parseFile("a.gin"));
        assertEquals(dir.resolve("c.gin") + ":1:1: Include cycle: a.gin -> b.gin -> c.gin -> a.gin.\n"
                + "    include 'a.gin'  # back to the start\n"
                + "    ^~~~~~~~~~~~~~~", e.getMessage());
    }

    @Test
    void aFileIncludingItselfIsACycle() throws IOException {
        write("self.gin", "include 'self.gin'\n");
        GinConfig gin = new GinConfig(BinderFixtures.registry()).addSearchPath(dir);
        GinException e = assertThrows(GinException.class, () -> gin.parseFile("self.gin"));
        assertEquals("Include cycle: self.gin -> self.gin.", e.rawMessage());
    }

    @Test
    void includingTheSameFileTwiceWithoutACycleIsFine() throws IOException {
        write("common.gin", "f.y = 3\n");
        write("one.gin", "include 'common.gin'\ninclude 'common.gin'\nf.x = 1\n");
        GinConfig gin = new GinConfig(BinderFixtures.registry()).addSearchPath(dir);
        gin.parseFile("one.gin");
        assertEquals(3L, ((Number) gin.queryParameter("f.y")).longValue());
    }

    @Test
    void aChainOfThreeThousandIncludesStopsAtAHundred() throws IOException {
        for (int i = 0; i < 3000; i++) {
            write("f" + i + ".gin", "include 'f" + (i + 1) + ".gin'\n");
        }
        write("f3000.gin", "f.x = 1\n");
        GinConfig gin = new GinConfig(BinderFixtures.registry()).addSearchPath(dir);
        GinException e = assertThrows(GinException.class, () -> gin.parseFile("f0.gin"));
        assertEquals(dir.resolve("f99.gin") + ":1:1: Include chain deeper than 100 files: f0.gin -> f1.gin -> "
                + "f2.gin -> ... -> f98.gin -> f99.gin -> f100.gin.\n"
                + "    include 'f100.gin'\n"
                + "    ^~~~~~~~~~~~~~~~~~", e.getMessage());
        GinConfig hundred = new GinConfig(BinderFixtures.registry()).addSearchPath(dir);
        hundred.parseFile("f2901.gin");
        assertEquals(1L, ((Number) hundred.queryParameter("f.x")).longValue());
    }
}
