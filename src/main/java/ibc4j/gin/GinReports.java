package ibc4j.gin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * gin's config_str over all bindings, ibc4j's bind-only view, and writing the operative config into a run
 * directory (gin's GinConfigSaverHook writes {@code operative_config-<step>.gin}).
 */
final class GinReports {
    private GinReports() {}

    static String configString(GinConfig config, boolean showProvenance) {
        Map<GinConfig.Key, Map<String, OperativeConfig.Entry>> table = new LinkedHashMap<>();
        config.allBindings().forEach((k, params) -> {
            Map<String, OperativeConfig.Entry> row = new LinkedHashMap<>();
            params.forEach((p, b) -> row.put(p, new OperativeConfig.Entry(b.value(), b.location())));
            table.put(k, row);
        });
        return OperativeConfig.format(config.imports(), table, config.registry(), showProvenance);
    }

    /**
     * As if every bound configurable were called once in each scope it is bound in, with no caller arguments:
     * literal defaults, then bindings merged over the scope's prefixes; plus the macros those bindings reach.
     */
    static String bindOnly(GinConfig config) {
        Map<GinConfig.Key, Map<String, GinConfig.Bound>> all = config.allBindings();
        Map<GinConfig.Key, Map<String, OperativeConfig.Entry>> table = new LinkedHashMap<>();
        for (GinConfig.Key key : all.keySet()) {
            if (key.selector().equals(OperativeConfig.MACRO)) {
                continue;
            }
            Map<String, OperativeConfig.Entry> row = new LinkedHashMap<>();
            ConfigurableSpec spec = config.registry().get(key.selector());
            for (ConfigurableSpec.ParamSpec p : spec.params()) {
                if (p.recordsDefault()) {
                    row.put(p.name(), new OperativeConfig.Entry(p.defaultValue(), null));
                }
            }
            List<String> scope = key.scope().isEmpty() ? List.of() : List.of(key.scope().split("/"));
            config.mergedBindings(key.selector(), scope).forEach((p, b) -> {
                row.put(p, new OperativeConfig.Entry(b.value(), b.location()));
                addMacros(b.value(), all, table);
            });
            table.put(key, row);
        }
        return OperativeConfig.format(config.imports(), table, config.registry(), true);
    }

    private static void addMacros(Object value, Map<GinConfig.Key, Map<String, GinConfig.Bound>> all,
                                  Map<GinConfig.Key, Map<String, OperativeConfig.Entry>> table) {
        GinValueWalker.forEach(value, v -> {
            if (v instanceof MacroReference m) {
                GinConfig.Key key = new GinConfig.Key(m.name(), OperativeConfig.MACRO);
                GinConfig.Bound b = all.getOrDefault(key, Map.of()).get("value");
                if (b != null && !table.containsKey(key)) {
                    table.put(key, Map.of("value", new OperativeConfig.Entry(b.value(), b.location())));
                    addMacros(b.value(), all, table);
                }
            }
        });
    }

    /** Writes {@code operative_config-N.gin}, N the next free index, via a temp file renamed into place. */
    static Path write(Path runDir, String text) throws IOException {
        Files.createDirectories(runDir);
        Path tmp = Files.createTempFile(runDir, ".operative_config-", ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            for (int n = 0; ; n++) {
                Path target = runDir.resolve("operative_config-" + n + ".gin");
                if (Files.exists(target)) {
                    continue;
                }
                try {
                    // Without REPLACE_EXISTING a concurrent writer's file is never clobbered; same-dir rename.
                    return Files.move(tmp, target);
                } catch (FileAlreadyExistsException raced) {
                    // another writer took N; try N + 1
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
