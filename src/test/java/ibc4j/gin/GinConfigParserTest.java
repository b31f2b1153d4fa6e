package ibc4j.gin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What users see from the parser: statements and values, and error messages with file, line, caret and hint.
 * (Agreement with gin-config's own parser is {@link GinConformanceTest}'s job.)
 */
class GinConfigParserTest {

    @Test
    void bindingSplitsScopeSelectorAndParam() {
        Statement.Binding b = (Statement.Binding) GinConfigParser.parse("train/ibc.MLPEBM.width = 256\n", "t.gin")
                .get(0);
        assertEquals("train", b.scope());
        assertEquals("ibc.MLPEBM", b.selector());
        assertEquals("width", b.param());
        assertEquals(BigInteger.valueOf(256), b.value());
        assertEquals(new Location("t.gin", 1, 1, "train/ibc.MLPEBM.width = 256"), b.location());
    }

    @Test
    void blockYieldsDeclarationThenItsBindings() {
        List<Statement> st = GinConfigParser.parse("s/MLPEBM:\n  width = 8\n  # note\n  depth = 2\nx.y = 1\n", "b.gin");
        assertEquals(4, st.size());
        assertEquals(new Statement.Block("s", "MLPEBM", st.get(0).location()), st.get(0));
        Statement.Binding depth = (Statement.Binding) st.get(2);
        assertEquals("s/MLPEBM.depth", depth.key());
        assertEquals(4, depth.location().line());
    }

    @Test
    void valuesFollowPythonLiteralRules() {
        Statement.Binding b = (Statement.Binding) GinConfigParser.parse(
                "f.x = {'a': (1,), 'b': [1e-3, -0x10, None], 'c': @g(), 'd': %M}\n", "v.gin").get(0);
        Dict d = (Dict) b.value();
        assertEquals("{'a': (1,), 'b': [0.001, -16, None], 'c': @g(), 'd': %M}", PyValues.repr(d));
        assertInstanceOf(ConfigurableReference.class, d.entries().get(2).getValue());
    }

    @Test
    void macroDefinitionHasEmptyParam() {
        Statement.Binding b = (Statement.Binding) GinConfigParser.parse("s/LR = 5e-4\n", "m.gin").get(0);
        assertTrue(b.isMacro());
        assertEquals("LR", b.selector());
        assertEquals(5e-4, b.value());
    }

    @Test
    void bareNameGetsCaretAndHint() {
        GinSyntaxException e = assertThrows(GinSyntaxException.class,
                () -> GinConfigParser.parse("MLPEBM.activation = relu\n", "c.gin"));
        assertEquals(new Location("c.gin", 1, 21, "MLPEBM.activation = relu"), e.location());
        assertEquals(String.join("\n",
                "c.gin:1:21: malformed node or string: <ast.Name>",
                "    Failed to parse token 'relu'",
                "    MLPEBM.activation = relu",
                "                        ^~~~",
                "  a string needs quotes ('relu'); a configurable is referenced as @relu or @relu()"),
                e.getMessage());
    }

    @Test
    void unclosedBracketNamesItsOpenerAtGinsLine() {
        GinSyntaxException e = assertThrows(GinSyntaxException.class,
                () -> GinConfigParser.parse("a.b = [1,\n", "u.gin"));
        assertEquals(2, e.location().line(), "gin (tokenize) reports the line after the end of the file");
        assertEquals("EOF in multi-line statement: '[' at line 1, column 7 is never closed", e.rawMessage());
    }

    @Test
    void junkAfterValueIsExpectedNewline() {
        GinSyntaxException e = assertThrows(GinSyntaxException.class,
                () -> GinConfigParser.parse("x.y = 1\nf.a = 1 2\n", "j.gin"));
        assertEquals(new Location("j.gin", 2, 9, "f.a = 1 2"), e.location());
        assertEquals("Expected newline. Got '2'.", e.rawMessage());
    }

    @Test
    void whitespaceInsideSelectorIsMalformatted() {
        GinSyntaxException e = assertThrows(GinSyntaxException.class,
                () -> GinConfigParser.parse("MLPEBM. width = 1\n", "w.gin"));
        assertEquals("Malformatted scope or selector.", e.rawMessage());
        assertEquals(1, e.location().column());
    }

    @Test
    void badDedentIsAnIndentationError() {
        GinSyntaxException e = assertThrows(GinSyntaxException.class,
                () -> GinConfigParser.parse("    a.b = 1\n  c.d = 2\n", "i.gin"));
        assertEquals(2, e.location().line());
        assertEquals("unindent does not match any outer indentation level", e.rawMessage());
    }

    @Test
    void crlfAndLoneCrEndLines() {
        List<Statement> st = GinConfigParser.parse("a.b = 1\r\nc.d = 2\re.f = 3", "nl.gin");
        assertEquals(List.of(1, 2, 3), st.stream().map(s -> s.location().line()).toList());
    }
}
