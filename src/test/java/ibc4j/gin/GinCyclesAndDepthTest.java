package ibc4j.gin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Configs that would make gin-config recurse until Python's stack runs out are refused with a located message;
 * none of them may overflow the Java stack. Here: values nested deeper than the parser's limit.
 */
class GinCyclesAndDepthTest {
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
}
