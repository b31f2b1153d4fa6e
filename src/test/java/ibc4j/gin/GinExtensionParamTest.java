package ibc4j.gin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link Extension}: a parameter the mirrored signature lacks leaves no trace at its default and is recorded when
 * bound.
 */
class GinExtensionParamTest {
    /** {@code f(a=1)} mirrored, plus an extension {@code kind='plain'}. */
    public static final class Mirrored {
        @Configurable(value = "f", module = "ext")
        public static String f(@Param(value = "a", dflt = "1") int a,
                               @Extension @Param(value = "kind", dflt = "'plain'") String kind) {
            return a + kind;
        }
    }

    /** An extension without a default cannot keep the mirrored behaviour. */
    public static final class NoDefault {
        @Configurable(value = "g", module = "ext")
        public static int g(@Extension @Param("kind") String kind) {
            return 0;
        }
    }

    private static GinConfig config(String text) {
        GinConfig gin = new GinConfig(new GinRegistry().register(Mirrored.class));
        gin.parse(text, "t.gin");
        return gin;
    }

    @Test
    void atItsDefaultTheExtensionIsLeftOutOfTheOperativeConfig() {
        GinConfig gin = config("f.a = 2\n");
        assertEquals("2plain", gin.call("f", Map.of()));
        String rule = "# " + "=".repeat(78);
        String expected = "# Parameters for f:\n" + rule + "\nf.a = 2\n";
        assertEquals(expected, gin.operativeConfigString().strip() + "\n");
        assertEquals(expected, gin.bindOnlyConfigString().replaceAll("(?m)^# Set in .*\n", "").strip() + "\n");
    }

    @Test
    void boundTheExtensionIsRecorded() {
        GinConfig gin = config("f.kind = 'fancy'\n");
        assertEquals("1fancy", gin.call("f", Map.of()));
        String rule = "# " + "=".repeat(78);
        assertEquals("# Parameters for f:\n" + rule + "\nf.a = 1\nf.kind = 'fancy'\n",
                gin.operativeConfigString().strip() + "\n");
    }

    @Test
    void anExtensionNeedsADefault() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GinRegistry().register(NoDefault.class));
        assertTrue(e.getMessage().contains("@Extension: it needs the default"), e.getMessage());
    }
}
