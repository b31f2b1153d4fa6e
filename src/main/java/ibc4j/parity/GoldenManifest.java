package ibc4j.parity;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The golden directory's {@code manifest.json}: who produced the tensors (TF, tf-agents, IBC commit, ...) and one
 * {@link GoldenEntry} per (component, case).
 *
 * <p>{@link #load} checks structure and that every listed file exists, so a report never starts on a directory
 * the exporter left half-written; {@link #verify} additionally reads every .npy header (cheap: no data).
 */
public final class GoldenManifest {
    /** The manifest format this reader understands (the exporter's {@code FORMAT_VERSION}). */
    public static final int FORMAT = 1;
    /** Case order used when listing cases; cases the exporter adds later sort after these. */
    public static final List<String> CASE_ORDER = List.of("particle2d", "small3d");

    private final Path dir;
    private final int format;
    private final Map<String, Object> producer;
    private final List<GoldenEntry> entries;

    private GoldenManifest(Path dir, int format, Map<String, Object> producer, List<GoldenEntry> entries) {
        this.dir = dir;
        this.format = format;
        this.producer = producer;
        this.entries = entries;
    }

    /** Loads {@code dir/manifest.json}; a {@link GoldenException} names the file and field of any problem. */
    public static GoldenManifest load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new GoldenException("golden directory " + dir + " does not exist"
                    + " (golden/export/export.py writes it; pass --golden DIR to use another)");
        }
        Path file = dir.resolve("manifest.json");
        if (!Files.isRegularFile(file)) {
            throw new GoldenException(file + " not found: " + dir + " has no golden manifest"
                    + " (golden/export/export.py writes it)");
        }
        ManifestReader r = new ManifestReader(dir);
        JsonNode root = r.readTree();
        JsonNode f = r.require(root, "format", "");
        if (!f.isIntegralNumber()) {
            throw r.error("format", "must be an integer, got " + f);
        }
        if (f.asInt() != FORMAT) {
            throw r.error("format", "format " + f.asInt() + " is not supported; this ibc4j reads format " + FORMAT);
        }
        Map<String, Object> producer = r.map(root, "producer", "");
        return new GoldenManifest(dir, f.asInt(), producer, r.entries(root));
    }

    /** The golden directory. */
    public Path dir() {
        return dir;
    }

    public int format() {
        return format;
    }

    /** The producer block verbatim: tensorflow, tf_agents, numpy, ibc_commit, exporter_git, runtime_fixes, ... */
    public Map<String, Object> producer() {
        return producer;
    }

    /** A producer field as text, or {@code "?"} when absent (older or partial manifests). */
    public String producerField(String key) {
        Object v = producer.get(key);
        return v == null ? "?" : v.toString();
    }

    /** All entries in manifest order. */
    public List<GoldenEntry> entries() {
        return entries;
    }

    /** The entry for (component, case), if the exporter wrote it. */
    public Optional<GoldenEntry> entry(String component, String caseName) {
        return entries.stream()
                .filter(e -> e.component().equals(component) && e.caseName().equals(caseName)).findFirst();
    }

    /** The (component, case) ready for a check; throws naming both when the manifest lacks it. */
    public Golden golden(String component, String caseName) {
        return new Golden(this, entry(component, caseName).orElseThrow(() -> new GoldenException(
                dir.resolve("manifest.json") + ": no entry for " + component + "/" + caseName)));
    }

    /** Cases present in the manifest: known ones in {@link #CASE_ORDER}, then others in order of appearance. */
    public List<String> cases() {
        Set<String> present = new LinkedHashSet<>();
        entries.forEach(e -> present.add(e.caseName()));
        List<String> out = new ArrayList<>();
        CASE_ORDER.stream().filter(present::contains).forEach(out::add);
        present.stream().filter(c -> !out.contains(c)).forEach(out::add);
        return Collections.unmodifiableList(out);
    }

    /**
     * Seeds per case, merged over components. A seed name that means different values in different components is
     * qualified by the component ({@code info_nce.predictions}), so nothing is hidden by the merge.
     */
    public Map<String, Map<String, Object>> seedsByCase() {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (String c : cases()) {
            Map<String, List<GoldenEntry>> byName = new LinkedHashMap<>();
            entries.stream().filter(e -> e.caseName().equals(c)).forEach(e ->
                    e.seeds().keySet().forEach(k -> byName.computeIfAbsent(k, x -> new ArrayList<>()).add(e)));
            Map<String, Object> merged = new LinkedHashMap<>();
            byName.forEach((k, es) -> {
                Set<Object> values = new LinkedHashSet<>();
                es.forEach(e -> values.add(e.seeds().get(k)));
                if (values.size() == 1) {
                    merged.put(k, values.iterator().next());
                } else {
                    es.forEach(e -> merged.put(e.component() + "." + k, e.seeds().get(k)));
                }
            });
            out.put(c, merged);
        }
        return out;
    }

    /**
     * Reads every .npy header and checks dtype and shape against the manifest, and every bytes file's size.
     *
     * @return one message per problem (empty when all is well), each naming the tensor and its file
     */
    public List<String> verify() {
        List<String> problems = new ArrayList<>();
        for (GoldenEntry e : entries) {
            for (TensorSpec t : e.tensors()) {
                String what = e.key() + "/" + t.name() + " (" + t.file() + ")";
                try {
                    if (!t.isArray()) {
                        long size = Files.size(t.path());
                        if (t.shape().length != 1 || t.shape()[0] != size) {
                            problems.add(what + ": manifest says " + Fmt.shape(t.shape()) + " bytes, file has " + size);
                        }
                        continue;
                    }
                    String mismatch = mismatch(t, NpyHeader.read(t.path()));
                    if (mismatch != null) {
                        problems.add(what + ": " + mismatch);
                    }
                } catch (GoldenException | java.io.IOException ex) {
                    problems.add(what + ": " + ex.getMessage());
                }
            }
        }
        return problems;
    }

    /** Why a file's header disagrees with its manifest entry, or null when it agrees. */
    static String mismatch(TensorSpec t, NpyHeader h) {
        if (!h.dtypeName().equals(t.dtype()) || !Arrays.equals(h.shape(), t.shape())) {
            return "manifest says " + t.dtype() + " " + Fmt.shape(t.shape()) + ", file has " + h.describe();
        }
        return null;
    }
}
