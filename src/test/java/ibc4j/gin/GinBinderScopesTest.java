package ibc4j.gin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Scopes: implicit ({@code train/f.x}), explicit ({@link GinConfig#withScope}), nesting, and references that
 * replace or inherit the scope. Expected values were checked against gin-config 0.5.0 (see sem.py in the report).
 */
class GinBinderScopesTest {
    private static final BigInteger ONE = BigInteger.ONE;
    private static final BigInteger TWO = BigInteger.TWO;
    private static final BigInteger THREE = BigInteger.valueOf(3);

    @Test
    void scopedBindingAppliesOnlyInsideItsScope() {
        GinConfig gin = BinderFixtures.config("f.x = 1\ntrain/f.x = 2\n");
        assertEquals(Arrays.asList(ONE, null), gin.call("f"));
        try (GinConfig.Scope s = gin.withScope("train")) {
            assertEquals(List.of("train"), s.components());
            assertEquals(Arrays.asList(TWO, null), gin.call("f"));
        }
        try (GinConfig.Scope s = gin.withScope("eval")) {
            assertEquals(Arrays.asList(ONE, null), gin.call("f"), "unscoped bindings reach every scope");
        }
    }

    @Test
    void deeperScopesOverrideShallowerOnesAndInheritTheRest() {
        GinConfig gin = BinderFixtures.config("a/f.x = 1\na/b/f.x = 2\nf.y = 3\n");
        try (GinConfig.Scope a = gin.withScope("a"); GinConfig.Scope b = gin.withScope("b")) {
            assertEquals(List.of("a", "b"), gin.currentScope());
            assertEquals(List.of(TWO, THREE), gin.call("f"));
        }
        try (GinConfig.Scope a = gin.withScope("a")) {
            assertEquals(List.of(ONE, THREE), gin.call("f"));
            try (GinConfig.Scope cleared = gin.withScope(null)) {
                assertEquals(List.of(), gin.currentScope(), "null clears the scope, as config_scope(None)");
            }
        }
        assertEquals(List.of(TWO, THREE), gin.call("a/b/f"), "a scoped selector sets the scope for one call");
    }

    @Test
    void scopedReferenceReplacesTheCallersScope() {
        GinConfig gin = BinderFixtures.config("train/f.x = @eval/where()\neval/where.tag = 'e'\n"
                + "train/where.tag = 't'\n");
        try (GinConfig.Scope s = gin.withScope("train")) {
            assertEquals(Arrays.asList("[eval]:e", null), gin.call("f"));
        }
    }

    @Test
    void unscopedEvaluatedReferenceRunsInTheActiveScope() {
        GinConfig gin = BinderFixtures.config("f.x = @where()\ntrain/where.tag = 't'\n");
        try (GinConfig.Scope s = gin.withScope("train")) {
            assertEquals(Arrays.asList("[train]:t", null), gin.call("f"));
        }
        assertEquals("# Parameters for train/f:\n# " + "=".repeat(78) + "\ntrain/f.x = @where()\ntrain/f.y = None\n\n"
                + "# Parameters for train/where:\n# " + "=".repeat(78) + "\ntrain/where.tag = 't'\n",
                gin.operativeConfigString());
    }

    @Test
    void macroValueIsEvaluatedInTheMacrosOwnScope() {
        GinConfig gin = BinderFixtures.config("X = @where()\nf.x = %X\n");
        try (GinConfig.Scope s = gin.withScope("train")) {
            assertEquals(Arrays.asList("[X]:-", null), gin.call("f"));
        }
    }

    @Test
    void invalidScopeNameIsRejected() {
        GinConfig gin = BinderFixtures.config("");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gin.withScope("a b"));
        assertEquals("Invalid value for `name_or_scope`: a b.", e.getMessage());
    }
}
