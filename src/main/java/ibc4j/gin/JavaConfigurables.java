package ibc4j.gin;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads {@link Configurable}/{@link Param} annotations into {@link ConfigurableSpec}s; mirrors gin/config.py's
 * _make_configurable, which inspects the signature once at decoration time.
 *
 * <p>Defaults are parsed and converted to the Java parameter type here, so a bad {@code dflt} fails when the
 * class is registered rather than on the first call.
 */
final class JavaConfigurables {
    private JavaConfigurables() {}

    /** The configurables a class declares: the class itself and/or its annotated static methods. */
    static List<ConfigurableSpec> specsOf(Class<?> cls) {
        List<ConfigurableSpec> specs = new ArrayList<>();
        Configurable onClass = cls.getAnnotation(Configurable.class);
        if (onClass != null) {
            Constructor<?> ctor = singlePublicConstructor(cls);
            String name = onClass.value().isEmpty() ? cls.getSimpleName() : onClass.value();
            specs.add(spec(name, onClass.module(), cls, ctor, args -> ctor.newInstance(args)));
        }
        for (Method m : cls.getDeclaredMethods()) {
            Configurable a = m.getAnnotation(Configurable.class);
            if (a == null) {
                continue;
            }
            if (!Modifier.isStatic(m.getModifiers()) || !Modifier.isPublic(m.getModifiers())) {
                throw new IllegalArgumentException(where(m) + ": @Configurable methods must be public static");
            }
            String name = a.value().isEmpty() ? m.getName() : a.value();
            specs.add(spec(name, a.module(), cls, m, args -> m.invoke(null, args)));
        }
        if (specs.isEmpty()) {
            throw new IllegalArgumentException(cls.getName() + " has no @Configurable class or static method");
        }
        return specs;
    }

    /**
     * A subclass that inherits a configurable base (IBC's ResNetLayer reaching ResNetPreActivationLayer): same
     * selector and parameters, built with the subclass's constructor, whose @Param names must match the base's.
     */
    static ConfigurableSpec forSubclass(ConfigurableSpec base, Class<?> sub) {
        Constructor<?> ctor = singlePublicConstructor(sub);
        List<String> names = Arrays.stream(ctor.getParameters()).map(p -> paramAnnotation(ctor, p).value()).toList();
        if (!names.equals(base.paramNames())) {
            throw new IllegalArgumentException(where(ctor) + ": parameters " + names + " differ from "
                    + base.selector() + "'s " + base.paramNames());
        }
        return new ConfigurableSpec(base.name(), base.module(), base.params(), base.varkw(), base.allowlist(),
                base.denylist(), base.upstreamSource(), base.upstreamLine(), base.upstreamParams(), args -> ctor.newInstance(args),
                sub);
    }

    private static ConfigurableSpec spec(String name, String module, Class<?> cls, Executable exe,
                                         ConfigurableSpec.Invoker invoker) {
        List<ConfigurableSpec.ParamSpec> params = new ArrayList<>();
        for (Parameter p : exe.getParameters()) {
            Param a = paramAnnotation(exe, p);
            if (params.stream().anyMatch(q -> q.name().equals(a.value()))) {
                throw new IllegalArgumentException(where(exe) + ": two parameters named '" + a.value() + "'");
            }
            params.add(paramSpec(exe, p, a));
        }
        // An empty module is settled by GinRegistry: IBC's module for IBC names, else the Java package.
        return new ConfigurableSpec(name, module, params, false, null, null, null, 0, null, invoker, cls);
    }

    private static ConfigurableSpec.ParamSpec paramSpec(Executable exe, Parameter p, Param a) {
        String where = where(exe) + " @Param('" + a.value() + "')";
        List<ParamConstraint> constraints = ParamConstraint.of(p, where);
        boolean extension = p.isAnnotationPresent(Extension.class);
        if (extension && a.dflt().equals(Param.NO_DEFAULT)) {
            throw new IllegalArgumentException(where + " is an @Extension: it needs the default that keeps the "
                    + "mirrored behaviour");
        }
        if (a.dflt().equals(Param.NO_DEFAULT)) {
            return new ConfigurableSpec.ParamSpec(a.value(), null, false, false, p.getParameterizedType(), a.doc(),
                    constraints);
        }
        Object value = parseDefault(a.dflt(), where);
        if (value instanceof MacroReference m && m.name().equals("gin.REQUIRED")) {
            return new ConfigurableSpec.ParamSpec(a.value(), GinConfig.REQUIRED, true, false,
                    p.getParameterizedType(), a.doc(), constraints, extension);
        }
        try {
            GinConverter.convert(value, p.getParameterizedType());
        } catch (GinConverter.ConversionException e) {
            throw new IllegalArgumentException(where + " dflt \"" + a.dflt()
                    + "\" does not fit " + p.getParameterizedType().getTypeName() + ": " + e.getMessage());
        }
        Double number = ParamConstraint.numberOf(value);
        for (ParamConstraint c : constraints) {
            String problem = number == null ? null : c.violation(number);
            if (problem != null) {
                throw new IllegalArgumentException(where + " dflt \"" + a.dflt() + "\" " + problem);
            }
        }
        return new ConfigurableSpec.ParamSpec(a.value(), value, true, true, p.getParameterizedType(), a.doc(),
                constraints, extension);
    }

    /** Parses a {@code dflt} with the gin parser's literal rules. */
    static Object parseDefault(String text, String where) {
        List<Statement> parsed;
        try {
            parsed = GinConfigParser.parse("x.y = " + text + "\n", where);
        } catch (GinSyntaxException e) {
            throw new IllegalArgumentException(where + ": dflt \"" + text + "\" is not a gin literal: "
                    + e.rawMessage(), e);
        }
        if (parsed.size() != 1 || !(parsed.get(0) instanceof Statement.Binding b)) {
            throw new IllegalArgumentException(where + ": dflt \"" + text + "\" is not a single gin literal");
        }
        if (b.value() instanceof MacroReference m && m.name().equals("gin.REQUIRED")) {
            return m;
        }
        if (GinValueWalker.containsReference(b.value())) {
            throw new IllegalArgumentException(where + ": dflt \"" + text + "\" must be a literal, not a reference");
        }
        return b.value();
    }

    private static Param paramAnnotation(Executable exe, Parameter p) {
        Param a = p.getAnnotation(Param.class);
        if (a == null) {
            throw new IllegalArgumentException(where(exe) + ": parameter '" + p.getName() + "' has no @Param");
        }
        return a;
    }

    private static Constructor<?> singlePublicConstructor(Class<?> cls) {
        Constructor<?>[] ctors = cls.getConstructors();
        if (ctors.length != 1) {
            throw new IllegalArgumentException(cls.getName() + ": a @Configurable class needs exactly one public "
                    + "constructor, found " + ctors.length);
        }
        return ctors[0];
    }

    private static String where(Executable exe) {
        String cls = exe.getDeclaringClass().getName();
        return exe instanceof Constructor<?> ? cls : cls + "." + exe.getName();
    }
}
