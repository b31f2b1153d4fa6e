package ibc4j.gin;

/** {@code %NAME} or {@code %scope/NAME}: looked up when used, so the last binding of the macro wins. */
public record MacroReference(String name, Location location) {
    @Override
    public boolean equals(Object o) {
        return o instanceof MacroReference m && m.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return "%" + name;
    }
}
