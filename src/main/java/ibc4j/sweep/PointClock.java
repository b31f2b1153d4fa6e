package ibc4j.sweep;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The wall time a point has trained over all its attempts, kept in {@code points/<id>.seconds} and brought up to
 * date while an attempt runs. A point resumed after a kill then reports the time of every attempt in its
 * {@code wall_seconds}, not only the last one's: an interrupted attempt counts up to its last update, so at most one
 * {@link #TICK_SECONDS} of it is lost.
 */
final class PointClock {
    static final long TICK_SECONDS = 30;

    private final Path file;
    private final double before;

    /** Reads the seconds of earlier attempts; none (0) when the file is absent or unreadable. */
    PointClock(Path file) {
        this.file = file;
        this.before = read(file);
    }

    /** Seconds the earlier attempts ran. */
    double before() {
        return before;
    }

    /** Seconds of all attempts, this one having run {@code attemptSeconds} so far. */
    double total(double attemptSeconds) {
        return before + attemptSeconds;
    }

    /**
     * Stores {@link #total}, atomically: a kill leaves the previous figure or the new one. A failed write is let go:
     * the figure only feeds the summary, and a disk that refuses it refuses the point's marker next, which says so.
     */
    void save(double attemptSeconds) {
        try {
            SweepLayout.writeText(file, String.format(Locale.ROOT, "%.1f%n", total(attemptSeconds)));
        } catch (IOException e) {
            // See above: not the point's failure.
        }
    }

    private static double read(Path file) {
        try {
            double s = Double.parseDouble(Files.readString(file, StandardCharsets.UTF_8).strip());
            return Double.isFinite(s) && s >= 0 ? s : 0;
        } catch (IOException | NumberFormatException e) {
            // Only a figure for the summary: a lost one must not stop the point.
            return 0;
        }
    }
}
