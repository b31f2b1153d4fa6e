package ibc4j.gin;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The checks {@link GinConfig#finalizeConfig()} runs; mirrors gin/config.py's finalize hooks
 * (validate_macros_hook, find_unknown_references_hook, find_missing_overrides_hook), in that order, plus
 * ibc4j's check that literal values fit the Java parameter types. Each error points at the offending text.
 */
final class GinFinalizeChecks {
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
        bound.forEach(this::checkType);
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
