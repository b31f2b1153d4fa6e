package ibc4j.gin;

import java.util.List;

/** A Python tuple: {@code (1, 2)}, {@code (1,)} or {@code ()}. Lists are plain {@link java.util.List}s. */
public record Tuple(List<Object> items) {
    public Tuple {
        items = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(items));
    }
}
