package ibc4j.networks;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs a loop over rows on the calling thread and, when it gets a core, one helper thread: both take chunks of
 * rows from a shared counter. The caller starts at once and never waits for a helper that has not started (it
 * then does every chunk itself), so a machine busy with other jobs costs at most the helper's one chunk in flight.
 * Between GEMMs the second core is otherwise idle, and one core alone cannot saturate memory bandwidth.
 *
 * <p>{@link #forWork} returns the JVM's one shared splitter (one daemon helper thread, started on first use), or
 * one that runs everything on the caller for small loops or with {@code -Dibc4j.fused.threads=1}. While one caller
 * uses the helper, another caller's loop simply runs on its own thread.
 */
final class RowSplitter {
    /** A row loop body over [r0, r1). */
    interface Rows {
        void run(int r0, int r1);
    }

    /** Rows per chunk: 64 rows of 256 floats is 64 KiB per buffer touched, a few µs of work. */
    static final int CHUNK = 64;
    /** Below this many elements per pass, waking a thread costs more than it saves. */
    static final long MIN_PARALLEL_WORK = 1L << 17;

    private static final RowSplitter INLINE = new RowSplitter(false);
    private static RowSplitter shared;

    private final Thread helper;
    private final ReentrantLock inUse = new ReentrantLock();
    private volatile Job job;

    private static final class Job {
        final Rows body;
        final int rows;
        final int chunks;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();

        Job(Rows body, int rows) {
            this.body = body;
            this.rows = rows;
            this.chunks = (rows + CHUNK - 1) / CHUNK;
        }

        void work() {
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                int r0 = c * CHUNK;
                body.run(r0, Math.min(rows, r0 + CHUNK));
                done.incrementAndGet();
            }
        }
    }

    private RowSplitter(boolean withHelper) {
        if (withHelper) {
            helper = new Thread(this::helperLoop, "ibc4j-fused-rows");
            helper.setDaemon(true);
            helper.start();
        } else {
            helper = null;
        }
    }

    /** A splitter for passes of {@code elements} elements: with a helper thread if that pays and is allowed. */
    static synchronized RowSplitter forWork(long elements) {
        boolean two = Runtime.getRuntime().availableProcessors() >= 2
                && Integer.getInteger("ibc4j.fused.threads", 2) >= 2 && elements >= MIN_PARALLEL_WORK;
        if (!two) {
            return INLINE;
        }
        if (shared == null) {
            shared = new RowSplitter(true);
        }
        return shared;
    }

    /** Runs {@code body} over [0, rows) and returns when every row is done. */
    void run(int rows, Rows body) {
        if (helper == null || rows <= CHUNK || !inUse.tryLock()) {
            body.run(0, rows);
            return;
        }
        try {
            Job j = new Job(body, rows);
            job = j;
            LockSupport.unpark(helper);
            j.work();
            while (j.done.get() < j.chunks) {
                Thread.yield(); // the helper holds one chunk; if it shares our core, let it finish
            }
        } finally {
            job = null; // nothing of the caller's stays reachable from the helper
            inUse.unlock();
        }
    }

    private void helperLoop() {
        while (true) {
            Job j = job;
            if (j != null) {
                j.work(); // a finished job has no chunks left: a late look at it does nothing
            }
            LockSupport.park(this);
        }
    }
}
