package ibc4j.gin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Configs that would make gin-config recurse until Python's stack runs out (macro and include cycles, long
 * chains, deep nesting) are refused with a located message: at parse for nesting and includes, at finalize for
 * macros, and at the call for a config never finalized. None of them may overflow the Java stack.
 */
class GinCyclesAndDepthTest {
    @TempDir
    Path dir;

    private static GinConfig finalized(String text) {
        GinConfig gin = BinderFixtures.config(text);
        gin.finalizeConfig();
        return gin;
    }

    private static GinBindingException finalizeFails(String text) {
        GinConfig gin = BinderFixtures.config(text);
        return assertThrows(GinBindingException.class, gin::finalizeConfig);
    }

    // ------------------------------------------------------------------------------------------------- macros

    @Test
    void aTwoMacroCycleIsNamedAtFinalize() {
        GinBindingException e = finalizeFails("A = %B\nB = %A\nf.x = %A\n");
        assertEquals("t.gin:1:5: Macro cycle: %A -> %B -> %A.\n"
                + "    A = %B\n"
                + "        ^~", e.getMessage());
    }

    @Test
    void aLongerCycleIsNamedFromWhereTheSearchEnteredIt() {
        GinBindingException e = finalizeFails("f.x = %A\nA = [1, %B]\nB = {'k': %C}\nC = (%D,)\nD = %B\n");
        assertEquals("t.gin:3:11: Macro cycle: %B -> %C -> %D -> %B.\n"
                + "    B = {'k': %C}\n"
                + "              ^~", e.getMessage());
    }

    @Test
    void aMacroReferringToItselfIsACycleEvenUnused() {
        GinBindingException e = finalizeFails("X = [1, %X]\n");
        assertEquals("t.gin:1:9: Macro cycle: %X -> %X.\n"
                + "    X = [1, %X]\n"
                + "            ^~", e.getMessage());
    }

    @Test
    void withoutFinalizeTheCallReportsTheCycleInsteadOfOverflowing() {
        GinConfig gin = BinderFixtures.config("A = %B\nB = %A\nf.x = %A\n");
        GinBindingException e = assertThrows(GinBindingException.class, () -> gin.call("f"));
        assertEquals("t.gin:2:5: Macro cycle: %A -> %B -> %A.\n"
                + "    B = %A\n"
                + "        ^~", e.getMessage());
    }

    @Test
    void aChainOfAHundredMacrosEvaluatesAndOneMoreIsRefused() {
        Object x = ((List<?>) finalized(macroChain(100, "[7]")).call("f")).get(0);
        assertEquals("[7]", x.toString());
        GinBindingException e = finalizeFails(macroChain(101, "7"));
        assertEquals("t.gin:2:6: Macro chain deeper than 100: %M0 -> %M1 -> %M2 -> ... -> %M99 -> %M100 -> %M101.\n"
                + "    M0 = %M1\n"
                + "         ^~~", e.getMessage());
    }

    /** {@code f.x = %M0}, {@code M0 = %M1}, ..., {@code M<n> = last}. */
    private static String macroChain(int n, String last) {
        StringBuilder sb = new StringBuilder("f.x = %M0\n");
        for (int i = 0; i < n; i++) {
            sb.append("M").append(i).append(" = %M").append(i + 1).append('\n');
        }
        return sb.append("M").append(n).append(" = ").append(last).append('\n').toString();
    }

    @Test
    void nestingAddedUpThroughMacrosIsRefusedAtTheMacroThatGoesTooDeep() {
        String deep = "[".repeat(250) + "1" + "]".repeat(250);
        GinBindingException e = finalizeFails("f.x = %A\nA = [[[[%B]]]]\nB = [[[[%C]]]]\nC = " + deep + "\n");
        assertEquals("t.gin:2:9: Values nested deeper than 256 levels once macros are expanded: %A -> %B -> %C.\n"
                + "    A = [[[[%B]]]]\n"
                + "            ^~", e.getMessage());
        GinBindingException inBinding = finalizeFails("f.y = 1\nf.x = [[[%B]]]\nB = " + "[".repeat(254) + "1"
                + "]".repeat(254) + "\n");
        assertEquals("t.gin:2:10: Values nested deeper than 256 levels once macros are expanded: f.x -> %B.\n"
                + "    f.x = [[[%B]]]\n"
                + "             ^~", inBinding.getMessage());
    }

    @Test
    void nestingUpToTheLimitThroughMacrosEvaluates() {
        GinConfig gin = finalized("f.x = %A\nA = " + "[".repeat(128) + "%B" + "]".repeat(128) + "\nB = "
                + "[".repeat(128) + "1" + "]".repeat(128) + "\n");
        Object v = ((List<?>) gin.call("f")).get(0);
        int depth = 0;
        while (v instanceof List<?> l) {
            v = l.get(0);
            depth++;
        }
        assertEquals(256, depth);
    }

    @Test
    void scopedReferenceChainsAreBoundedAtTheCall() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            sb.append("s").append(i).append("/f.x = @s").append(i + 1).append("/f()\n");
        }
        GinConfig gin = finalized(sb.toString());
        GinBindingException e = assertThrows(GinBindingException.class, () -> gin.call("s0/f"));
        assertEquals("References and macros nested deeper than 200: @s1/f() -> @s2/f() -> @s3/f() -> ... -> "
                + "@s199/f() -> @s200/f() -> @s201/f().", e.rawMessage());
        assertEquals("t.gin:201:12", e.location().prefix());
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

    @Test
    void nothingHereNeedsMoreThanASmallStack() throws Exception {
        // The limits hold on a 512 KiB thread stack, half the JVM's default.
        List<Throwable> failures = new ArrayList<>();
        Thread t = new Thread(null, () -> {
            try {
                nestingAtTheLimitParsesBindsAndPrints();
                nestingUpToTheLimitThroughMacrosEvaluates();
                aChainOfAHundredMacrosEvaluatesAndOneMoreIsRefused();
                twoThousandNestedContainersAreASyntaxErrorAtTheFirstTooDeep("{1:", "}", 775);
                scopedReferenceChainsAreBoundedAtTheCall();
            } catch (Throwable e) {
                failures.add(e);
            }
        }, "small-stack", 512 * 1024);
        t.start();
        t.join();
        assertEquals(List.of(), failures);
    }
}
