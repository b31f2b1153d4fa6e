package ibc4j.gin;

import java.lang.reflect.InvocationTargetException;
import java.util.AbstractMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * One call of a configurable with gin's bindings injected; mirrors gin/config.py's _make_gin_wrapper.gin_wrapper.
 *
 * <p>Order, as in gin: merge bindings from scopes {@code ''}, {@code s1}, {@code s1/s2}, ... (deeper wins); drop
 * the ones the caller supplies (the caller wins, except where it passes {@link GinConfig#REQUIRED}); record the
 * operative values; evaluate references and macros nested in the remaining values (anew at every call); check
 * REQUIRED; fill defaults. ibc4j then converts every value to its Java parameter type.
 */
final class GinCall {
    /**
     * References ({@code @s/f()}) and macros ({@code %X}) being evaluated on this thread, to report a cycle or a
     * chain deeper than {@link #MAX_EVALUATION_DEPTH} instead of overflowing the stack.
     */
    private static final ThreadLocal<Deque<String>> EVALUATING = ThreadLocal.withInitial(ArrayDeque::new);

    /**
     * How many references and macros may be evaluated one inside another. finalize already refuses macro chains
     * past {@link GinFinalizeChecks#MAX_MACRO_CHAIN}; this also bounds chains through scoped references, and
     * configs used without finalize.
     */
    static final int MAX_EVALUATION_DEPTH = 200;

    /** Containers being evaluated on this thread, across references and macros. */
    private static final ThreadLocal<int[]> NESTING = ThreadLocal.withInitial(() -> new int[1]);

    private final GinConfig config;

    GinCall(GinConfig config) {
        this.config = config;
    }

    Object call(ConfigurableSpec spec, List<String> scope, Map<String, Object> callerArgs) {
        if (!spec.implemented()) {
            throw new GinBindingException(null, "'" + spec.name() + "' is registered from "
                    + config.registry().upstreamName() + " (" + spec.upstreamFile() + ") but not implemented in ibc4j "
                    + "yet.");
        }
        config.enter(scope);
        try {
            return callInScope(spec, scope, callerArgs);
        } finally {
            config.exit();
        }
    }

    private Object callInScope(ConfigurableSpec spec, List<String> scope, Map<String, Object> callerArgs) {
        return invoke(spec, arguments(spec, scope, callerArgs, false));
    }

    /**
     * The arguments a call would receive, by parameter name, in declaration order: caller's, then bound, then
     * defaults, converted and checked as for a call. Parameters with none of these are left out (a call would fail).
     */
    Map<String, Object> resolve(ConfigurableSpec spec, List<String> scope, Map<String, Object> callerArgs) {
        config.enter(scope);
        try {
            Object[] args = arguments(spec, scope, callerArgs, true);
            Map<String, Object> out = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (args[i] != UNRESOLVED) {
                    out.put(spec.params().get(i).name(), args[i]);
                }
            }
            return out;
        } finally {
            config.exit();
        }
    }

    private static final Object UNRESOLVED = new Object();

    private Object[] arguments(ConfigurableSpec spec, List<String> scope, Map<String, Object> callerArgs,
                               boolean allowMissing) {
        String scopeStr = String.join("/", scope);
        Map<String, GinConfig.Bound> gin = config.mergedBindings(spec.selector(), scope);
        Set<String> callerRequired = new HashSet<>();
        Map<String, Object> caller = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : callerArgs.entrySet()) {
            if (!spec.mightHaveParam(e.getKey())) {
                throw new GinBindingException(null, "'" + spec.name() + "' got an unexpected keyword argument '"
                        + e.getKey() + "'.", GinSuggest.hint(e.getKey(), spec.paramNames(), "parameters"), 1);
            }
            if (e.getValue() == GinConfig.REQUIRED) {
                callerRequired.add(e.getKey());
            } else {
                caller.put(e.getKey(), e.getValue());
            }
        }
        gin.keySet().removeAll(caller.keySet());
        config.operative().record(scopeStr, spec, gin, caller.keySet());
        gin.values().forEach(config::markUsed);

        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, GinConfig.Bound> e : gin.entrySet()) {
            GinConfig.Bound b = e.getValue();
            values.put(e.getKey(), evaluate(b.value(), scope, b.location(), config.keyString(b)));
        }
        checkRequired(spec, callerRequired, caller, values);
        Object[] args = new Object[spec.params().size()];
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            ConfigurableSpec.ParamSpec p = spec.params().get(i);
            if (caller.containsKey(p.name())) {
                args[i] = convert(caller.get(p.name()), p, spec, null);
            } else if (values.containsKey(p.name())) {
                GinConstraintChecks.check(spec, p, gin.get(p.name()), values.get(p.name()), null);
                args[i] = convert(values.get(p.name()), p, spec, gin.get(p.name()));
            } else if (p.hasDefault() && !p.requiredByGin()) {
                args[i] = convert(p.defaultValue(), p, spec, null);
            } else {
                missing.add(p.name());
                args[i] = UNRESOLVED;
            }
        }
        if (!missing.isEmpty() && !allowMissing) {
            throw missingArguments(spec, scopeStr, missing, gin.keySet(), caller.keySet());
        }
        return args;
    }

    /** gin's REQUIRED checks: caller-passed {@code GinConfig.REQUIRED}, and {@code %gin.REQUIRED} defaults. */
    private void checkRequired(ConfigurableSpec spec, Set<String> callerRequired, Map<String, Object> caller,
                               Map<String, Object> values) {
        List<String> missing = new ArrayList<>();
        for (ConfigurableSpec.ParamSpec p : spec.params()) {
            boolean required = callerRequired.contains(p.name()) || (p.requiredByGin() && !caller.containsKey(p.name()));
            if (required && !values.containsKey(p.name())) {
                missing.add(p.name());
            }
        }
        if (!missing.isEmpty()) {
            String sel = config.registry().minimalSelector(spec.selector());
            throw new GinBindingException(null, "Required bindings for `" + sel + "` not provided in config: "
                    + PyValues.repr(new ArrayList<Object>(missing)),
                    "bind it in a .gin file or with --gin_bindings, e.g. " + sel + "." + missing.get(0) + " = ...", 1);
        }
    }

    /**
     * Replaces references and macros nested anywhere in a bound value by what they stand for (gin's deepcopy).
     * Containers are counted across the references and macros being evaluated: deeper than
     * {@link GinConfigParser#MAX_NESTING} in all is an error rather than a stack overflow.
     */
    Object evaluate(Object v, List<String> scope, Location at, String key) {
        if (v instanceof ConfigurableReference r) {
            return reference(r, scope, r.location() != null ? r.location() : at);
        }
        if (v instanceof MacroReference m) {
            return macro(m, m.location() != null ? m.location() : at, key);
        }
        if (!(v instanceof List<?> || v instanceof Tuple || v instanceof Dict)) {
            return v;
        }
        int[] depth = NESTING.get();
        if (depth[0] >= GinConfigParser.MAX_NESTING) {
            List<String> chain = new ArrayList<>(EVALUATING.get());
            java.util.Collections.reverse(chain);
            throw new GinBindingException(at, "Values nested deeper than " + GinConfigParser.MAX_NESTING
                    + " levels" + (chain.isEmpty() ? "" : " through " + chainText(chain)) + ".", null, 1);
        }
        depth[0]++;
        try {
            return evaluateContainer(v, scope, at, key);
        } finally {
            depth[0]--;
        }
    }

    private Object evaluateContainer(Object v, List<String> scope, Location at, String key) {
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(x -> out.add(evaluate(x, scope, at, key)));
            return out;
        }
        if (v instanceof Tuple t) {
            return new Tuple(t.items().stream().map(x -> evaluate(x, scope, at, key)).toList());
        }
        if (v instanceof Dict d) {
            List<Map.Entry<Object, Object>> pairs = new ArrayList<>();
            d.entries().forEach(e -> pairs.add(new AbstractMap.SimpleImmutableEntry<>(
                    evaluate(e.getKey(), scope, at, key), evaluate(e.getValue(), scope, at, key))));
            return Dict.of(pairs);
        }
        throw new IllegalArgumentException("not a container: " + v);
    }

    private Object reference(ConfigurableReference r, List<String> scope, Location at) {
        int slash = r.name().lastIndexOf('/');
        List<String> refScope = slash < 0 ? null : Arrays.asList(r.name().substring(0, slash).split("/"));
        ConfigurableSpec target = config.resolveReference(r, at);
        if (!r.evaluate()) {
            return new ConfigurableHandle(config, target, refScope);
        }
        List<String> callScope = refScope != null ? refScope : scope;
        String id = "@" + (callScope.isEmpty() ? "" : String.join("/", callScope) + "/")
                + config.registry().minimalSelector(target.selector()) + "()";
        return evaluating(id, at, r.toString().length(), () -> call(target, callScope, Map.of()));
    }

    /**
     * Runs {@code body} with {@code id} on the evaluation stack; a cycle, or a chain deeper than
     * MAX_EVALUATION_DEPTH, is an error at {@code at}.
     */
    private static Object evaluating(String id, Location at, int span, Supplier<Object> body) {
        Deque<String> stack = EVALUATING.get();
        if (stack.contains(id) || stack.size() >= MAX_EVALUATION_DEPTH) {
            List<String> chain = new ArrayList<>(stack);
            java.util.Collections.reverse(chain);
            boolean cycle = stack.contains(id);
            if (cycle) {
                chain = new ArrayList<>(chain.subList(chain.indexOf(id), chain.size()));
            }
            chain.add(id);
            String text = chainText(chain);
            boolean macros = chain.stream().allMatch(c -> c.startsWith("%"));
            String what = cycle ? (macros ? "Macro cycle: " : "Reference cycle: ")
                    : "References and macros nested deeper than " + MAX_EVALUATION_DEPTH + ": ";
            throw new GinBindingException(at, what + text + ".", null, span);
        }
        stack.push(id);
        try {
            return body.get();
        } finally {
            stack.pop();
        }
    }

    /** {@code @a() -> %B -> ...}; past seven, the first three and the last three around "...". */
    private static String chainText(List<String> chain) {
        return chain.size() <= 7 ? String.join(" -> ", chain) : String.join(" -> ", chain.subList(0, 3))
                + " -> ... -> " + String.join(" -> ", chain.subList(chain.size() - 3, chain.size()));
    }

    /** {@code %X}: a constant if one matches, else gin.macro called in scope {@code X} (so the last X wins). */
    private Object macro(MacroReference m, Location at, String key) {
        GinConfig.Constant constant = config.constantFor(m, at);
        if (constant != null && constant.value() == GinConfig.REQUIRED) {
            throw new GinBindingException(at, key + " set to `%gin.REQUIRED` but not subsequently overridden.");
        }
        if (constant != null) {
            return constant.value();
        }
        config.checkMacroBound(m, at);
        ConfigurableSpec macro = config.registry().get("gin.macro");
        return evaluating("%" + m.name(), at, m.name().length() + 1,
                () -> call(macro, Arrays.asList(m.name().split("/")), Map.of()));
    }

    private Object convert(Object value, ConfigurableSpec.ParamSpec p, ConfigurableSpec spec, GinConfig.Bound from) {
        try {
            return GinConverter.convert(value, p.type());
        } catch (GinConverter.ConversionException e) {
            throw typeMismatch(spec, p, from, e);
        }
    }

    /** "Value does not fit 'width' of 'MLPEBM' (Java int): ...", at the bound value when gin supplied it. */
    static GinBindingException typeMismatch(ConfigurableSpec spec, ConfigurableSpec.ParamSpec p, GinConfig.Bound from,
                                            GinConverter.ConversionException e) {
        String what = "'" + p.name() + "' of '" + spec.name() + "' (Java " + GinConverter.typeName(p.type()) + ")";
        if (from == null) {
            return new GinBindingException(null, "Caller value does not fit " + what + ": " + e.getMessage());
        }
        Location at = GinSuggest.value(from.location(), from.written(), p.name());
        return new GinBindingException(at, "Value does not fit " + what + ": " + e.getMessage(), null,
                GinSuggest.valueSpan(at, from.value()));
    }

    private static GinBindingException missingArguments(ConfigurableSpec spec, String scopeStr, List<String> missing,
                                                        Set<String> gin, Set<String> caller) {
        String msg = "'" + spec.name() + "' missing " + missing.size() + " required argument"
                + (missing.size() == 1 ? "" : "s") + ": " + PyValues.repr(new ArrayList<Object>(missing))
                + "\n  No values supplied by Gin or caller for arguments: " + sortedRepr(missing)
                + "\n  Gin had values bound for: " + sortedRepr(gin)
                + "\n  Caller supplied values for: " + sortedRepr(caller)
                + "\n  In call to configurable '" + spec.name() + "'"
                + (scopeStr.isEmpty() ? "" : " in scope '" + scopeStr + "'");
        return new GinBindingException(null, msg);
    }

    private static String sortedRepr(java.util.Collection<String> names) {
        return PyValues.repr(new ArrayList<Object>(new TreeSet<>(names)));
    }

    private Object invoke(ConfigurableSpec spec, Object[] args) {
        try {
            return spec.invoker().invoke(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("In call to configurable '" + spec.name() + "'", cause);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("In call to configurable '" + spec.name() + "'", e);
        }
    }

}
