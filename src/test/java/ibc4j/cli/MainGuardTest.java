package ibc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/** The JVM errors a command can meet without a bug of its own end in one line and exit 3, not a stack trace. */
class MainGuardTest {
    private record Outcome(int code, String err) {}

    private static Outcome guard(IntSupplier body) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = Main.guarded("train", new PrintStream(buf, true, StandardCharsets.UTF_8), body);
        return new Outcome(code, buf.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aClassThatCanNoLongerBeLoadedSaysTheJarChangedAndToRerun() {
        Outcome o = guard(() -> {
            throw new NoClassDefFoundError("ibc4j/train/EvalActor$Result");
        });
        assertEquals(3, o.code());
        assertEquals(1, o.err().lines().count(), o.err());
        assertTrue(o.err().startsWith("ibc4j train: class ibc4j/train/EvalActor$Result could not be loaded: the jar"),
                o.err());
        assertTrue(o.err().contains("Run the command again"), o.err());
        assertFalse(o.err().contains("\tat "), o.err());
    }

    @Test
    void heapAndStackExhaustionNameTheSettingToRaise() {
        Outcome heap = guard(() -> {
            throw new OutOfMemoryError("Java heap space");
        });
        assertEquals(3, heap.code());
        assertTrue(heap.err().contains("IBC4J_JAVA_OPTS=-Xmx<size>"), heap.err());
        Outcome stack = guard(() -> {
            throw new StackOverflowError();
        });
        assertEquals(3, stack.code());
        assertTrue(stack.err().contains("IBC4J_JAVA_OPTS=-Xss<size>"), stack.err());
    }

    @Test
    void aCommandsOwnExitCodeGoesThrough() {
        Outcome o = guard(() -> 2);
        assertEquals(2, o.code());
        assertEquals("", o.err());
    }
}
