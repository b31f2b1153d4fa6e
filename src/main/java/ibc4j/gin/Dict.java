package ibc4j.gin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A Python dict literal: insertion order, keys compared with Python equality ({@code 1 == 1.0 == True}); a
 * repeated key keeps its first position and first key object and takes the last value, as {@code dict()} does.
 */
public final class Dict {
    private final List<Map.Entry<Object, Object>> entries = new ArrayList<>();

    /** Builds the dict from (key, value) pairs in source order. */
    public static Dict of(List<Map.Entry<Object, Object>> pairs) {
        Dict d = new Dict();
        for (Map.Entry<Object, Object> p : pairs) {
            d.put(p.getKey(), p.getValue());
        }
        return d;
    }

    private void put(Object key, Object value) {
        for (int i = 0; i < entries.size(); i++) {
            if (PyValues.pyEquals(entries.get(i).getKey(), key)) {
                entries.set(i, new java.util.AbstractMap.SimpleImmutableEntry<>(entries.get(i).getKey(), value));
                return;
            }
        }
        entries.add(new java.util.AbstractMap.SimpleImmutableEntry<>(key, value));
    }

    public List<Map.Entry<Object, Object>> entries() {
        return Collections.unmodifiableList(entries);
    }

    public int size() {
        return entries.size();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Dict d) || d.size() != size()) {
            return false;
        }
        outer:
        for (Map.Entry<Object, Object> e : entries) {
            for (Map.Entry<Object, Object> f : d.entries) {
                if (PyValues.pyEquals(e.getKey(), f.getKey())) {
                    if (!PyValues.pyEquals(e.getValue(), f.getValue())) {
                        return false;
                    }
                    continue outer;
                }
            }
            return false;
        }
        return true;
    }

    @Override
    public int hashCode() {
        return entries.size();
    }

    @Override
    public String toString() {
        return PyValues.repr(this);
    }
}
