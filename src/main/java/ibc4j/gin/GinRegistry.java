package ibc4j.gin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The configurables and constants a {@link GinConfig} can bind; mirrors gin/config.py's _REGISTRY and _CONSTANTS
 * (both SelectorMaps) with the built-ins {@code gin.macro}, {@code gin.singleton} and {@code gin.REQUIRED}.
 *
 * <p>IBC's own registrations come from {@code ibc_configurables.json} and stay "registered, not implemented"
 * until a Java class with the same name is registered; that class then takes IBC's module, so
 * {@code ibc.networks.mlp_ebm.MLPEBM} resolves to it. Registries are plain instances: this library knows no
 * configurable of its own; the application's composition root fills one (ibc4j's: {@code IbcConfigurables}).
 */
public final class GinRegistry {
    /** gin's MODULE_RE, which constant names must match. */
    private static final Pattern MODULE = Pattern.compile("([a-zA-Z_]\\w*\\.)*[a-zA-Z_]\\w*");

    /** A member of an IBC enum registered with {@code @gin.constants_from_enum}: {@code BlockTaskVariant.PUSH}. */
    public record EnumConstant(String enumClass, String member, Object value) {
        @Override
        public String toString() {
            return enumClass.substring(enumClass.lastIndexOf('.') + 1) + "." + member;
        }
    }

    private final SelectorMap<ConfigurableSpec> configurables = new SelectorMap<>();
    private final SelectorMap<Object> constants = new SelectorMap<>();
    private final Map<Class<?>, ConfigurableSpec> byClass = new ConcurrentHashMap<>();
    private volatile BundledConfigs bundled = BundledConfigs.NONE;
    private volatile String upstream = "upstream";

    /** A registry holding only gin's built-ins. */
    public GinRegistry() {
        registerBuiltin("macro", "value", args -> args[0]);
        registerBuiltin("singleton", "constructor", args -> GinConfig.current().singleton(args[0]));
        constant("gin.REQUIRED", GinConfig.REQUIRED);
    }

    /** Configs shipped in the jar that file lookups fall back to (none by default). */
    public GinRegistry bundledConfigs(BundledConfigs b) {
        this.bundled = java.util.Objects.requireNonNull(b, "bundled configs");
        return this;
    }

    public BundledConfigs bundledConfigs() {
        return bundled;
    }

    /** What messages call the library whose configurables are registered without Java (its name, e.g.). */
    public GinRegistry upstreamName(String name) {
        this.upstream = java.util.Objects.requireNonNull(name, "upstream name");
        return this;
    }

    public String upstreamName() {
        return upstream;
    }

    /**
     * Registers the configurables {@code cls} declares ({@link Configurable} on the class and/or static methods).
     * A name IBC registers takes IBC's module unless the annotation names one; otherwise the Java package is the
     * module.
     */
    public synchronized GinRegistry register(Class<?> cls) {
        boolean classFirst = cls.isAnnotationPresent(Configurable.class);
        for (ConfigurableSpec spec : JavaConfigurables.specsOf(cls)) {
            ConfigurableSpec placed = place(spec, cls);
            put(placed);
            if (classFirst) { // specsOf lists the class's own registration first
                byClass.put(cls, placed);
                classFirst = false;
            }
        }
        return this;
    }

    private ConfigurableSpec place(ConfigurableSpec spec, Class<?> cls) {
        ConfigurableSpec ibc = null;
        if (spec.module().isEmpty()) {
            List<ConfigurableSpec> same = configurables.values().stream()
                    .filter(c -> c.upstreamSource() != null && !c.implemented() && c.name().equals(spec.name())).toList();
            if (same.size() > 1) {
                throw new IllegalArgumentException(cls.getName() + ": " + upstream + " registers '" + spec.name()
                        + "' in several modules " + same.stream().map(ConfigurableSpec::module).toList()
                        + "; name one in @Configurable(module = ...)");
            }
            ibc = same.isEmpty() ? null : same.get(0);
        } else {
            ConfigurableSpec existing = configurables.get(spec.selector());
            ibc = existing != null && existing.upstreamSource() != null && !existing.implemented() ? existing : null;
        }
        if (ibc != null) {
            return spec.withModule(ibc.module(), ibc.upstreamSource(), ibc.upstreamLine(), ibc.upstreamParams());
        }
        return spec.module().isEmpty() ? spec.withModule(cls.getPackageName(), null, 0, null) : spec;
    }

    /** Registers one of IBC's configurables without a Java implementation. */
    public synchronized void registerUpstream(ConfigurableSpec spec) {
        put(spec);
    }

    private void registerBuiltin(String name, String param, ConfigurableSpec.Invoker invoker) {
        ConfigurableSpec.ParamSpec p = new ConfigurableSpec.ParamSpec(param, null, false, false, Object.class, "");
        put(new ConfigurableSpec(name, "gin", List.of(p), false, null, null, null, 0, null, invoker, null));
    }

    private void put(ConfigurableSpec spec) {
        ConfigurableSpec existing = configurables.get(spec.selector());
        boolean takeover = existing != null && !existing.implemented() && spec.implemented();
        boolean same = existing != null && existing.javaType() != null && existing.javaType() == spec.javaType()
                && existing.name().equals(spec.name());
        if (existing != null && !takeover && !same) {
            throw new IllegalArgumentException(
                    "A different configurable matching '" + spec.selector() + "' already exists.");
        }
        configurables.put(spec.selector(), spec);
    }

    /** Registers a constant usable as {@code %name}; mirrors gin.constant, including its duplicate check. */
    public synchronized GinRegistry constant(String name, Object value) {
        if (!MODULE.matcher(name).matches()) {
            throw new IllegalArgumentException("Invalid constant selector '" + name + "'.");
        }
        List<String> clash = constants.matching(name);
        if (!clash.isEmpty()) {
            throw new IllegalArgumentException("Constants matching selector '" + name + "' already exist ("
                    + PyValues.repr(new ArrayList<Object>(clash)) + ").");
        }
        constants.put(name, value);
        return this;
    }

    /** Complete selectors matching {@code partial} (gin's suffix rule; an exact match wins alone). */
    public synchronized List<String> matching(String partial) {
        return configurables.matching(partial);
    }

    /** The configurable with this complete selector, or null. */
    public synchronized ConfigurableSpec get(String completeSelector) {
        return configurables.get(completeSelector);
    }

    /**
     * The configurable {@code partial} names, or null when none; "Ambiguous selector 'x', matches [...]." when
     * several do.
     */
    public synchronized ConfigurableSpec lookup(String partial) {
        List<String> found = configurables.matching(partial);
        if (found.size() > 1) {
            throw new GinBindingException(null, "Ambiguous selector '" + partial + "', matches "
                    + PyValues.repr(new ArrayList<Object>(found)) + ".");
        }
        return found.isEmpty() ? null : configurables.get(found.get(0));
    }

    /**
     * Like {@link #lookup}, but an unknown name is an error too: "No configurable matching 'x'." with a
     * "did you mean" hint.
     */
    public ConfigurableSpec require(String partial) {
        return new GinBindingChecks(this).configurable(partial, null, false);
    }

    /** The shortest suffix that names only this configurable, as the operative config prints it. */
    public synchronized String minimalSelector(String completeSelector) {
        return configurables.minimalSelector(completeSelector);
    }

    public synchronized Collection<ConfigurableSpec> configurables() {
        return List.copyOf(configurables.values());
    }

    /** Complete constant names matching {@code partial}. */
    public synchronized List<String> matchingConstants(String partial) {
        return constants.matching(partial);
    }

    public synchronized Object constantValue(String completeName) {
        return constants.get(completeName);
    }

    /**
     * The configurable that builds {@code cls}: its own registration, or a registered superclass's whose
     * bindings reach it (IBC's ResNetLayer and its subclasses).
     */
    public ConfigurableSpec forClass(Class<?> cls) {
        ConfigurableSpec own = byClass.get(cls);
        if (own != null) {
            return own;
        }
        for (Class<?> up = cls.getSuperclass(); up != null; up = up.getSuperclass()) {
            ConfigurableSpec base = byClass.get(up);
            if (base != null) {
                ConfigurableSpec sub = JavaConfigurables.forSubclass(base, cls);
                byClass.put(cls, sub);
                return sub;
            }
        }
        return null;
    }
}
