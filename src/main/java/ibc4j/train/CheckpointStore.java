package ibc4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training checkpoints in a run's {@code train/checkpoints} directory, like tf-agents' Learner keeps them (the
 * last 3), but each one a single {@code ckpt-<step>.zip}: {@code meta.json} plus one {@code .npy} per array.
 *
 * <p>Written atomically: the zip goes to a temp file in the same directory, is fsync'ed, then renamed over the
 * final name, and the directory is fsync'ed. A process killed at any point leaves either the previous complete
 * checkpoint or the new complete one, never a torn file under a checkpoint name; stray temp files are ignored
 * and cleaned on the next save.
 */
public final class CheckpointStore {
    private static final Pattern NAME = Pattern.compile("ckpt-(\\d+)\\.zip");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final int keep;

    public CheckpointStore(Path dir, int keep) {
        this.dir = dir;
        this.keep = keep;
    }

    /** One checkpoint: metadata (step, RNG state, versions...) and named arrays (parameters, optimizer slots). */
    public record Checkpoint(long step, Map<String, Object> meta, Map<String, INDArray> arrays) {}

    public Path save(Checkpoint c) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve("ckpt-" + c.step() + ".zip");
        Path tmp = Files.createTempFile(dir, ".ckpt-" + c.step() + "-", ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(out)) {
                Map<String, Object> meta = new LinkedHashMap<>(c.meta());
                meta.put("step", c.step());
                meta.put("arrays", new ArrayList<>(c.arrays().keySet()));
                zip.putNextEntry(new ZipEntry("meta.json"));
                zip.write(JSON.writeValueAsBytes(meta));
                zip.closeEntry();
                for (Map.Entry<String, INDArray> e : c.arrays().entrySet()) {
                    zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                    // A view or an 'f'-order array would be written scrambled (dl4j-lab §2): always a c-order copy.
                    zip.write(Nd4j.toNpyByteArray(e.getValue().dup('c')));
                    zip.closeEntry();
                }
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("checkpoint dir " + dir + " does not support atomic rename; refusing to risk "
                        + "a torn checkpoint", e);
            }
            syncDirectory();
        } finally {
            Files.deleteIfExists(tmp);
        }
        prune();
        return target;
    }

    /** The newest complete checkpoint, if any. */
    public Optional<Checkpoint> latest() throws IOException {
        List<Path> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(load(all.get(all.size() - 1)));
    }

    /** Complete checkpoints, oldest first. */
    public List<Path> list() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingLong(CheckpointStore::stepOf)).toList();
        }
    }

    public static Checkpoint load(Path file) throws IOException {
        Map<String, Object> meta = null;
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                byte[] bytes = zip.readAllBytes();
                if (e.getName().equals("meta.json")) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = JSON.readValue(bytes, LinkedHashMap.class);
                    meta = m;
                } else if (e.getName().endsWith(".npy")) {
                    arrays.put(e.getName().substring(0, e.getName().length() - 4), Nd4j.createNpyFromByteArray(bytes));
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IOException("checkpoint " + file + " is unreadable (truncated or not a checkpoint): "
                    + e.getMessage(), e);
        }
        if (meta == null) {
            throw new IOException("checkpoint " + file + " has no meta.json");
        }
        for (Object name : (List<?>) meta.getOrDefault("arrays", List.of())) {
            if (!arrays.containsKey(name.toString())) {
                throw new IOException("checkpoint " + file + " lists array '" + name + "' but does not contain it");
            }
        }
        return new Checkpoint(((Number) meta.get("step")).longValue(), meta, arrays);
    }

    private void prune() throws IOException {
        List<Path> all = list();
        for (int i = 0; i < all.size() - keep; i++) {
            Files.deleteIfExists(all.get(i));
        }
        try (var s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(".ckpt-")).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private void syncDirectory() {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // Some filesystems cannot open a directory for sync; the rename itself is still atomic.
        }
    }

    /** The step in a checkpoint's file name ({@code ckpt-<step>.zip}), or -1 for any other name. */
    public static long stepOf(Path p) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }
}
