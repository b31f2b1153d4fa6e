package ibc4j.sweep;

import java.io.IOException;

/**
 * A point's JVM: {@code ibc4j.cli.Main} (train or collect), ended when its sweep goes away. The sweep holds this
 * process's stdin open and never writes to it; end-of-file means the sweep's JVM died (killed, or a lost Spark
 * executor), so the point stops instead of training on unwatched, still holding its run dir's lock. Its last
 * checkpoint stays, and the next sweep resumes from it.
 */
public final class PointMain {
    /** The exit status of a point stopped because its sweep ended. */
    static final int ORPHANED = 143;

    private PointMain() {}

    public static void main(String[] args) {
        Thread watch = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the sweep never writes; read only to see the end
                }
            } catch (IOException e) {
                // a broken pipe is the same news
            }
            System.err.println("ibc4j sweep: the sweep that started this point ended; stopping");
            Runtime.getRuntime().halt(ORPHANED);
        }, "sweep-watch");
        watch.setDaemon(true);
        watch.start();
        ibc4j.cli.Main.main(args);
    }
}
