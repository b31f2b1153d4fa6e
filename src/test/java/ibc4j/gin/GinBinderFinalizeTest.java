package ibc4j.gin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** finalize: the checks it runs, then the lock. */
class GinBinderFinalizeTest {

    @Test
    void finalizeLocksTheConfig() {
        GinConfig gin = BinderFixtures.config("Net.width = 1\n");
        gin.finalizeConfig();
        assertTrue(gin.isLocked());
        GinException e = assertThrows(GinException.class, () -> gin.parse("Net.width = 2\n", "late.gin"));
        assertEquals("late.gin:1:1: Attempted to modify locked Gin config.\n    Net.width = 2\n    ^",
                e.getMessage());
        GinException bind = assertThrows(GinException.class, () -> gin.bind("Net.width", BigInteger.TWO));
        assertEquals("Attempted to modify locked Gin config.", bind.getMessage());
        GinException twice = assertThrows(GinException.class, gin::finalizeConfig);
        assertEquals("Finalize called twice (config already locked).", twice.getMessage());
        assertEquals(1, gin.make(BinderFixtures.Net.class).width, "calls still work after the lock");
    }

    @Test
    void unlockAllowsChangesAgain() {
        GinConfig gin = BinderFixtures.config("Net.width = 1\n");
        gin.finalizeConfig();
        gin.unlock();
        assertFalse(gin.isLocked());
        gin.parse("Net.width = 2\n", "t.gin");
        assertEquals(2, gin.make(BinderFixtures.Net.class).width);
    }

    @Test
    void finalizeChecksLiteralValuesAgainstJavaTypes() {
        GinConfig gin = BinderFixtures.config("Net.rate = 0.5\nNet.width = 'wide'\n");
        GinBindingException e = assertThrows(GinBindingException.class, gin::finalizeConfig);
        assertEquals("t.gin:2:13: Value does not fit 'width' of 'Net' (Java int): expected int, got str 'wide'\n"
                + "    Net.width = 'wide'\n"
                + "                ^~~~~~", e.getMessage());
        assertFalse(gin.isLocked());
    }

    @Test
    void finalizeReportsTheFirstProblemInGinsHookOrder() {
        GinConfig gin = BinderFixtures.config("f.x = %gin.REQUIRED\nf.y = %UNSET\n");
        GinBindingException e = assertThrows(GinBindingException.class, gin::finalizeConfig);
        assertEquals("No bindings specified for 'UNSET/gin.macro' in config string.", e.rawMessage());
    }
}
