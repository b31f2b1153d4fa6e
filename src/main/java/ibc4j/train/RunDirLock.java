package ibc4j.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * An exclusive OS lock on a run dir ({@code .ibc4j.lock}), held while a process trains in it. Two {@code train}
 * processes on one dir would delete each other's checkpoint temp files and interleave event files; the second one
 * is refused, naming the holder. The OS releases the lock when the holder exits, however it exits (kill -9
 * included), so a stale lock file is harmless: only the lock counts, not the file's existence.
 */
public final class RunDirLock implements AutoCloseable {
    public static final String FILE = ".ibc4j.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private RunDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Thrown when another process holds the run dir. */
    public static final class BusyException extends IOException {
        public BusyException(String message) {
            super(message);
        }
    }

    /** Takes the lock on {@code runDir} (created if needed), or throws {@link BusyException} naming the holder. */
    public static RunDirLock acquire(Path runDir) throws IOException {
        Files.createDirectories(runDir);
        Path file = runDir.resolve(FILE);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very JVM (a second run in-process)
        }
        if (lock == null) {
            String holder = holder(ch);
            ch.close();
            throw new BusyException("run dir " + runDir + " is in use by another ibc4j process"
                    + (holder.isEmpty() ? "" : " (" + holder + ")") + "; wait for it to finish or choose another "
                    + "--root_dir");
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + ", started " + Instant.now() + "\n")
                .getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(false);
        return new RunDirLock(ch, lock);
    }

    private static String holder(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(200);
            int n = ch.read(b, 0);
            return n <= 0 ? "" : new String(b.array(), 0, n, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
