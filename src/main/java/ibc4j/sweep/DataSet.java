package ibc4j.sweep;

import java.io.Serializable;
import java.util.List;

/**
 * Oracle data that points of a sweep share: collected once into {@code <sweep root>/data/<key>} with the env
 * bindings of the grid ({@code ParticleEnv.*}), whatever the method and seed.
 *
 * @param key      the directory name under {@code data/}
 * @param bindings the grid's env bindings that made it
 */
public record DataSet(String key, List<String> bindings) implements Serializable {
    public DataSet {
        bindings = List.copyOf(bindings);
    }
}
