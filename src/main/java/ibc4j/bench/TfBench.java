package ibc4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The JSON that {@code golden/export/bench_tf.py} writes: TF IBC's own Langevin chain, training step and policy
 * inference on the particle config, plus TF's sgemm, timed on one machine; from format version 2 also the other
 * families' figures ({@code families.push}, {@code families.d4rl}: see {@link BenchFamily}), and the particle
 * figures may be absent (bench_tf.py run with {@code --families} without particle). Only what
 * {@code bench compare} needs is read, and every field it reads is checked: a missing or malformed one is a {@link FormatException} naming
 * the file and the field.
 */
public record TfBench(Path file, Map<String, Figure> figures, Map<String, Integer> shape,
                      Map<String, Object> machine, String loadStart, String loadEnd, Map<String, Family> families) {
    public static final String FORMAT = "ibc4j-bench-tf";
    /** The newest version bench_tf.py writes; {@link #OLDEST_VERSION} (particle only) is read too. */
    public static final int FORMAT_VERSION = 2;
    static final int OLDEST_VERSION = 1;
    /** The particle figures (the top-level {@code figures}, besides gemm). */
    static final List<String> PARTICLE_FIGURES = List.of("langevin", "train-step", "inference");
    /** A family's shape fields, named as {@link FamilySetup#shape()} names them. */
    static final List<String> FAMILY_SHAPE_FIELDS = List.of("batch", "counter_examples", "langevin_steps", "width",
            "depth", "obs_dim", "action_dim", "inference_samples", "spectral_norm", "grad_penalty");

    /** One non-particle family's figures (by ibc4j bench name) and the shape TF timed them at. */
    public record Family(String name, Map<String, Figure> figures, Map<String, Object> shape) {
        /** The shape fields whose values differ from ibc4j's, as "families.NAME.shape.field: TF x, ibc4j y". */
        public List<String> shapeMismatches(Map<String, Object> mine) {
            return FAMILY_SHAPE_FIELDS.stream()
                    .filter(k -> !String.valueOf(shape.get(k)).equals(String.valueOf(mine.get(k))))
                    .map(k -> "families." + name + ".shape." + k + ": TF " + shape.get(k) + ", ibc4j " + mine.get(k))
                    .toList();
        }
    }

    /** Whether the file holds the particle figures (always in version 1). */
    public boolean hasParticle() {
        return !shape.isEmpty();
    }
    /** The figures bench_tf.py times, by ibc4j bench name. */
    public static final List<String> FIGURES = List.of("langevin", "train-step", "inference", "gemm");
    /** The shape fields, named as {@link BenchShapes}' JSON names them. */
    static final List<String> SHAPE_FIELDS = List.of("batch", "counter_examples", "langevin_steps", "width",
            "obs_dim", "action_dim", "inference_samples");
    /** Machine fields shown in the comparison (all optional: "?" when absent). */
    static final List<String> MACHINE_FIELDS = List.of("tensorflow", "tf_agents", "keras", "python", "cpu_model",
            "cpu_family_model", "cores", "cores_usable", "tf_intra_op_threads", "tf_inter_op_threads",
            "onednn_enabled", "TF_ENABLE_ONEDNN_OPTS");

    /** One timed TF figure: wall ms per call, and how many cores TF kept busy (CPU time / wall), if recorded. */
    public record Figure(String description, Summary ms, Summary coresBusy) {}

    /** A tf-json that cannot be used; the message names the file and the field. */
    public static final class FormatException extends Exception {
        private static final long serialVersionUID = 1L;

        FormatException(String message) {
            super(message);
        }
    }

    public static TfBench read(Path file) throws FormatException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new FormatException(file + ": no such file (write it with golden/export/bench_tf.py --out "
                    + file + ")");
        } catch (IOException e) {
            throw new FormatException(file + ": cannot read: " + e.getMessage());
        }
        return parse(file, text);
    }

    /** Parses bench_tf.py's JSON; {@code file} only names the source in messages. */
    public static TfBench parse(Path file, String text) throws FormatException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new FormatException(file + ": not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new FormatException(file + ": expected a JSON object from golden/export/bench_tf.py");
        }
        String format = text(file, root, "format");
        if (!format.equals(FORMAT)) {
            throw new FormatException(file + ": field 'format' is '" + format + "', expected '" + FORMAT
                    + "' (a file written by golden/export/bench_tf.py)");
        }
        int version = integer(file, root, "format_version", 1);
        if (version < OLDEST_VERSION || version > FORMAT_VERSION) {
            throw new FormatException(file + ": field 'format_version' is " + version + ", this ibc4j reads "
                    + OLDEST_VERSION + " to " + FORMAT_VERSION);
        }
        JsonNode figs = object(file, root, "figures");
        // Version 2 may leave the particle out (--families without particle): then it has neither those figures
        // nor a top-level shape. Any one of them present, all are required.
        boolean particle = version == 1 || root.has("shape")
                || PARTICLE_FIGURES.stream().anyMatch(figs::has);
        Map<String, Figure> figures = new LinkedHashMap<>();
        for (String name : FIGURES) {
            if (particle || name.equals("gemm")) {
                figures.put(name, figure(file, figs, name, "figures."));
            }
        }
        Map<String, Integer> shape = new LinkedHashMap<>();
        if (particle) {
            JsonNode sh = object(file, root, "shape");
            for (String k : SHAPE_FIELDS) {
                shape.put(k, integer(file, sh, k, 1, "shape." + k));
            }
        }
        Map<String, Family> families = new LinkedHashMap<>();
        if (version >= 2 && root.has("families")) {
            JsonNode fams = object(file, root, "families");
            var it = fams.fields();
            while (it.hasNext()) {
                var e = it.next();
                families.put(e.getKey(), family(file, e.getKey(), e.getValue()));
            }
        }
        JsonNode m = object(file, root, "machine");
        Map<String, Object> machine = new LinkedHashMap<>();
        m.fields().forEachRemaining(e -> machine.put(e.getKey(), plain(e.getValue())));
        String loadStart = root.hasNonNull("load_average_start") ? root.get("load_average_start").asText() : "?";
        String loadEnd = root.hasNonNull("load_average_end") ? root.get("load_average_end").asText() : "?";
        return new TfBench(file, figures, shape, machine, loadStart, loadEnd, families);
    }

    /** The TF figure behind a comparison row: "langevin" (particle) or "push/train-step" (a family's). */
    public Figure figure(String key) {
        int slash = key.indexOf('/');
        return slash < 0 ? figures.get(key) : families.get(key.substring(0, slash)).figures()
                .get(key.substring(slash + 1));
    }

    private static Figure figure(Path file, JsonNode figs, String name, String prefix) throws FormatException {
        JsonNode f = figs.get(name);
        String where = prefix + name;
        if (f == null || !f.isObject()) {
            throw new FormatException(file + ": missing field '" + where + "' (bench_tf.py run with --only?)");
        }
        String description = f.hasNonNull("description") ? f.get("description").asText() : name;
        Summary ms = summary(file, f, where + ".ms");
        Summary busy = f.has("cores_busy") ? summary(file, f, where + ".cores_busy") : null;
        return new Figure(description, ms, busy);
    }

    private static Family family(Path file, String name, JsonNode node) throws FormatException {
        String where = "families." + name;
        BenchFamily fam;
        try {
            fam = BenchFamily.of(name);
        } catch (IllegalArgumentException e) {
            throw new FormatException(file + ": field '" + where + "': " + e.getMessage());
        }
        if (fam == BenchFamily.PARTICLE || !node.isObject()) {
            throw new FormatException(file + ": field '" + where + "' must be an object for push or d4rl (the "
                    + "particle figures are the top-level 'figures')");
        }
        JsonNode figs = object(file, node, "figures", where + ".figures");
        Map<String, Figure> figures = new LinkedHashMap<>();
        for (String f : fam.figures()) {
            figures.put(f, figure(file, figs, f, where + ".figures."));
        }
        JsonNode sh = object(file, node, "shape", where + ".shape");
        Map<String, Object> shape = new LinkedHashMap<>();
        for (String k : FAMILY_SHAPE_FIELDS) {
            JsonNode v = sh.get(k);
            if (v == null || !(v.isIntegralNumber() || v.isBoolean())) {
                throw new FormatException(file + ": " + (v == null ? "missing field '" : "field is not an integer or "
                        + "a boolean: '") + where + ".shape." + k + "'");
            }
            shape.put(k, plain(v));
        }
        return new Family(name, figures, shape);
    }

    /** A machine field as text, or "?" when bench_tf.py did not record it. */
    public String machineField(String key) {
        Object v = machine.get(key);
        return v == null ? "?" : v.toString();
    }

    /**
     * The shape fields whose values differ from ibc4j's {@code shapes}, as "field: TF x, ibc4j y"; empty when the
     * two runs time the same problem.
     */
    public List<String> shapeMismatches(BenchShapes shapes) {
        if (!hasParticle()) {
            return List.of();
        }
        Map<String, Object> mine = shapes.toMap();
        return SHAPE_FIELDS.stream().filter(k -> !shape.get(k).equals(mine.get(k)))
                .map(k -> "shape." + k + ": TF " + shape.get(k) + ", ibc4j " + mine.get(k)).toList();
    }

    private static Object plain(JsonNode v) {
        if (v.isNumber()) {
            return v.numberValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isNull()) {
            return null;
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }

    private static JsonNode object(Path file, JsonNode parent, String field) throws FormatException {
        return object(file, parent, field, field);
    }

    private static JsonNode object(Path file, JsonNode parent, String field, String where) throws FormatException {
        JsonNode n = parent.get(field);
        if (n == null || !n.isObject()) {
            throw new FormatException(file + ": " + (n == null ? "missing field '" : "field is not an object: '")
                    + where + "'");
        }
        return n;
    }

    private static String text(Path file, JsonNode parent, String field) throws FormatException {
        JsonNode n = parent.get(field);
        if (n == null || !n.isTextual()) {
            throw new FormatException(file + ": " + (n == null ? "missing field '" : "field is not a string: '")
                    + field + "'");
        }
        return n.asText();
    }

    private static int integer(Path file, JsonNode parent, String field, int min) throws FormatException {
        return integer(file, parent, field, min, field);
    }

    private static int integer(Path file, JsonNode parent, String field, int min, String where)
            throws FormatException {
        JsonNode n = parent.get(field);
        if (n == null) {
            throw new FormatException(file + ": missing field '" + where + "'");
        }
        if (!n.isIntegralNumber() || n.asLong() < min || n.asLong() > Integer.MAX_VALUE) {
            throw new FormatException(file + ": field '" + where + "' must be an integer >= " + min + ", got " + n);
        }
        return n.asInt();
    }

    /** {median, min, max, n}: positive finite numbers with min <= median <= max, n >= 1. */
    private static Summary summary(Path file, JsonNode figure, String where) throws FormatException {
        String field = where.substring(where.lastIndexOf('.') + 1);
        JsonNode s = figure.get(field);
        if (s == null || !s.isObject()) {
            throw new FormatException(file + ": " + (s == null ? "missing field '" : "field is not an object: '")
                    + where + "'");
        }
        double[] v = new double[3];
        List<String> keys = List.of("median", "min", "max");
        for (int i = 0; i < 3; i++) {
            JsonNode x = s.get(keys.get(i));
            if (x == null) {
                throw new FormatException(file + ": missing field '" + where + "." + keys.get(i) + "'");
            }
            if (!x.isNumber() || !Double.isFinite(x.asDouble()) || x.asDouble() <= 0) {
                throw new FormatException(file + ": field '" + where + "." + keys.get(i)
                        + "' must be a positive number, got " + x);
            }
            v[i] = x.asDouble();
        }
        if (!(v[1] <= v[0] && v[0] <= v[2])) {
            throw new FormatException(file + ": field '" + where + "': expected min <= median <= max, got " + v[1]
                    + ", " + v[0] + ", " + v[2]);
        }
        int n = integer(file, s, "n", 1, where + ".n");
        return new Summary(v[0], v[1], v[2], n);
    }
}
