package ibc4j.gin;

/**
 * One parsed gin statement, mirroring gin/config_parser.py's statement types. A block declaration is followed
 * by its parameters as ordinary {@link Binding}s carrying the block's scope and selector, as gin yields them.
 */
public sealed interface Statement {
    Location location();

    /**
     * {@code scope/selector.param = value}. A macro definition ({@code scope/NAME = value}) has an empty
     * {@code param} and the macro name as {@code selector}, exactly as gin's parse_binding_key splits it.
     */
    record Binding(String scope, String selector, String param, Object value, Location location)
            implements Statement {
        public boolean isMacro() {
            return param.isEmpty();
        }

        /** The key as written: {@code scope/selector.param}. */
        public String key() {
            String s = scope.isEmpty() ? selector : scope + "/" + selector;
            return param.isEmpty() ? s : s + "." + param;
        }
    }

    /** {@code scope/selector:} opening a binding block. */
    record Block(String scope, String selector, Location location) implements Statement {}

    /** {@code import a.b [as c]} or {@code from a import b [as c]} (module is then {@code a.b}). */
    record Import(String module, boolean isFrom, String alias, Location location) implements Statement {}

    /** {@code include 'path.gin'}. */
    record Include(String path, Location location) implements Statement {}
}
