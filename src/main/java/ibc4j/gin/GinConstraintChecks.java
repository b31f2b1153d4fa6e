package ibc4j.gin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks bound numbers against their parameter's {@link ParamConstraint}s. Only the value in effect counts, as in
 * gin, where a later binding of the same key (a later line or file, or --gin_bindings) replaces an earlier one:
 * so each effective binding is checked at finalize, a literal as written and a macro's value at the end of its
 * chain, and (for a config never finalized) the evaluated value at the call. The error points at the value in
 * the binding in effect, as the "doesn't have a parameter named" error points at the name.
 */
final class GinConstraintChecks {
    private GinConstraintChecks() {}

    /** Where a value reached through macros came from: the macros followed and the binding that holds it. */
    record Via(List<String> macros, Location at) {}

    /**
     * At finalize, for binding {@code b}, one of the effective bindings {@code all} (the last of its key): a
     * literal, or {@code %MACRO} (possibly through more macros) that ends at a literal.
     */
    static void effective(GinRegistry registry, GinConfig.Bound b, GinBindingChecks checks,
                          Map<GinConfig.Key, Map<String, GinConfig.Bound>> all) {
        ConfigurableSpec spec = registry.get(b.selector());
        ConfigurableSpec.ParamSpec p = spec == null ? null : spec.param(b.param()).orElse(null);
        if (p == null || p.constraints().isEmpty()) {
            return;
        }
        if (!(b.value() instanceof MacroReference)) {
            if (!GinValueWalker.containsReference(b.value())) {
                check(spec, p, b, b.value(), null);
            }
            return;
        }
        List<String> followed = new ArrayList<>();
        Object value = b.value();
        Location at = b.location();
        // Macro chains are bounded (and acyclic) by the time this runs: GinFinalizeChecks checks them first.
        while (value instanceof MacroReference m) {
            followed.add(m.toString());
            GinConfig.Constant c = checks.constant(m, at);
            if (c != null) {
                value = c.value();
                break;
            }
            GinConfig.Bound macro = all.getOrDefault(new GinConfig.Key(m.name(), OperativeConfig.MACRO), Map.of())
                    .get("value");
            if (macro == null) {
                return;
            }
            value = macro.value();
            at = macro.location();
        }
        if (!GinValueWalker.containsReference(value)) {
            check(spec, p, b, value, new Via(followed, at));
        }
    }

    /**
     * Throws when {@code value} (what binding {@code b} stands for) breaks one of {@code p}'s constraints;
     * {@code via} says which macros led to it (null for a literal, or at a call where the chain is not known).
     */
    static void check(ConfigurableSpec spec, ConfigurableSpec.ParamSpec p, GinConfig.Bound b, Object value,
                      Via via) {
        Double n = ParamConstraint.numberOf(value);
        if (n == null) {
            return;
        }
        for (ParamConstraint c : p.constraints()) {
            String problem = c.violation(n);
            if (problem == null) {
                continue;
            }
            Location at = GinSuggest.value(b.location(), b.written(), p.name());
            int span = b.value() instanceof MacroReference m ? m.name().length() + 1 : GinSuggest.valueSpan(at, value);
            String from = b.value() instanceof MacroReference m ? " from " + m : "";
            String hint = via == null || via.at() == null ? null
                    : "via " + String.join(" -> ", via.macros()) + ", bound at " + via.at().prefix();
            throw new GinBindingException(at, "Parameter '" + p.name() + "' of '" + spec.name() + "' " + problem
                    + "; got " + PyValues.repr(value) + from + ".", hint, span);
        }
    }
}
