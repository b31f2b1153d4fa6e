package ibc4j.gin;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Visits every value nested in a gin value (list and tuple items, dict keys and values); mirrors
 * gin/config.py's _iterate_flattened_values, which finalize hooks use to find references and macros.
 */
final class GinValueWalker {
    private GinValueWalker() {}

    /** Calls {@code visit} on {@code value} and on everything inside it, outermost first. */
    static void forEach(Object value, Consumer<Object> visit) {
        visit.accept(value);
        if (value instanceof List<?> l) {
            l.forEach(v -> forEach(v, visit));
        } else if (value instanceof Tuple t) {
            t.items().forEach(v -> forEach(v, visit));
        } else if (value instanceof Dict d) {
            for (Map.Entry<Object, Object> e : d.entries()) {
                forEach(e.getKey(), visit);
                forEach(e.getValue(), visit);
            }
        }
    }

    static boolean containsReference(Object value) {
        boolean[] found = {false};
        forEach(value, v -> found[0] |= v instanceof ConfigurableReference || v instanceof MacroReference);
        return found[0];
    }
}
