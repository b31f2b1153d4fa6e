package ibc4j.environments.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server that crashes or hangs mid-episode: the call fails with its stderr tail, and a fresh one serves next. */
class BridgeFailureTest {
    @TempDir
    Path tmp;

    @Test
    void crashFailsTheCallWithStderrTailThenRestarts() throws Exception {
        BridgeOptions o = FakeBridge.options("--crash_on_step", "2", "--once", tmp.resolve("crashed").toString());
        try (BridgeEnv env = FakeBridge.env(o)) {
            env.reset();
            long pid = env.process().pid();
            env.step(new float[] {0f, 0f});
            BridgeException e = assertThrows(BridgeException.class, () -> env.step(new float[] {0f, 0f}));
            assertFalse(e.isSetup());
            assertTrue(e.getMessage().contains("exited with status 7"), e.getMessage());
            assertTrue(e.getMessage().contains("fake env: crash at step 2"), e.getMessage());
            assertTrue(Files.exists(tmp.resolve("crashed")));
            assertReaped(pid);
            assertEquals(0, env.reset().stepType());
            assertNotEquals(pid, env.process().pid());
            assertEquals(1, env.step(new float[] {0f, 0f}).stepType());
        }
    }

    @Test
    void hangTimesOutKillsAndRestarts() throws Exception {
        BridgeOptions o = FakeBridge.options("--hang_on_step", "1", "--once", tmp.resolve("hung").toString())
                .withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(2));
        try (BridgeEnv env = FakeBridge.env(o)) {
            env.reset();
            long pid = env.process().pid();
            long t0 = System.nanoTime();
            BridgeException e = assertThrows(BridgeException.class, () -> env.step(new float[] {0f, 0f}));
            double secs = (System.nanoTime() - t0) / 1e9;
            assertTrue(secs >= 1.9 && secs < 15, "timed out after " + secs + " s");
            assertTrue(e.getMessage().contains("timed out after 2 s"), e.getMessage());
            assertTrue(e.getMessage().contains("fake env: hang at step 1"), e.getMessage());
            assertReaped(pid);
            env.reset();
            assertEquals(1, env.step(new float[] {0f, 0f}).stepType());
        }
    }

    /** The killed child is gone and reaped: no process with its pid is left (a zombie would still be listed). */
    private static void assertReaped(long pid) throws Exception {
        ProcessHandle.of(pid).ifPresent(h -> {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("child " + pid + " still running", e);
            }
        });
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertFalse(Files.exists(Path.of("/proc/" + pid)), "child " + pid + " left a /proc entry (zombie)");
    }
}
