package ibc4j.gin;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The gin binder: parsed bindings, scopes, finalize/lock, calls with injection and the operative config; mirrors
 * gin/config.py's module state (_CONFIG, _OPERATIVE_CONFIG, _IMPORTS, _SCOPE_MANAGER) as one instance per run.
 *
 * <p>Typical use, as IBC's train_eval.py does with skip_unknown=False:
 * <pre>
 * GinConfig gin = new GinConfig(registry);
 * gin.parseFilesAndBindings(ginFiles, ginBindings);
 * gin.finalizeConfig();
 * Object agent = gin.call("train_eval", Map.of("task", task != null ? task : GinConfig.REQUIRED));
 * </pre>
 */
public final class GinConfig {
    /** gin.REQUIRED: pass it as a caller argument (or write {@code %gin.REQUIRED}) to demand a binding. */
    public static final Object REQUIRED = new Object() {
        @Override
        public String toString() {
            return "gin.REQUIRED";
        }
    };

    /** Where bindings live: (scope, complete selector); a macro {@code X} is (X, gin.macro). */
    record Key(String scope, String selector) {}

    /** One binding as stored; {@code written} is the selector as the file spells it. */
    record Bound(String scope, String selector, String param, Object value, Location location, String written,
                 long seq) {}

    /** A constant's value (which may be None). */
    record Constant(Object value) {}

    /** A binding for reports: its key as written, value and location. */
    public record BindingInfo(String key, Object value, Location location) {
        @Override
        public String toString() {
            return (location == null ? "" : location.file() + ":" + location.line() + ": ") + key + " = "
                    + PyValues.repr(value);
        }
    }

    /** An active {@link #withScope} block; closing it restores the previous scope. */
    public interface Scope extends AutoCloseable {
        List<String> components();

        @Override
        void close();
    }

    private static final Pattern SCOPE_NAME = Pattern.compile("([a-zA-Z_]\\w*\\.)*[a-zA-Z_]\\w*");
    private static final ThreadLocal<Deque<GinConfig>> CURRENT = ThreadLocal.withInitial(ArrayDeque::new);

    private final GinRegistry registry;
    private final GinBindingChecks checks;
    private final GinBindings bindings;
    private final GinCall calls = new GinCall(this);
    private final OperativeConfig operative = new OperativeConfig();
    private final Map<String, Object> singletons = new HashMap<>();
    private final ThreadLocal<Deque<List<String>>> scopes = ThreadLocal.withInitial(ArrayDeque::new);

    public GinConfig(GinRegistry registry) {
        this.registry = registry;
        this.checks = new GinBindingChecks(registry);
        this.bindings = new GinBindings(registry, checks);
    }

    public GinRegistry registry() {
        return registry;
    }

    /** gin's skip_unknown=True: silently drop bindings of unknown configurables (IBC does; ibc4j's default is off). */
    public GinConfig skipUnknown(boolean skip) {
        bindings.skipUnknown(skip, Set.of());
        return this;
    }

    /** gin's skip_unknown=[names]: drop only bindings of these unknown configurables. */
    public GinConfig skipUnknown(Collection<String> names) {
        bindings.skipUnknown(false, Set.copyOf(names));
        return this;
    }

    /** gin.add_config_file_search_path: tried after the working directory. */
    public GinConfig addSearchPath(Path dir) {
        bindings.addSearchPath(dir);
        return this;
    }

    // ----------------------------------------------------------------------------------------------- parsing

    /** gin.parse_config_files_and_bindings without the finalize: files in order, then the bindings. */
    public GinConfig parseFilesAndBindings(List<String> ginFiles, List<String> ginBindings) {
        ginFiles.forEach(this::parseFile);
        return parseBindings(ginBindings);
    }

    /** The jar resource a bundled config {@code path} is read from (see {@link BundledConfigs}), or null. */
    public String bundledConfigResource(String path) {
        return registry.bundledConfigs().resource(path);
    }

    /** gin.parse_config_file: found through the search paths (working directory first). */
    public GinConfig parseFile(String path) {
        bindings.include(path, null, null, new ArrayDeque<>());
        return this;
    }

    /**
     * The text of gin file {@code path}, read earlier (a run stores its config's text): parsed as {@link #parse}
     * does, but while its includes are parsed the file counts as open, so an include cycle through it is named
     * from it ({@code a.gin -> b.gin -> a.gin}).
     */
    public GinConfig parseFileText(String text, String path) {
        bindings.includeText(GinConfigParser.parse(text, path), path);
        return this;
    }

    /** {@code --gin_bindings}: joined by newlines and parsed as one file named {@code bindings}. */
    public GinConfig parseBindings(List<String> ginBindings) {
        return parse(String.join("\n", ginBindings), "bindings");
    }

    /** gin.parse_config on text; {@code fileName} is what locations report. */
    public GinConfig parse(String text, String fileName) {
        return apply(GinConfigParser.parse(text, fileName));
    }

    /** Applies already-parsed statements, in order (includes are resolved against the search paths). */
    public GinConfig apply(List<Statement> statements) {
        bindings.apply(statements);
        return this;
    }

    /** gin.bind_parameter: {@code 'scope/selector.param'} or {@code '%MACRO'}, with gin's validation. */
    public GinConfig bind(String key, Object value) {
        bindings.bind(key, value);
        return this;
    }

    /**
     * gin.query_parameter: a constant, a macro ({@code %NAME}), or the stored (unevaluated) value bound to
     * {@code scope/selector.param}.
     */
    public Object queryParameter(String key) {
        return bindings.query(key);
    }

    // ------------------------------------------------------------------------------------- finalize & lock

    /**
     * gin.finalize (named so because {@code finalize()} would override Object's and be called by the garbage
     * collector): checks macros, references and {@code %gin.REQUIRED}, checks literal values against Java
     * parameter types, then locks the config.
     */
    public synchronized void finalizeConfig() {
        if (bindings.locked()) {
            throw new GinException(null, "Finalize called twice (config already locked).");
        }
        new GinFinalizeChecks(this, checks).run(bindings.all());
        bindings.setLocked(true);
    }

    public boolean isLocked() {
        return bindings.locked();
    }

    /** gin.unlock_config, for tests and interactive use. */
    public void unlock() {
        bindings.setLocked(false);
    }

    // ------------------------------------------------------------------------------------------- scopes

    /** gin.config_scope: appends {@code name} (may hold '/') to the active scope; null or "" clears it. */
    public Scope withScope(String name) {
        List<String> next = new ArrayList<>();
        if (name != null && !name.isEmpty()) {
            next.addAll(currentScope());
            for (String part : name.split("/", -1)) {
                if (!SCOPE_NAME.matcher(part).matches()) {
                    throw new IllegalArgumentException("Invalid value for `name_or_scope`: " + name + ".");
                }
                next.add(part);
            }
        }
        List<String> pushed = List.copyOf(next);
        scopes.get().push(pushed);
        return new Scope() {
            @Override
            public List<String> components() {
                return pushed;
            }

            @Override
            public void close() {
                scopes.get().pop();
            }
        };
    }

    /** The active scope, outermost first. */
    public List<String> currentScope() {
        List<String> top = scopes.get().peek();
        return top == null ? List.of() : top;
    }

    /** The config whose configurable is running on this thread, for Java code that makes nested gin calls. */
    public static GinConfig current() {
        GinConfig c = CURRENT.get().peek();
        if (c == null) {
            throw new IllegalStateException("No gin call is in progress on this thread.");
        }
        return c;
    }

    /**
     * The config of the gin call in progress on this thread, or null when none is: a constructor that gin may or
     * may not call resolves its nested configurables from it once (null: the code defaults).
     */
    public static GinConfig currentOrNull() {
        return CURRENT.get().peek();
    }

    void enter(List<String> scope) {
        scopes.get().push(List.copyOf(scope));
        CURRENT.get().push(this);
    }

    void exit() {
        CURRENT.get().pop();
        scopes.get().pop();
    }

    // --------------------------------------------------------------------------------------------- calls

    /** Builds {@code cls} (a registered class, or a subclass of one) with gin's bindings. */
    public <T> T make(Class<T> cls) {
        return make(cls, Map.of());
    }

    /** Builds {@code cls}; {@code callerArgs} (by gin parameter name) beat gin's bindings. */
    public <T> T make(Class<T> cls, Map<String, Object> callerArgs) {
        ConfigurableSpec spec = registry.forClass(cls);
        if (spec == null) {
            throw new GinBindingException(null, cls.getName() + " is not a registered configurable.");
        }
        return cls.cast(callSpec(spec, currentScope(), callerArgs));
    }

    public Object call(String selector) {
        return call(selector, Map.of());
    }

    /**
     * Calls the configurable {@code selector} names ({@code train_eval}, or {@code eval/f} to run in scope
     * {@code eval}); {@code callerArgs} beat gin, and {@link #REQUIRED} among them demands a binding.
     */
    public Object call(String selector, Map<String, Object> callerArgs) {
        int slash = selector.lastIndexOf('/');
        List<String> scope = slash < 0 ? currentScope() : List.of(selector.substring(0, slash).split("/"));
        ConfigurableSpec spec = checks.configurable(selector.substring(slash + 1), null, false);
        return callSpec(spec, scope, callerArgs);
    }

    /**
     * The arguments {@link #call(String, Map)} would pass to {@code selector}, without calling it: what a caller
     * resolves once into a typed record instead of calling through gin on a hot path. Recorded in the operative
     * config as a call is; parameters nothing supplies are left out.
     */
    public Map<String, Object> resolveArguments(String selector, Map<String, Object> callerArgs) {
        int slash = selector.lastIndexOf('/');
        List<String> scope = slash < 0 ? currentScope() : List.of(selector.substring(0, slash).split("/"));
        ConfigurableSpec spec = checks.configurable(selector.substring(slash + 1), null, false);
        return calls.resolve(spec, scope, callerArgs);
    }

    Object callSpec(ConfigurableSpec spec, List<String> scope, Map<String, Object> callerArgs) {
        return calls.call(spec, scope, callerArgs);
    }

    // ------------------------------------------------------------------------------------ call support

    Map<String, Bound> mergedBindings(String selector, List<String> scope) {
        return bindings.merged(selector, scope);
    }

    Map<Key, Map<String, Bound>> allBindings() {
        return bindings.all();
    }

    void markUsed(Bound b) {
        bindings.markUsed(b);
    }

    OperativeConfig operative() {
        return operative;
    }

    List<Statement.Import> imports() {
        return bindings.imports();
    }

    ConfigurableSpec resolveReference(ConfigurableReference r, Location at) {
        return checks.reference(r, at, false, "\n\n    To catch this earlier, ensure finalizeConfig() is called.");
    }

    Constant constantFor(MacroReference m, Location at) {
        return checks.constant(m, at);
    }

    /** Before gin.macro runs for {@code %X}: is X bound (in X's scope or an enclosing one)? */
    void checkMacroBound(MacroReference m, Location at) {
        if (!mergedBindings(OperativeConfig.MACRO, List.of(m.name().split("/"))).containsKey("value")) {
            throw GinFinalizeChecks.unboundMacro(m, at, allBindings().keySet());
        }
    }

    /** gin's _format_binding_key: {@code scope/MinimalSelector.param}. */
    String keyString(Bound b) {
        return (b.scope().isEmpty() ? "" : b.scope() + "/") + registry.minimalSelector(b.selector()) + "." + b.param();
    }

    /** gin.singleton: one value per scope, built by {@code constructor} on first use. */
    synchronized Object singleton(Object constructor) {
        String key = String.join("/", currentScope());
        if (!singletons.containsKey(key)) {
            if (!(constructor instanceof ConfigurableHandle h)) {
                throw new GinBindingException(null, "The constructor for singleton '" + key + "' is not callable.");
            }
            singletons.put(key, h.call());
        }
        return singletons.get(key);
    }

    // ------------------------------------------------------------------------------------------ reports

    /** gin.operative_config_str(): what the calls so far used. */
    public String operativeConfigString() {
        return operativeConfigString(false);
    }

    /** With {@code showProvenance}, {@code # Set in file:line:} above each value a binding supplied. */
    public String operativeConfigString(boolean showProvenance) {
        return operative.format(imports(), registry, showProvenance);
    }

    /** gin.config_str(): every binding, whether used or not. */
    public String configString(boolean showProvenance) {
        return GinReports.configString(this, showProvenance);
    }

    /** The operative config a run would record if each bound configurable were called once per bound scope. */
    public String bindOnlyConfigString() {
        return GinReports.bindOnly(this);
    }

    /** Writes {@code operative_config-N.gin} (N = next free index) into {@code runDir}, atomically. */
    public Path writeOperativeConfig(Path runDir) throws IOException {
        return GinReports.write(runDir, operativeConfigString(true));
    }

    /** Bindings no call has used (gin is silent about them), in source order. */
    public List<BindingInfo> unusedBindings() {
        return bindings.unused();
    }

    /** Bindings dropped by {@link #skipUnknown}, so a run can still report them. */
    public List<BindingInfo> skippedBindings() {
        return bindings.skipped();
    }

    static BindingInfo info(Bound b) {
        String key = b.selector().equals(OperativeConfig.MACRO) ? b.scope()
                : (b.scope().isEmpty() ? "" : b.scope() + "/") + b.written() + "." + b.param();
        return new BindingInfo(key, b.value(), b.location());
    }
}
