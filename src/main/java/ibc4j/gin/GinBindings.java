package ibc4j.gin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stored bindings and how statements reach them; mirrors gin/config.py's _CONFIG, _IMPORTS and
 * parse_config / parse_config_file / bind_parameter / query_parameter. Later bindings of the same key
 * silently replace earlier ones, as in gin.
 */
final class GinBindings {
    private final GinRegistry registry;
    private final GinBindingChecks checks;
    private final GinFiles files;
    private final Map<GinConfig.Key, Map<String, GinConfig.Bound>> bindings = new LinkedHashMap<>();
    private final Set<List<String>> used = ConcurrentHashMap.newKeySet();
    private final List<Statement.Import> imports = new ArrayList<>();
    private final List<GinConfig.BindingInfo> skipped = new ArrayList<>();
    private final AtomicLong seq = new AtomicLong();
    private boolean skipAll;
    private Set<String> skipNames = Set.of();
    private volatile boolean locked;

    GinBindings(GinRegistry registry, GinBindingChecks checks) {
        this.registry = registry;
        this.files = new GinFiles(registry.bundledConfigs());
        this.checks = checks;
    }

    synchronized void skipUnknown(boolean all, Set<String> names) {
        skipAll = all;
        skipNames = Set.copyOf(names);
    }

    void addSearchPath(Path dir) {
        files.addSearchPath(dir);
    }

    // --------------------------------------------------------------------------------------------- parsing

    /**
     * The deepest chain of includes. gin-config recurses into each include and runs out of Python's default
     * stack at about 490 files (a cycle, which it does not detect, ends the same way); ibc4j names a cycle, and
     * refuses a chain deeper than this, at the include that goes too deep.
     */
    static final int MAX_INCLUDE_DEPTH = 100;

    /** An include statement's text, for the caret. */
    private static final Pattern INCLUDE = Pattern.compile("include\\s*[rRuUbBfF]{0,2}('[^']*'|\"[^\"]*\")");

    /** A file being parsed: its identity (for cycles) and its name as given (for messages). */
    record Open(String identity, String name) {}

    /** gin.parse_config_file; {@code dir} (the including file's directory) is null for --gin_file. */
    void include(String path, Path dir, Location at, Deque<Open> stack) {
        if (stack.size() >= MAX_INCLUDE_DEPTH) {
            List<String> chain = chain(stack, path);
            String text = chain.size() <= 7 ? String.join(" -> ", chain) : String.join(" -> ", chain.subList(0, 3))
                    + " -> ... -> " + String.join(" -> ", chain.subList(chain.size() - 3, chain.size()));
            throw new GinException(at, "Include chain deeper than " + MAX_INCLUDE_DEPTH + " files: " + text + ".",
                    null, statementSpan(at));
        }
        GinFiles.Loaded loaded = files.load(path, dir, at);
        List<String> open = stack.stream().map(Open::identity).toList();
        int first = open.lastIndexOf(loaded.identity());
        if (first >= 0) {
            // The stack is newest first: the cycle is this file, the files it opened, and this file again.
            List<String> cycle = chain(new ArrayDeque<>(new ArrayList<>(stack).subList(0, first + 1)), path);
            throw new GinException(at, "Include cycle: " + String.join(" -> ", cycle) + ".", null, statementSpan(at));
        }
        stack.push(new Open(loaded.identity(), path));
        Path parent = loaded.identity().startsWith("classpath:") ? null : Path.of(loaded.identity()).getParent();
        apply(loaded.statements(), parent, stack);
        stack.pop();
    }

    /** Statements of file {@code path}, read earlier: applied with the file open, for cycles through it. */
    void includeText(List<Statement> statements, String path) {
        Path file = Path.of(path);
        String resource = registry.bundledConfigs().resource(path);
        String identity = Files.isRegularFile(file) ? file.toAbsolutePath().normalize().toString()
                : resource != null ? "classpath:" + resource : path;
        Deque<Open> stack = new ArrayDeque<>();
        stack.push(new Open(identity, path));
        apply(statements, null, stack);
    }

    /** The names of the open files, outermost first, then {@code last}. */
    private static List<String> chain(Deque<Open> stack, String last) {
        List<String> names = new ArrayList<>();
        stack.descendingIterator().forEachRemaining(o -> names.add(o.name()));
        names.add(last);
        return names;
    }

    /** The caret under {@code include 'path'}. */
    private static int statementSpan(Location at) {
        if (at == null || at.sourceLine() == null || at.column() < 1) {
            return 1;
        }
        Matcher m = INCLUDE.matcher(at.sourceLine());
        return m.find(at.column() - 1) && m.start() == at.column() - 1 ? m.end() - m.start() : 1;
    }

    /** gin.parse_config's statement loop. */
    void apply(List<Statement> statements, Path dir, Deque<Open> includeStack) {
        for (Statement s : statements) {
            if (s instanceof Statement.Binding b) {
                bind(b);
            } else if (s instanceof Statement.Block k) {
                checks.configurable(k.selector(), k.location(), shouldSkip(k.selector()));
            } else if (s instanceof Statement.Import i) {
                addImport(i);
            } else if (s instanceof Statement.Include inc) {
                include(inc.path(), dir, inc.location(), includeStack);
            }
        }
    }

    void apply(List<Statement> statements) {
        apply(statements, null, new ArrayDeque<>());
    }

    private synchronized void addImport(Statement.Import i) {
        if (i.module().startsWith("__gin__.")) {
            throw new GinBindingException(i.location(), "'" + OperativeConfig.format(i) + "' (dynamic "
                    + "registration) is not supported by ibc4j; register Java configurables instead.");
        }
        if (imports.stream().noneMatch(j -> j.module().equals(i.module()))) {
            imports.add(i);
        }
    }

    /** gin.bind_parameter's key forms: {@code scope/selector.param} or {@code %scope/MACRO}. */
    void bind(String key, Object value) {
        if (key.startsWith("%")) {
            String name = key.substring(1);
            int s = name.lastIndexOf('/');
            bind(new Statement.Binding(s < 0 ? "" : name.substring(0, s), name.substring(s + 1), "", value, null));
            return;
        }
        int slash = key.lastIndexOf('/');
        String rest = key.substring(slash + 1);
        int dot = rest.lastIndexOf('.');
        if (dot < 0) {
            throw new GinBindingException(null, "Binding key '" + key + "' has no parameter (expected selector.param).");
        }
        bind(new Statement.Binding(slash < 0 ? "" : key.substring(0, slash), rest.substring(0, dot),
                rest.substring(dot + 1), value, null));
    }

    /** Validates the key as ParsedBindingKey.parse does, checks the value's references, stores it. */
    synchronized void bind(Statement.Binding b) {
        if (locked) {
            throw new GinException(b.location() == null ? null : GinSuggest.selector(b.location(), b.selector()),
                    "Attempted to modify locked Gin config.");
        }
        if (b.isMacro()) {
            checks.value(b.value(), b.location(), skipNames, skipAll);
            store(new GinConfig.Bound(b.key(), OperativeConfig.MACRO, "value", b.value(), b.location(), b.key(),
                    seq.getAndIncrement()));
            return;
        }
        ConfigurableSpec spec = checks.configurable(b.selector(), b.location(), shouldSkip(b.selector()));
        if (spec == null) {
            skipped.add(new GinConfig.BindingInfo(b.key(), b.value(), b.location()));
            return;
        }
        checks.parameter(spec, b.selector(), b.param(), b.location());
        checks.value(b.value(), b.location(), skipNames, skipAll);
        // Value constraints are checked at finalize (or the call), on the value in effect: a later binding of this
        // key may still replace this one.
        store(new GinConfig.Bound(b.scope(), spec.selector(), b.param(), b.value(), b.location(), b.selector(),
                seq.getAndIncrement()));
    }

    private void store(GinConfig.Bound b) {
        bindings.computeIfAbsent(new GinConfig.Key(b.scope(), b.selector()), k -> new LinkedHashMap<>())
                .put(b.param(), b);
        used.remove(List.of(b.scope(), b.selector(), b.param()));
    }

    /** gin's _should_skip: never a known configurable; else skip_unknown (all, or the listed names). */
    private boolean shouldSkip(String selector) {
        return registry.matching(selector).isEmpty() && (skipAll || skipNames.contains(selector));
    }

    /** gin.query_parameter, plus {@code %NAME} for a macro. */
    synchronized Object query(String key) {
        if (key.startsWith("%")) {
            GinConfig.Bound macro = bindings.getOrDefault(new GinConfig.Key(key.substring(1), OperativeConfig.MACRO),
                    Map.of()).get("value");
            if (macro == null) {
                throw new GinBindingException(null, "No bindings specified for '" + key.substring(1) + "/gin.macro'.");
            }
            return macro.value();
        }
        List<String> constants = registry.matchingConstants(key);
        if (constants.size() == 1) {
            return registry.constantValue(constants.get(0));
        }
        int slash = key.lastIndexOf('/');
        String rest = key.substring(slash + 1);
        int dot = rest.lastIndexOf('.');
        String selector = dot < 0 ? rest : rest.substring(0, dot);
        String param = rest.substring(dot + 1);
        ConfigurableSpec spec = checks.configurable(selector, null, false);
        Map<String, GinConfig.Bound> bound = bindings.get(new GinConfig.Key(slash < 0 ? "" : key.substring(0, slash),
                spec.selector()));
        if (bound == null) {
            throw new GinBindingException(null, "Configurable '" + selector + "' has no bound parameters.");
        }
        if (!bound.containsKey(param)) {
            throw new GinBindingException(null, "Configurable '" + selector + "' has no value bound for parameter '"
                    + param + "'.");
        }
        return bound.get(param).value();
    }

    // ------------------------------------------------------------------------------------------- reading

    /** Bindings for {@code selector} merged from scopes '', s1, s1/s2, ... (deeper wins), as gin's _get_bindings. */
    synchronized Map<String, GinConfig.Bound> merged(String selector, List<String> scope) {
        Map<String, GinConfig.Bound> merged = new LinkedHashMap<>();
        for (int i = 0; i <= scope.size(); i++) {
            Map<String, GinConfig.Bound> level = bindings.get(
                    new GinConfig.Key(String.join("/", scope.subList(0, i)), selector));
            if (level != null) {
                merged.putAll(level);
            }
        }
        return merged;
    }

    synchronized Map<GinConfig.Key, Map<String, GinConfig.Bound>> all() {
        Map<GinConfig.Key, Map<String, GinConfig.Bound>> copy = new LinkedHashMap<>();
        bindings.forEach((k, v) -> copy.put(k, new LinkedHashMap<>(v)));
        return copy;
    }

    void markUsed(GinConfig.Bound b) {
        used.add(List.of(b.scope(), b.selector(), b.param()));
    }

    List<GinConfig.BindingInfo> unused() {
        return all().values().stream().flatMap(m -> m.values().stream())
                .filter(b -> !used.contains(List.of(b.scope(), b.selector(), b.param())))
                .sorted(Comparator.comparingLong(GinConfig.Bound::seq)).map(GinConfig::info).toList();
    }

    synchronized List<GinConfig.BindingInfo> skipped() {
        return List.copyOf(skipped);
    }

    synchronized List<Statement.Import> imports() {
        return List.copyOf(imports);
    }

    boolean locked() {
        return locked;
    }

    synchronized void setLocked(boolean lock) {
        locked = lock;
    }
}
