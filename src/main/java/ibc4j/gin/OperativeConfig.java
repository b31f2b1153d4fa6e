package ibc4j.gin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parameter values calls actually used, and gin's text format for them; mirrors gin/config.py's
 * _OPERATIVE_CONFIG (recorded in _make_gin_wrapper) and _config_str.
 *
 * <p>Format: imports; {@code # Macros:}; then per (scope, configurable), sorted by name components innermost
 * first, {@code # Parameters for [scope/]MinimalSelector:}, a rule, and {@code Sel.param = value} sorted by
 * parameter, values as Python's {@code pprint.pformat(width=76)}; {@code # None.} when nothing prints.
 */
final class OperativeConfig {
    static final String MACRO = "gin.macro";
    private static final int MAX_LINE = 80;
    private static final int INDENT = 4;

    /** A value as recorded, with the binding that supplied it (null for a default). */
    record Entry(Object value, Location provenance) {}

    private final Map<GinConfig.Key, Map<String, Entry>> entries = new LinkedHashMap<>();

    /** gin's {@code op_cfg.update(defaults + gin values - caller values)}, under (active scope, selector). */
    synchronized void record(String scope, ConfigurableSpec spec, Map<String, GinConfig.Bound> gin,
                             java.util.Set<String> callerSupplied) {
        Map<String, Entry> values = entries.computeIfAbsent(new GinConfig.Key(scope, spec.selector()),
                k -> new LinkedHashMap<>());
        for (ConfigurableSpec.ParamSpec p : spec.params()) {
            if (p.recordsDefault() && !gin.containsKey(p.name()) && !callerSupplied.contains(p.name())) {
                values.put(p.name(), new Entry(p.defaultValue(), null));
            }
        }
        gin.forEach((name, b) -> values.put(name, new Entry(b.value(), b.location())));
    }

    synchronized String format(List<Statement.Import> imports, GinRegistry registry, boolean showProvenance) {
        return format(imports, entries, registry, showProvenance);
    }

    /** gin's _config_str over any (scope, selector) → parameter table. */
    static String format(List<Statement.Import> imports, Map<GinConfig.Key, Map<String, Entry>> table,
                         GinRegistry registry, boolean showProvenance) {
        List<String> out = new ArrayList<>();
        imports.stream().sorted(Comparator.comparing(Statement.Import::module)).forEach(i -> out.add(format(i)));
        if (!out.isEmpty()) {
            out.add("");
        }
        List<Map.Entry<GinConfig.Key, Map<String, Entry>>> sorted = new ArrayList<>(table.entrySet());
        sorted.sort((a, b) -> compareParts(sortKey(a.getKey()), sortKey(b.getKey()))); // stable, as Python's
        List<Map.Entry<GinConfig.Key, Map<String, Entry>>> macros = sorted.stream()
                .filter(e -> e.getKey().selector().equals(MACRO) && e.getValue().containsKey("value")).toList();
        if (!macros.isEmpty()) {
            out.add("# Macros:");
            out.add("# " + "=".repeat(MAX_LINE - 2));
            for (Map.Entry<GinConfig.Key, Map<String, Entry>> m : macros) {
                Entry e = m.getValue().get("value");
                out.add(binding(m.getKey().scope(), e, showProvenance));
            }
            out.add("");
        }
        for (Map.Entry<GinConfig.Key, Map<String, Entry>> section : sorted) {
            GinConfig.Key key = section.getKey();
            if (key.selector().equals(MACRO)) {
                continue;
            }
            String scoped = (key.scope().isEmpty() ? "" : key.scope() + "/") + registry.minimalSelector(key.selector());
            out.add("# Parameters for " + scoped + ":");
            out.add("# " + "=".repeat(MAX_LINE - 2));
            Map<String, Entry> printable = new TreeMap<>();
            section.getValue().forEach((k, v) -> {
                if (representable(v.value())) {
                    printable.put(k, v);
                }
            });
            printable.forEach((param, e) -> out.add(binding(scoped + "." + param, e, showProvenance)));
            if (printable.isEmpty()) {
                out.add("# None.");
            }
            out.add("");
        }
        return String.join("\n", out);
    }

    /** gin's format_binding: one line when it fits, else {@code key = \} and the value indented by 4. */
    static String binding(String key, Entry e, boolean showProvenance) {
        String value = PyPrettyPrinter.pformat(e.value(), MAX_LINE - INDENT);
        String out;
        if (!value.contains("\n") && (key + value).codePointCount(0, (key + value).length()) <= MAX_LINE) {
            out = key + " = " + value;
        } else {
            out = key + " = \\\n" + " ".repeat(INDENT) + value.replace("\n", "\n" + " ".repeat(INDENT));
        }
        if (showProvenance && e.provenance() != null) {
            out = "# Set in " + e.provenance().file() + ":" + e.provenance().line() + ":\n" + out;
        }
        return out;
    }

    /** ImportStatement.format. */
    static String format(Statement.Import i) {
        String s;
        if (i.isFrom()) {
            int dot = i.module().lastIndexOf('.');
            s = "from " + i.module().substring(0, dot) + " import " + i.module().substring(dot + 1);
        } else {
            s = "import " + i.module();
        }
        return i.alias() == null || i.alias().isEmpty() ? s : s + " as " + i.alias();
    }

    /** gin's sort_key: selector components innermost first, then scope components innermost first, lowercased. */
    private static List<String> sortKey(GinConfig.Key key) {
        List<String> selector = new ArrayList<>(List.of(key.selector().toLowerCase(Locale.ROOT).split("\\.", -1)));
        List<String> scope = new ArrayList<>(List.of(key.scope().toLowerCase(Locale.ROOT).split("/", -1)));
        Collections.reverse(selector);
        Collections.reverse(scope);
        selector.addAll(scope);
        return selector;
    }

    private static int compareParts(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = java.util.Arrays.compare(a.get(i).codePoints().toArray(), b.get(i).codePoints().toArray());
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    /** gin's _is_literally_representable: the value's repr parses back to an equal gin value. */
    static boolean representable(Object v) {
        if (v == null || v instanceof Boolean || v instanceof java.math.BigInteger || v instanceof String
                || v instanceof Bytes || v instanceof ConfigurableReference || v instanceof MacroReference) {
            return true;
        }
        if (v instanceof Double d) {
            return Double.isFinite(d);
        }
        if (v instanceof Complex c) {
            return Double.isFinite(c.real()) && Double.isFinite(c.imag());
        }
        if (v instanceof List<?> l) {
            return l.stream().allMatch(OperativeConfig::representable);
        }
        if (v instanceof Tuple t) {
            return t.items().stream().allMatch(OperativeConfig::representable);
        }
        if (v instanceof Dict d) {
            return d.entries().stream().allMatch(e -> representable(e.getKey()) && representable(e.getValue()));
        }
        return false;
    }
}
