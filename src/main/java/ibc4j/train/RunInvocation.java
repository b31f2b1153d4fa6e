package ibc4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import ibc4j.gin.BundledConfigs;
import ibc4j.gin.GinConfig;
import ibc4j.gin.GinRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a run was started: the gin files (their text, so later edits cannot change a resumed run), the
 * {@code --gin_bindings} and IBC's flags. Stored as {@code ibc4j-run.json} in the run dir; {@code train --resume}
 * and {@code eval --root_dir} rebuild the same gin config from it.
 */
public record RunInvocation(List<GinFile> ginFiles, List<String> ginBindings, List<String> task, String tag,
                            boolean addTime, boolean skipEval, boolean vizImg, boolean video) {
    public static final String FILE = "ibc4j-run.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One {@code --gin_file}: the path given, and its text when the run started. */
    public record GinFile(String path, String text) {}

    /** Reads the given gin files now (relative to the working directory, else from the jar's bundled configs). */
    public static List<GinFile> read(List<String> paths, BundledConfigs bundled) throws IOException {
        List<GinFile> out = new ArrayList<>();
        for (String p : paths) {
            Path f = Path.of(p);
            if (Files.isRegularFile(f)) {
                out.add(new GinFile(p, Files.readString(f)));
            } else {
                String resource = bundled.resource(p);
                try (var in = resource == null ? null : RunInvocation.class.getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IOException("--gin_file " + p + ": unable to open it (no such file from the "
                                + "working directory " + Path.of("").toAbsolutePath() + ", and not one of the configs "
                                + "bundled in the jar, e.g. configs/particle/mlp_ebm_langevin.gin)");
                    }
                    out.add(new GinFile(p, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)));
                }
            }
        }
        return out;
    }

    /**
     * The gin config of this invocation over {@code registry}, with {@code extraBindings} after the stored ones;
     * finalized.
     */
    public GinConfig gin(GinRegistry registry, List<String> extraBindings) {
        GinConfig gin = new GinConfig(registry);
        for (GinFile f : ginFiles) {
            gin.parseFileText(f.text(), f.path());
        }
        List<String> all = new ArrayList<>(ginBindings);
        all.addAll(extraBindings);
        gin.parseBindings(all);
        gin.finalizeConfig();
        return gin;
    }

    /** The arguments IBC's main passes to train_eval from its flags. */
    public Map<String, Object> trainEvalArgs() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("task", task.isEmpty() ? GinConfig.REQUIRED : task);
        args.put("tag", tag);
        args.put("add_time", addTime);
        args.put("viz_img", vizImg);
        args.put("skip_eval", skipEval);
        args.put("shared_memory_eval", false);
        args.put("strategy", null);
        return args;
    }

    public void write(Path runDir) throws IOException {
        Files.createDirectories(runDir);
        Path tmp = runDir.resolve(FILE + ".tmp");
        Files.write(tmp, JSON.writeValueAsBytes(this));
        Files.move(tmp, runDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The key under which each checkpoint's meta.json carries the invocation that trained it. */
    public static final String META_KEY = "run_invocation";

    /** This invocation as plain JSON values (for a checkpoint's meta). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> toMap() {
        return JSON.convertValue(this, Map.class);
    }

    /** The invocation a checkpoint's meta carries, if it carries one (checkpoints before it did have none). */
    public static java.util.Optional<RunInvocation> fromCheckpointMeta(Map<String, Object> meta) {
        Object v = meta.get(META_KEY);
        return v == null ? java.util.Optional.empty() : java.util.Optional.of(JSON.convertValue(v, RunInvocation.class));
    }

    public static RunInvocation read(Path runDir) throws IOException {
        Path f = runDir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            throw new IOException(runDir + " is not an ibc4j run dir (no " + FILE + ")");
        }
        try {
            return JSON.readValue(f.toFile(), RunInvocation.class);
        } catch (IOException e) {
            throw new IOException(f + ": unreadable: " + e.getMessage(), e);
        }
    }
}
