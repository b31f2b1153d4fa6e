package ibc4j.gin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Macros ({@code X = v}, {@code %X}) are looked up when used, and constants take precedence over them. */
class GinBinderMacrosTest {
    @BeforeEach
    void resetCounter() {
        BinderFixtures.Fns.COUNT.set(0);
    }

    @Test
    void lastBindingOfAMacroWinsEvenAfterItsUse() {
        GinConfig gin = BinderFixtures.config("f.x = %LR\nLR = 0.1\nLR = 0.2\n");
        assertEquals(Arrays.asList(0.2, null), gin.call("f"));
    }

    @Test
    void macroMayHoldAContainerOfMacros() {
        GinConfig gin = BinderFixtures.config("L = [1, %X, (%X,)]\nX = 'x'\nf.x = %L\n");
        assertEquals(Arrays.asList(Arrays.asList(BigInteger.ONE, "x", new Tuple(List.of("x"))), null),
                gin.call("f"));
    }

    @Test
    void macroHoldingAnEvaluatedReferenceBuildsANewValuePerUse() {
        GinConfig gin = BinderFixtures.config("M = @counter()\nf.x = %M\nf.y = %M\n");
        assertEquals(List.of(1, 2), gin.call("f"));
    }

    @Test
    void scopedMacroIsItsOwnMacro() {
        GinConfig gin = BinderFixtures.config("X = 1\ntrain/X = 2\nf.x = %train/X\nf.y = %X\n");
        assertEquals(List.of(BigInteger.TWO, BigInteger.ONE), gin.call("f"));
    }

    @Test
    void operativeConfigListsUsedMacrosUnderMacros() {
        GinConfig gin = BinderFixtures.config("f.x = %LR\nLR = 0.1\nB = 64\nf.y = %B\n");
        gin.call("f");
        String rule = "# " + "=".repeat(78);
        assertEquals("# Macros:\n" + rule + "\nB = 64\nLR = 0.1\n\n# Parameters for f:\n" + rule
                + "\nf.x = %LR\nf.y = %B\n", gin.operativeConfigString());
    }

    @Test
    void unboundMacroFailsAtFinalizeWithTheCaretOnItsUse() {
        GinConfig gin = BinderFixtures.config("LR = 0.1\nf.x = %LRR\n");
        GinBindingException e = assertThrows(GinBindingException.class, gin::finalizeConfig);
        assertEquals("t.gin:2:7: No bindings specified for 'LRR/gin.macro' in config string.\n"
                + "    f.x = %LRR\n"
                + "          ^~~~\n"
                + "  did you mean 'LR'?", e.getMessage());
    }

    @Test
    void unboundMacroFailsWhenUsedWithoutFinalize() {
        GinConfig gin = BinderFixtures.config("f.x = %NOPE\n");
        GinBindingException e = assertThrows(GinBindingException.class, () -> gin.call("f"));
        assertEquals("No bindings specified for 'NOPE/gin.macro' in config string.", e.rawMessage());
        assertEquals(7, e.location().column());
    }

    @Test
    void constantsWinOverMacrosAndAmbiguousConstantsAreErrors() {
        GinRegistry r = BinderFixtures.registry().constant("a.PI", 3.14).constant("b.PI", 3.0)
                .constant("E", 2.72);
        GinConfig gin = new GinConfig(r).parse("E = 1\nf.x = %E\nf.y = %a.PI\n", "t.gin");
        assertEquals(List.of(2.72, 3.14), gin.call("f"));
        GinBindingException e = assertThrows(GinBindingException.class,
                () -> new GinConfig(r).parse("f.x = %PI\n", "t.gin"));
        assertEquals("t.gin:1:7: Ambiguous constant selector 'PI', matches ['b.PI', 'a.PI'].\n"
                + "    f.x = %PI\n          ^~~", e.getMessage());
    }
}
