package ibc4j.train;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RunDirLock}: one trainer per run dir; the OS lock, not the file, decides. */
class RunDirLockTest {

    @Test
    void aSecondHolderInThisProcessIsRefused(@TempDir Path dir) throws IOException {
        try (RunDirLock first = RunDirLock.acquire(dir)) {
            RunDirLock.BusyException e = assertThrows(RunDirLock.BusyException.class, () -> RunDirLock.acquire(dir));
            assertTrue(e.getMessage().contains(dir + " is in use by another ibc4j process"), e.getMessage());
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
        }
        RunDirLock.acquire(dir).close(); // released: free again, although the lock file is still there
        assertTrue(Files.exists(dir.resolve(RunDirLock.FILE)));
    }

    /** A second JVM holding the run dir (two `train` processes) keeps this one out until it exits. */
    @Test
    void anotherProcessHoldingTheLockKeepsUsOut(@TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                Holder.class.getName(), dir.toString()).redirectErrorStream(true).start();
        try {
            // The child prints one line once it holds the lock.
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream()))
                    .readLine();
            assertTrue(line != null && line.startsWith("locked"), "child: " + line);
            RunDirLock.BusyException e = assertThrows(RunDirLock.BusyException.class, () -> RunDirLock.acquire(dir));
            assertTrue(e.getMessage().contains("pid " + holder.pid()), e.getMessage());
        } finally {
            holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        RunDirLock.acquire(dir).close(); // killed: the OS released its lock
    }

    /** The other process: takes the lock, says so, and waits to be killed. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            try (RunDirLock lock = RunDirLock.acquire(Path.of(args[0]))) {
                System.out.println("locked");
                System.out.flush();
                Thread.sleep(60_000);
            }
        }
    }
}
