package ibc4j.gin;

import java.lang.reflect.Type;
import java.util.List;
import java.util.Optional;

/**
 * One registered configurable; mirrors gin/config.py's {@code Configurable} record (name, selector, signature,
 * allowlist/denylist) plus what ibc4j knows about IBC's Python original.
 *
 * @param name      the gin name ({@code MLPEBM}, {@code train_eval}, {@code macro})
 * @param module    the module components ({@code ibc.networks.mlp_ebm}, {@code gin})
 * @param params    the parameters in signature order
 * @param varkw     whether the signature has {@code **kwargs} (then any parameter name binds)
 * @param allowlist gin's allowlist, or null
 * @param denylist  gin's denylist, or null
 * @param upstreamSource IBC's {@code file.py:Qualified.name} for configurables IBC registers, else null
 * @param upstreamLine   the line of that definition, or 0
 * @param upstreamParams IBC's own parameters (with its defaults) when a Java class stands in for an IBC one, else null
 * @param invoker   how to call it; null while it is registered from IBC but not implemented in ibc4j
 * @param javaType  the Java class (for a class configurable) or declaring class (for a static method), or null
 */
public record ConfigurableSpec(String name, String module, List<ParamSpec> params, boolean varkw,
                               List<String> allowlist, List<String> denylist, String upstreamSource, int upstreamLine,
                               List<ParamSpec> upstreamParams, Invoker invoker, Class<?> javaType) {

    /** The Java end of a call: arguments arrive in signature order, already converted. */
    @FunctionalInterface
    public interface Invoker {
        Object invoke(Object[] args) throws Exception;
    }

    /**
     * One parameter.
     *
     * @param name       gin's snake_case name
     * @param defaultValue the default as a gin value (null is Python None); meaningful when {@code hasDefault}
     * @param hasDefault whether the signature gives a default
     * @param literal    whether the default prints back as a gin literal (gin's _is_literally_representable)
     * @param type       the Java parameter type, or null for IBC-only configurables
     * @param doc        one line of documentation, may be empty
     * @param constraints bounds on a bound value ({@link Positive}, {@link Range}, {@link MaxBytes}); may be empty
     * @param extension  an {@link Extension}: not in the mirrored signature, its default left out of the operative
     *                   config
     */
    public record ParamSpec(String name, Object defaultValue, boolean hasDefault, boolean literal, Type type,
                            String doc, List<ParamConstraint> constraints, boolean extension) {
        public ParamSpec {
            constraints = constraints == null ? List.of() : List.copyOf(constraints);
        }

        /** A parameter of the mirrored signature. */
        public ParamSpec(String name, Object defaultValue, boolean hasDefault, boolean literal, Type type, String doc,
                         List<ParamConstraint> constraints) {
            this(name, defaultValue, hasDefault, literal, type, doc, constraints, false);
        }

        /** Whether gin's operative config records its default (gin: a literal default; ibc4j: not an extension). */
        public boolean recordsDefault() {
            return literal && !extension;
        }

        /** A parameter without constraints (IBC's own signatures, registry entries). */
        public ParamSpec(String name, Object defaultValue, boolean hasDefault, boolean literal, Type type, String doc) {
            this(name, defaultValue, hasDefault, literal, type, doc, List.of());
        }

        /** A signature default of {@code gin.REQUIRED}: a binding (or the caller) must supply the value. */
        public boolean requiredByGin() {
            return hasDefault && defaultValue == GinConfig.REQUIRED;
        }

        /** The default's source text for humans: the literal, the IBC expression, or "(required)". */
        public String defaultText() {
            if (!hasDefault) {
                return "(required)";
            }
            if (defaultValue == GinConfig.REQUIRED) {
                return "%gin.REQUIRED";
            }
            return defaultValue instanceof NonLiteral n ? n.expr() : PyValues.repr(defaultValue);
        }
    }

    /** A Python default that is not a gin literal ({@code BlockTaskVariant.PUSH}); kept as its source text. */
    public record NonLiteral(String expr) {
        @Override
        public String toString() {
            return expr;
        }
    }

    public ConfigurableSpec {
        params = List.copyOf(params);
        upstreamParams = upstreamParams == null ? null : List.copyOf(upstreamParams);
    }

    /** The complete selector, {@code module.name}. */
    public String selector() {
        return module.isEmpty() ? name : module + "." + name;
    }

    public boolean implemented() {
        return invoker != null;
    }

    /** IBC's Python file ({@code networks/mlp_ebm.py}), or null. */
    public String upstreamFile() {
        return upstreamSource == null ? null : upstreamSource.split(":", 2)[0];
    }

    public Optional<ParamSpec> param(String paramName) {
        return params.stream().filter(p -> p.name().equals(paramName)).findFirst();
    }

    /** gin's _might_have_parameter: a named parameter, or anything when there is {@code **kwargs}. */
    public boolean mightHaveParam(String paramName) {
        return varkw || param(paramName).isPresent();
    }

    public List<String> paramNames() {
        return params.stream().map(ParamSpec::name).toList();
    }

    /** The same configurable placed in another module, with IBC's source and signature when it stands in for IBC. */
    ConfigurableSpec withModule(String newModule, String source, int line, List<ParamSpec> ibc) {
        return new ConfigurableSpec(name, newModule, params, varkw, allowlist, denylist, source, line, ibc, invoker,
                javaType);
    }
}
