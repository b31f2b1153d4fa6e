package ibc4j.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where a sweep keeps things under its root: {@code runs/<id>} (run dirs; {@code tensorboard --logdir runs}
 * shows them all), {@code data/<key>} (collected data), {@code points/<id>.json} (markers) beside
 * {@code points/<id>.seconds} (wall time so far), {@code logs/} (each point's and collection's output),
 * {@code summary.csv}, {@code summary.md} and the plot.
 */
public final class SweepLayout {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;

    public SweepLayout(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public Path runs() {
        return root.resolve("runs");
    }

    public Path runDir(SweepPoint p) {
        return runs().resolve(p.id());
    }

    public Path data(String key) {
        return root.resolve("data").resolve(key);
    }

    public Path marker(String id) {
        return root.resolve("points").resolve(id + ".json");
    }

    /** The seconds the point's attempts have run so far ({@link PointClock}). */
    Path clock(String id) {
        return root.resolve("points").resolve(id + ".seconds");
    }

    public Path log(String name) {
        return root.resolve("logs").resolve(name + ".log");
    }

    /** The point's stored result; null when it has none (never run, or interrupted). */
    public PointResult read(String id) {
        Path f = marker(id);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return JSON.readValue(f.toFile(), PointResult.class);
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("point marker " + f + " is unreadable (" + e.getMessage()
                    + "); delete it to run the point again", e));
        }
    }

    /** Writes the marker atomically: a killed sweep leaves the old marker or the new one, never half of one. */
    public void write(PointResult r) {
        Path f = marker(r.id());
        try {
            Files.createDirectories(f.getParent());
            Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), r);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("writing point marker " + f + ": " + e.getMessage(), e));
        }
    }

    /** Writes {@code text} to {@code f} atomically (a kill leaves the old file or the new one); returns {@code f}. */
    static Path writeText(Path f, String text) throws IOException {
        Files.createDirectories(f.getParent());
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        return Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
