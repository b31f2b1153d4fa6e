package ibc4j.gin;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Complete selectors ({@code module.name}) with partial matching on component boundaries; mirrors
 * gin/selector_map.py's SelectorMap.
 *
 * <p>{@code name} and {@code mod.name} both match {@code pkg.mod.name}; {@code pkg} does not. A partial selector
 * that exactly equals a stored one matches only that one, which is how a user disambiguates.
 */
final class SelectorMap<V> {
    /** gin's SELECTOR_RE. */
    static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_]\\w*\\.)*[a-zA-Z_]\\w*");

    /** A trie over components, innermost first; {@code selector} is set where a complete selector ends. */
    private static final class Node {
        final Map<String, Node> children = new LinkedHashMap<>();
        String selector;

        int entries() {
            return children.size() + (selector == null ? 0 : 1);
        }
    }

    private final Node root = new Node();
    private final Map<String, V> values = new LinkedHashMap<>();

    void put(String completeSelector, V value) {
        if (!SELECTOR.matcher(completeSelector).matches()) {
            throw new IllegalArgumentException("Invalid selector '" + completeSelector + "'.");
        }
        Node node = root;
        String[] parts = completeSelector.split("\\.");
        for (int i = parts.length - 1; i >= 0; i--) {
            node = node.children.computeIfAbsent(parts[i], k -> new Node());
        }
        node.selector = completeSelector;
        values.put(completeSelector, value);
    }

    V get(String completeSelector) {
        return values.get(completeSelector);
    }

    Collection<V> values() {
        return Collections.unmodifiableCollection(values.values());
    }

    /** The complete selectors {@code partial} matches, in gin's (depth-first) order. */
    List<String> matching(String partial) {
        if (values.containsKey(partial)) {
            return List.of(partial);
        }
        Node node = root;
        String[] parts = partial.split("\\.", -1);
        for (int i = parts.length - 1; i >= 0 && node != null; i--) {
            node = node.children.get(parts[i]);
        }
        if (node == null) {
            return List.of();
        }
        List<String> found = new ArrayList<>();
        Deque<Node> stack = new ArrayDeque<>();
        stack.push(node);
        while (!stack.isEmpty()) {
            Node n = stack.pop();
            n.children.values().forEach(stack::push);
            if (n.selector != null) {
                found.add(n.selector);
            }
        }
        return found;
    }

    /**
     * The shortest suffix of {@code completeSelector} that matches only it; the whole selector when it is itself
     * a suffix of another one (gin's minimal_selector).
     */
    String minimalSelector(String completeSelector) {
        String[] parts = completeSelector.split("\\.");
        Node node = root;
        int start = -1; // number of trailing components from which the path no longer branches
        for (int i = 0; i < parts.length; i++) {
            if (node.entries() == 1) {
                start = start < 0 ? i : start;
            } else {
                start = -1;
            }
            node = node.children.get(parts[parts.length - 1 - i]);
        }
        if (node.entries() > 1 || start <= 0) {
            return completeSelector;
        }
        return String.join(".", List.of(parts).subList(parts.length - start, parts.length));
    }
}
