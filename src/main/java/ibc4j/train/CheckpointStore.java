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
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CheckpointStore.class);
    /** Strict: no sign, no leading zeros, at most 18 digits (always a long). */
    private static final Pattern NAME = Pattern.compile("ckpt-(0|[1-9][0-9]{0,17})\\.zip");
    private static final Pattern LOOKS_LIKE = Pattern.compile("ckpt-.*\\.zip");
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
            readableByAll(tmp); // createTempFile makes 0600; checkpoints are as readable as the run's other files
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

    /**
     * The newest checkpoint that verifies (readable, complete, and holding the step its name says). Newer ones
     * that do not are reported and moved aside to {@code <name>.corrupt}, never deleted. When none verifies,
     * nothing is moved and an IOException lists each file and why: training must not silently start over.
     */
    public Optional<Checkpoint> latest() throws IOException {
        List<Path> all = list();
        List<String> bad = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                Checkpoint c = load(all.get(i));
                for (int j = all.size() - 1; j > i; j--) {
                    Path aside = moveAside(all.get(j));
                    LOG.warn("checkpoint {} is corrupt; moved aside to {}", all.get(j), aside.getFileName());
                }
                if (!bad.isEmpty()) {
                    LOG.warn("resuming from the newest checkpoint that verifies, {} ({})", all.get(i).getFileName(),
                            String.join("; ", bad));
                }
                return Optional.of(c);
            } catch (IOException e) {
                bad.add(e.getMessage());
            }
        }
        if (!bad.isEmpty()) {
            throw new IOException("no checkpoint in " + dir + " verifies: " + String.join("; ", bad)
                    + " (move them away to start the run over)");
        }
        return Optional.empty();
    }

    /** Complete checkpoints, oldest first; other {@code ckpt-*.zip} names are ignored with a warning. */
    public List<Path> list() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            List<Path> out = new ArrayList<>();
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (NAME.matcher(name).matches()) {
                    out.add(p);
                } else if (LOOKS_LIKE.matcher(name).matches()) {
                    LOG.warn("ignoring {}: not a checkpoint name (ckpt-<step>.zip, step without sign or leading "
                            + "zeros, at most 18 digits)", p);
                }
            }
            out.sort(Comparator.comparingLong(CheckpointStore::stepOf));
            return out;
        }
    }

    private static Path moveAside(Path p) throws IOException {
        Path aside = p.resolveSibling(p.getFileName() + ".corrupt");
        for (int i = 1; Files.exists(aside); i++) {
            aside = p.resolveSibling(p.getFileName() + ".corrupt-" + i);
        }
        return Files.move(p, aside, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void readableByAll(Path p) {
        try {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX filesystem: its defaults apply
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
        if (!(meta.get("step") instanceof Number step)) {
            throw new IOException("checkpoint " + file + ": meta.json has no step");
        }
        long named = stepOf(file);
        if (named >= 0 && named != step.longValue()) {
            throw new IOException("checkpoint " + file + " holds step " + step.longValue() + ", not the step "
                    + named + " its name says (renamed or copied over?)");
        }
        return new Checkpoint(step.longValue(), meta, arrays);
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
