package ibc4j.gin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks {@link GinConfig#finalizeConfig()} runs; mirrors gin/config.py's finalize hooks
 * (validate_macros_hook, find_unknown_references_hook, find_missing_overrides_hook), in that order, plus
 * ibc4j's checks that macros form no cycle and no chain deeper than {@link #MAX_MACRO_CHAIN} (gin would recurse
 * until Python's stack ran out, at the first call), that the values in effect (literals, and values reached
 * through macros) meet their parameter's {@link ParamConstraint}s, and that literal values fit the Java parameter
 * types. Each error points at the offending text.
 */
final class GinFinalizeChecks {
    /**
     * The most macros one macro may lead through ({@code %A -> %B -> ...}). gin-config evaluates a chain by
     * recursion and runs out of Python's default stack at about 160; ibc4j refuses longer ones at finalize.
     */
    static final int MAX_MACRO_CHAIN = 100;

    private final GinConfig config;
    private final GinBindingChecks checks;

    GinFinalizeChecks(GinConfig config, GinBindingChecks checks) {
        this.config = config;
        this.checks = checks;
    }

    void run(Map<GinConfig.Key, Map<String, GinConfig.Bound>> all) {
        List<GinConfig.Bound> bound = all.values().stream().flatMap(m -> m.values().stream())
                .sorted(java.util.Comparator.comparingLong(GinConfig.Bound::seq)).toList();
        for (GinConfig.Bound b : bound) {
            GinValueWalker.forEach(b.value(), v -> {
                if (v instanceof MacroReference m && checks.constant(m, b.location()) == null) {
                    Map<String, GinConfig.Bound> macro = all.get(new GinConfig.Key(m.name(), OperativeConfig.MACRO));
                    if (macro == null || !macro.containsKey("value")) {
                        throw unboundMacro(m, b.location(), all.keySet());
                    }
                }
            });
        }
        checkMacroChains(bound);
        for (GinConfig.Bound b : bound) {
            GinValueWalker.forEach(b.value(), v -> {
                if (v instanceof ConfigurableReference r) {
                    checks.reference(r, b.location(), false, " In binding for '" + config.keyString(b) + "'.");
                }
            });
        }
        for (GinConfig.Bound b : bound) {
            if (b.value() instanceof MacroReference m) {
                GinConfig.Constant c = checks.constant(m, b.location());
                if (c != null && c.value() == GinConfig.REQUIRED) {
                    throw new GinBindingException(m.location() != null ? m.location() : b.location(),
                            config.keyString(b) + " set to `%gin.REQUIRED` but not subsequently overridden.", null,
                            m.name().length() + 1);
                }
            }
        }
        for (GinConfig.Bound b : bound) {
            GinConstraintChecks.effective(config.registry(), b, checks, all);
        }
        bound.forEach(this::checkType);
    }

    // ------------------------------------------------------------------------------------------ macro chains

    /** Each macro's binding, and for each macro explored: its longest chain below and its nesting depth. */
    private final Map<String, GinConfig.Bound> macros = new LinkedHashMap<>();
    private final Map<String, Integer> chainLength = new HashMap<>();
    private final Map<String, String> chainNext = new HashMap<>();
    private final Map<String, Integer> nesting = new HashMap<>();
    private final Map<String, String> nestingNext = new HashMap<>();

    /**
     * Refuses a macro cycle ({@code %A -> %B -> %A}, {@code %A -> %A}), a chain of more than MAX_MACRO_CHAIN
     * macros, and values nested deeper than {@link GinConfigParser#MAX_NESTING} once macros are expanded (each
     * file is within the limit, but {@code A = [[%B]]}, {@code B = [[%C]]}, ... adds up).
     */
    private void checkMacroChains(List<GinConfig.Bound> bound) {
        for (GinConfig.Bound b : bound) {
            if (b.selector().equals(OperativeConfig.MACRO)) {
                macros.put(b.scope(), b);
            }
        }
        for (String name : macros.keySet()) {
            if (!chainLength.containsKey(name)) {
                explore(name, new ArrayList<>(), new HashSet<>());
            }
        }
        for (GinConfig.Bound b : bound) {
            if (!b.selector().equals(OperativeConfig.MACRO)) {
                String[] via = {null};
                if (depth(b.value(), b, via) > GinConfigParser.MAX_NESTING) {
                    throw tooNested(b, chain(via[0], nestingNext));
                }
            }
        }
    }

    /** Depth-first from {@code name}; recursion is at most MAX_MACRO_CHAIN + 1 deep (longer chains throw first). */
    private void explore(String name, List<String> path, Set<String> onPath) {
        path.add(name);
        onPath.add(name);
        int best = 0;
        String bestNext = null;
        GinConfig.Bound b = macros.get(name);
        for (MacroReference m : macroReferences(b)) {
            String target = m.name();
            if (onPath.contains(target)) {
                List<String> cycle = new ArrayList<>(path.subList(path.indexOf(target), path.size()));
                cycle.add(target);
                throw chainError("Macro cycle: " + chainText(cycle, cycle.size()) + ".", macros.get(cycle.get(0)),
                        cycle.get(1));
            }
            if (!chainLength.containsKey(target)) {
                if (path.size() > MAX_MACRO_CHAIN) {
                    List<String> chain = new ArrayList<>(path);
                    chain.add(target);
                    throw tooLong(chain);
                }
                explore(target, path, onPath);
            }
            int hops = 1 + chainLength.get(target);
            if (path.size() - 1 + hops > MAX_MACRO_CHAIN) {
                List<String> chain = new ArrayList<>(path);
                chain.addAll(chain(target, chainNext));
                throw tooLong(chain);
            }
            if (hops > best) {
                best = hops;
                bestNext = target;
            }
        }
        chainLength.put(name, best);
        chainNext.put(name, bestNext);
        String[] via = {null};
        int d = depth(b.value(), b, via);
        nesting.put(name, d);
        nestingNext.put(name, via[0]);
        if (d > GinConfigParser.MAX_NESTING) {
            throw tooNested(b, chain(via[0], nestingNext));
        }
        path.remove(path.size() - 1);
        onPath.remove(name);
    }

    /**
     * How deep {@code v} nests once its macros (all explored) are expanded: a container is one level more than
     * its deepest item, a macro as deep as its value. {@code via[0]} gets the macro on the deepest path.
     */
    private int depth(Object v, GinConfig.Bound b, String[] via) {
        if (v instanceof MacroReference m && isMacro(m, b)) {
            via[0] = m.name();
            return nesting.get(m.name());
        }
        List<Object> items = new ArrayList<>();
        if (v instanceof List<?> l) {
            items.addAll(l);
        } else if (v instanceof Tuple t) {
            items.addAll(t.items());
        } else if (v instanceof Dict d) {
            d.entries().forEach(e -> {
                items.add(e.getKey());
                items.add(e.getValue());
            });
        } else {
            return 0;
        }
        int deepest = 0;
        String deepestVia = null;
        for (Object item : items) {
            String[] itemVia = {null};
            int d = depth(item, b, itemVia);
            if (d > deepest || deepestVia == null && itemVia[0] != null && d == deepest) {
                deepest = d;
                deepestVia = itemVia[0];
            }
        }
        via[0] = deepestVia;
        return 1 + deepest;
    }

    /** The macros (not constants) a macro's value refers to, bound ones only (unbound ones were reported). */
    private List<MacroReference> macroReferences(GinConfig.Bound b) {
        List<MacroReference> out = new ArrayList<>();
        GinValueWalker.forEach(b.value(), v -> {
            if (v instanceof MacroReference m && isMacro(m, b)) {
                out.add(m);
            }
        });
        return out;
    }

    /** A bound macro, not a constant. */
    private boolean isMacro(MacroReference m, GinConfig.Bound in) {
        return macros.containsKey(m.name()) && checks.constant(m, in.location()) == null;
    }

    /** {@code from}, then the macros {@code next} leads to. */
    private static List<String> chain(String from, Map<String, String> next) {
        List<String> out = new ArrayList<>();
        for (String m = from; m != null && out.size() <= MAX_MACRO_CHAIN + 1; m = next.get(m)) {
            out.add(m);
        }
        return out;
    }

    private GinBindingException tooLong(List<String> chain) {
        return chainError("Macro chain deeper than " + MAX_MACRO_CHAIN + ": " + chainText(chain, 7) + ".",
                macros.get(chain.get(0)), chain.get(1));
    }

    /** At binding {@code b}, whose value reaches through {@code chain}, from the macro it refers to. */
    private GinBindingException tooNested(GinConfig.Bound b, List<String> chain) {
        String key = b.selector().equals(OperativeConfig.MACRO) ? "%" + b.scope() : config.keyString(b);
        return chainError("Values nested deeper than " + GinConfigParser.MAX_NESTING + " levels once macros are "
                + "expanded: " + key + (chain.isEmpty() ? "" : " -> " + chainText(chain, 7)) + ".", b,
                chain.isEmpty() ? null : chain.get(0));
    }

    /** Located at binding {@code b}, the caret under its reference to macro {@code next} (when there is one). */
    private GinBindingException chainError(String message, GinConfig.Bound b, String next) {
        MacroReference ref = macroReferences(b).stream().filter(m -> m.name().equals(next)).findFirst()
                .orElse(null);
        Location at = ref != null && ref.location() != null ? ref.location() : b.location();
        return new GinBindingException(at, message, null, ref == null ? 1 : ref.name().length() + 1);
    }

    /** {@code %A -> %B -> %A}; past {@code shown} macros, the first three and the last three around "...". */
    static String chainText(List<String> names, int shown) {
        List<String> parts = new ArrayList<>();
        if (names.size() <= shown) {
            names.forEach(n -> parts.add("%" + n));
        } else {
            names.subList(0, 3).forEach(n -> parts.add("%" + n));
            parts.add("...");
            names.subList(names.size() - 3, names.size()).forEach(n -> parts.add("%" + n));
        }
        return String.join(" -> ", parts);
    }

    /** A literal bound to an implemented configurable must fit the Java parameter (gin would pass anything). */
    private void checkType(GinConfig.Bound b) {
        ConfigurableSpec spec = config.registry().get(b.selector());
        if (spec == null || !spec.implemented() || GinValueWalker.containsReference(b.value())) {
            return;
        }
        ConfigurableSpec.ParamSpec p = spec.param(b.param()).orElse(null);
        if (p == null || p.type() == null) {
            return;
        }
        try {
            GinConverter.convert(b.value(), p.type());
        } catch (GinConverter.ConversionException e) {
            throw GinCall.typeMismatch(spec, p, b, e);
        }
    }

    /** "No bindings specified for 'X/gin.macro' in config string." at the {@code %X}, with a close macro name. */
    static GinBindingException unboundMacro(MacroReference m, Location at, Collection<GinConfig.Key> keys) {
        List<String> macros = keys.stream().filter(k -> k.selector().equals(OperativeConfig.MACRO))
                .map(GinConfig.Key::scope).toList();
        return new GinBindingException(m.location() != null ? m.location() : at, "No bindings specified for '"
                + m.name() + "/gin.macro' in config string.", GinSuggest.hint(m.name(), macros, "macros"),
                m.name().length() + 1);
    }
}
