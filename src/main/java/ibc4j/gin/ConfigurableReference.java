package ibc4j.gin;

/**
 * {@code @name} (the configurable itself) or {@code @name()} (the result of calling it, evaluated anew at every
 * use). {@code name} is as written, scopes included: {@code scope/module.Name}.
 */
public record ConfigurableReference(String name, boolean evaluate, Location location) {
    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigurableReference r && r.name.equals(name) && r.evaluate == evaluate;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + (evaluate ? 1 : 0);
    }

    @Override
    public String toString() {
        return "@" + name + (evaluate ? "()" : "");
    }
}
