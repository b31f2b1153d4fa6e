package ibc4j.sweep;

import java.io.Serializable;
import java.util.List;

/**
 * One point of a sweep: a value of every grid axis and a seed, trained in {@code <sweep root>/runs/<id>}.
 *
 * @param id       the run dir's name: {@code NAME=VALUE__...__seed=S}, made path-safe
 * @param bindings the grid's gin bindings of this point ({@code NAME=VALUE}), in axis order
 * @param seed     bound as {@code train_eval.seed}
 * @param dataKey  the data set this point trains on when the sweep collects it ({@code data/<key>}); null when the
 *                 config names its own {@code train_eval.dataset_path}
 */
public record SweepPoint(String id, List<String> bindings, int seed, String dataKey) implements Serializable {
    public SweepPoint {
        bindings = List.copyOf(bindings);
    }

    /** The value this point gives gin parameter {@code param}, as gin text; null when it is not a grid axis. */
    public String value(String param) {
        for (String b : bindings) {
            if (b.startsWith(param + "=")) {
                return b.substring(param.length() + 1);
            }
        }
        return null;
    }

    /** A file-name-safe form of a binding: letters, digits and {@code . _ = + -} kept, anything else {@code _}. */
    static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9._=+-]", "_");
    }
}
