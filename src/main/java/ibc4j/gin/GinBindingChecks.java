package ibc4j.gin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Bind-time validation of keys and references; mirrors gin/config.py's ParsedBindingKey.parse and
 * ParserDelegate (unknown configurable, unknown parameter, allow/deny lists, unknown references,
 * skip_unknown), with ibc4j's carets and "did you mean" hints added to gin's messages.
 */
final class GinBindingChecks {
    private final GinRegistry registry;

    GinBindingChecks(GinRegistry registry) {
        this.registry = registry;
    }

    /** The configurable {@code selector} names, or null when it is unknown and {@code skip} says to drop it. */
    ConfigurableSpec configurable(String selector, Location at, boolean skip) {
        ConfigurableSpec spec;
        try {
            spec = registry.lookup(selector);
        } catch (GinBindingException e) {
            throw new GinBindingException(GinSuggest.selector(at, selector), e.rawMessage(), null, selector.length());
        }
        if (spec != null || skip) {
            return spec;
        }
        throw new GinBindingException(GinSuggest.selector(at, selector), "No configurable matching '" + selector
                + "'.", GinSuggest.hint(selector, suffixes(selector), "configurables"), selector.length());
    }

    /** gin's parameter checks: a named parameter (or **kwargs), allowed by the allowlist, not denylisted. */
    void parameter(ConfigurableSpec spec, String written, String param, Location at) {
        Location where = GinSuggest.param(at, written, param);
        if (!spec.mightHaveParam(param)) {
            throw new GinBindingException(where, "Configurable '" + written + "' doesn't have a parameter named '"
                    + param + "'.", GinSuggest.hint(param, spec.paramNames(), "parameters"), param.length());
        }
        if (spec.allowlist() != null && !spec.allowlist().contains(param)) {
            throw new GinBindingException(where, "Configurable '" + written + "' doesn't include kwarg '" + param
                    + "' in its allowlist.", null, param.length());
        }
        if (spec.denylist() != null && spec.denylist().contains(param)) {
            throw new GinBindingException(where, "Configurable '" + written + "' has denylisted kwarg '" + param
                    + "'.", null, param.length());
        }
    }

    /**
     * The configurable a reference names; null when unknown and {@code skip} defers the error (gin's
     * _UnknownConfigurableReference).
     */
    ConfigurableSpec reference(ConfigurableReference r, Location at, boolean skip, String addendum) {
        String unscoped = unscoped(r);
        Location where = r.location() != null ? r.location() : at;
        ConfigurableSpec spec;
        try {
            spec = registry.lookup(unscoped);
        } catch (GinBindingException e) {
            throw new GinBindingException(where, e.rawMessage(), null, r.toString().length());
        }
        if (spec != null || skip) {
            return spec;
        }
        throw new GinBindingException(where, "No configurable matching reference '@" + unscoped
                + (r.evaluate() ? "()" : "") + "'." + addendum, GinSuggest.hint(unscoped, suffixes(unscoped),
                "configurables"), r.toString().length());
    }

    /** {@code %name}'s constant, or null when it names a macro; "Ambiguous constant selector" as gin says. */
    GinConfig.Constant constant(MacroReference m, Location at) {
        List<String> found = registry.matchingConstants(m.name());
        if (found.size() > 1) {
            Location where = m.location() != null ? m.location() : at;
            throw new GinBindingException(where, "Ambiguous constant selector '" + m.name() + "', matches "
                    + PyValues.repr(new ArrayList<Object>(found)) + ".", null, m.name().length() + 1);
        }
        return found.isEmpty() ? null : new GinConfig.Constant(registry.constantValue(found.get(0)));
    }

    /** Checks every reference and macro in a bound value; returns the references left unknown by skip_unknown. */
    List<ConfigurableReference> value(Object value, Location at, Set<String> skipNames, boolean skipAll) {
        List<ConfigurableReference> unknown = new ArrayList<>();
        GinValueWalker.forEach(value, v -> {
            if (v instanceof ConfigurableReference r) {
                boolean skip = skipAll || skipNames.contains(unscoped(r));
                if (reference(r, at, skip, "") == null) {
                    unknown.add(r);
                }
            } else if (v instanceof MacroReference m) {
                constant(m, at);
            }
        });
        return unknown;
    }

    static String unscoped(ConfigurableReference r) {
        return r.name().substring(r.name().lastIndexOf('/') + 1);
    }

    /** Each configurable's selector cut to as many components as {@code typed} has, for suggestions. */
    private Collection<String> suffixes(String typed) {
        int n = typed.split("\\.", -1).length;
        Set<String> out = new TreeSet<>();
        for (ConfigurableSpec spec : registry.configurables()) {
            String[] parts = spec.selector().split("\\.");
            if (parts.length >= n) {
                out.add(String.join(".", List.of(parts).subList(parts.length - n, parts.length)));
            }
        }
        return out;
    }
}
