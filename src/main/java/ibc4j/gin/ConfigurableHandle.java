package ibc4j.gin;

import java.util.List;
import java.util.Map;

/**
 * What {@code @name} (a reference without {@code ()}) passes: the configurable itself, to be called later with
 * gin's bindings applied at that call; mirrors gin/config.py's ConfigurableReference.__deepcopy__ with
 * {@code evaluate=False} and _decorate_with_scope.
 *
 * <p>{@code @train/f} calls f in scope {@code train}, replacing the caller's scope; plain {@code @f} runs in
 * whatever scope is active when {@link #call()} runs.
 */
public final class ConfigurableHandle {
    private final GinConfig config;
    private final ConfigurableSpec spec;
    private final List<String> scope;

    ConfigurableHandle(GinConfig config, ConfigurableSpec spec, List<String> scope) {
        this.config = config;
        this.spec = spec;
        this.scope = scope == null ? null : List.copyOf(scope);
    }

    /** Calls the configurable with gin's bindings only. */
    public Object call() {
        return call(Map.of());
    }

    /** Calls the configurable; {@code callerArgs} beat gin's bindings, as a Python caller's arguments do. */
    public Object call(Map<String, Object> callerArgs) {
        return config.callSpec(spec, scope != null ? scope : config.currentScope(), callerArgs);
    }

    /** The complete selector, e.g. {@code ibc.networks.mlp_ebm.MLPEBM}. */
    public String selector() {
        return spec.selector();
    }

    /** The fixed scope ({@code @train/f}), or null when the handle runs in the caller's scope. */
    public List<String> scope() {
        return scope;
    }

    @Override
    public String toString() {
        return "@" + (scope == null || scope.isEmpty() ? "" : String.join("/", scope) + "/") + spec.name();
    }
}
