package ibc4j.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import ibc4j.configurables.IbcConfigurables;
import ibc4j.train.RunInvocation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sweep.json} in the sweep root: what every point of the sweep shares (the base config's text, bindings,
 * task, eval, data collection). A rerun with a different base would mix results of two configs in one table while
 * skipping the finished points, so it is refused, naming what changed; axes and seeds may grow (new points run,
 * finished ones are kept).
 */
final class SweepManifest {
    static final String FILE = "sweep.json";
    /** The {@code gin_file} axis' files: each may join later (a new value), none may change. */
    static final String GRID_FILES = "grid_gin_files_sha256";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SweepManifest() {}

    static Map<String, Object> of(SweepSpec spec) {
        Map<String, Object> m = new LinkedHashMap<>();
        try {
            Map<String, String> files = new LinkedHashMap<>();
            for (RunInvocation.GinFile f : RunInvocation.read(spec.ginFiles(),
                    IbcConfigurables.registry().bundledConfigs())) {
                files.put(f.path(), sha256(f.text()));
            }
            m.put("gin_files_sha256", files);
            Map<String, String> axisFiles = new LinkedHashMap<>();
            for (GridAxis a : spec.axes()) {
                if (a.param().equals(GridAxis.GIN_FILE)) {
                    for (RunInvocation.GinFile f : RunInvocation.read(a.values(),
                            IbcConfigurables.registry().bundledConfigs())) {
                        axisFiles.put(f.path(), sha256(f.text()));
                    }
                }
            }
            if (!axisFiles.isEmpty()) {
                m.put(GRID_FILES, axisFiles);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("gin file: " + e.getMessage(), e);
        }
        m.put("gin_bindings", spec.bindings());
        m.put("task", spec.tasks());
        m.put("skip_eval", spec.skipEval());
        m.put("collect", List.of(spec.collect().episodes(), spec.collect().replicas(), spec.collect().seed()));
        return m;
    }

    /** Writes the manifest of a new sweep root, or checks the rerun against the stored one. */
    static void checkOrWrite(SweepSpec spec) {
        Path f = spec.rootPath().resolve(FILE);
        try {
            // Through JSON text, so both sides hold the same types (a long seed reads back as an int).
            Map<?, ?> now = JSON.readValue(JSON.writeValueAsBytes(of(spec)), Map.class);
            if (Files.isRegularFile(f)) {
                Map<String, Object> stored = JSON.readValue(f.toFile(), LinkedHashMap.class);
                boolean newFiles = false;
                for (Map.Entry<?, ?> e : now.entrySet()) {
                    if (e.getKey().equals(GRID_FILES)) {
                        newFiles = checkGridFiles(spec, f, (Map<?, ?>) e.getValue(), (Map<?, ?>) stored.get(GRID_FILES));
                        continue;
                    }
                    if (!e.getValue().equals(stored.get(e.getKey()))) {
                        throw new IllegalArgumentException(spec.root() + " is a sweep whose " + e.getKey() + " was "
                                + stored.get(e.getKey()) + ", now " + e.getValue() + " (" + f + "): its finished points "
                                + "would be mixed with the new config's; give another --sweep_root");
                    }
                }
                if (newFiles) {
                    // Files new to the axis join the record, so that they too are checked on later reruns.
                    Map<Object, Object> merged = new LinkedHashMap<>((Map<?, ?>) now.get(GRID_FILES));
                    if (stored.get(GRID_FILES) instanceof Map<?, ?> old) {
                        merged.putAll(old);
                    }
                    stored.put(GRID_FILES, merged);
                    write(f, stored);
                }
                return;
            }
            Files.createDirectories(f.getParent());
            write(f, now);
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException(f + ": " + e.getMessage(), e));
        }
    }

    private static void write(Path f, Object manifest) throws IOException {
        Path tmp = f.resolveSibling(FILE + ".tmp");
        JSON.writeValue(tmp.toFile(), manifest);
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * A gin file of the grid's axis that an earlier run of the sweep used must be unchanged; returns whether the
     * axis has files the record lacks.
     */
    private static boolean checkGridFiles(SweepSpec spec, Path manifest, Map<?, ?> now, Map<?, ?> stored) {
        if (stored == null) {
            return !now.isEmpty();
        }
        boolean added = false;
        for (Map.Entry<?, ?> e : now.entrySet()) {
            Object was = stored.get(e.getKey());
            added |= was == null;
            if (was != null && !was.equals(e.getValue())) {
                throw new IllegalArgumentException(spec.root() + " is a sweep whose --grid gin file " + e.getKey()
                        + " has changed since its points ran (" + manifest + "): its finished points would be mixed "
                        + "with the new config's; give another --sweep_root");
            }
        }
        return added;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
