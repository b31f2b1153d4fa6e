package ibc4j.parity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns {@code manifest.json} into {@link GoldenEntry}s, naming the file and the JSON path of any bad field.
 *
 * <p>It reads the Jackson tree rather than binding to classes so that an error can say
 * {@code components[3].tensors[2].shape} instead of a Jackson stack trace, and so that fields added by a newer
 * exporter are kept (in {@link TensorSpec#extra()}) instead of rejected.
 */
final class ManifestReader {
    static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private final Path file;

    ManifestReader(Path dir) {
        this.dir = dir;
        this.file = dir.resolve("manifest.json");
    }

    JsonNode readTree() {
        try {
            JsonNode root = JSON.readTree(Files.readString(file));
            if (root == null || !root.isObject()) {
                throw error("", "the top level must be a JSON object");
            }
            return root;
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + " column " + loc.getColumnNr();
            throw new GoldenException(file + ": not valid JSON" + where + ": " + e.getOriginalMessage()
                    + " (is the exporter still writing it?)", e);
        } catch (IOException e) {
            throw new GoldenException(file + ": cannot read: " + e, e);
        }
    }

    List<GoldenEntry> entries(JsonNode root) {
        JsonNode comps = require(root, "components", "");
        if (!comps.isArray()) {
            throw error("components", "must be an array");
        }
        List<GoldenEntry> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < comps.size(); i++) {
            GoldenEntry e = entry(comps.get(i), "components[" + i + "]");
            if (!seen.add(e.key())) {
                throw error("components[" + i + "]", "duplicate entry for " + e.key());
            }
            out.add(e);
        }
        return Collections.unmodifiableList(out);
    }

    private GoldenEntry entry(JsonNode n, String at) {
        if (!n.isObject()) {
            throw error(at, "must be an object");
        }
        String name = text(n, "name", at);
        String cas = text(n, "case", at);
        String source = text(n, "ibc_source", at);
        String description = n.has("description") ? text(n, "description", at) : "";
        Map<String, Object> params = map(n, "params", at);
        Map<String, Object> seeds = map(n, "seeds", at);
        List<String> notes = new ArrayList<>();
        n.path("notes").forEach(x -> notes.add(x.asText()));
        JsonNode ts = require(n, "tensors", at);
        if (!ts.isArray()) {
            throw error(at + ".tensors", "must be an array");
        }
        List<TensorSpec> tensors = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int j = 0; j < ts.size(); j++) {
            TensorSpec t = tensor(ts.get(j), at + ".tensors[" + j + "]", name + "/" + cas);
            if (!names.add(t.name())) {
                throw error(at + ".tensors[" + j + "]", "duplicate tensor name '" + t.name() + "' in " + name + "/" + cas);
            }
            tensors.add(t);
        }
        return new GoldenEntry(name, cas, source, description, params, seeds, List.copyOf(tensors), List.copyOf(notes));
    }

    private TensorSpec tensor(JsonNode n, String at, String key) {
        if (!n.isObject()) {
            throw error(at, "must be an object");
        }
        String name = text(n, "name", at);
        String rel = text(n, "file", at);
        String role = text(n, "role", at);
        if (!TensorSpec.ROLES.contains(role)) {
            throw error(at + ".role", "'" + role + "' is not one of input, weight, noise, output");
        }
        String dtype = text(n, "dtype", at);
        if (!TensorSpec.DTYPES.contains(dtype)) {
            throw error(at + ".dtype", "'" + dtype + "' is not one of " + String.join(", ", TensorSpec.DTYPES.stream().sorted().toList()));
        }
        JsonNode s = require(n, "shape", at);
        if (!s.isArray()) {
            throw error(at + ".shape", "must be an array of non-negative integers, got " + s);
        }
        long[] shape = new long[s.size()];
        for (int k = 0; k < shape.length; k++) {
            if (!s.get(k).canConvertToLong() || !s.get(k).isIntegralNumber() || s.get(k).asLong() < 0) {
                throw error(at + ".shape", "must be an array of non-negative integers, got " + s);
            }
            shape[k] = s.get(k).asLong();
        }
        Path path = dir.resolve(rel).normalize();
        if (Path.of(rel).isAbsolute() || !path.startsWith(dir.normalize())) {
            throw error(at + ".file", "'" + rel + "' must be a path inside the golden directory");
        }
        if (!Files.isRegularFile(path)) {
            throw error(at + ".file", "tensor '" + name + "' of " + key + ": file " + rel + " does not exist");
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        n.fields().forEachRemaining(f -> {
            if (!Set.of("name", "file", "role", "shape", "dtype").contains(f.getKey())) {
                extra.put(f.getKey(), JSON.convertValue(f.getValue(), Object.class));
            }
        });
        return new TensorSpec(name, rel, path, role, shape, dtype, Collections.unmodifiableMap(extra));
    }

    JsonNode require(JsonNode n, String field, String at) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw error(at, "missing field '" + field + "'");
        }
        return v;
    }

    String text(JsonNode n, String field, String at) {
        JsonNode v = require(n, field, at);
        if (!v.isTextual() || v.asText().isBlank()) {
            throw error(at.isEmpty() ? field : at + "." + field, "must be a non-empty string, got " + v);
        }
        return v.asText();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> map(JsonNode n, String field, String at) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return Map.of();
        }
        if (!v.isObject()) {
            throw error(at.isEmpty() ? field : at + "." + field, "must be an object, got " + v);
        }
        return Collections.unmodifiableMap(JSON.convertValue(v, LinkedHashMap.class));
    }

    GoldenException error(String at, String what) {
        return new GoldenException(file + (at.isEmpty() ? "" : ": " + at) + ": " + what);
    }
}
