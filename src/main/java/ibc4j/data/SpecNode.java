package ibc4j.data;

import ibc4j.gin.Dict;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A nested data spec, the shapes {@code tf.nest} walks: a {@link TensorSpec} leaf, a dict, a tuple or list,
 * or a namedtuple (such as tf-agents' {@code Trajectory}). {@link #flatten()} follows
 * {@code nest_utils.flatten_with_joined_paths}, which fixes both the order and the feature names of an Example.
 */
public sealed interface SpecNode permits TensorSpec, SpecNode.Dict, SpecNode.Sequence, SpecNode.NamedTuple {

    /** A Python dict keyed by str; tf.nest visits it in sorted key order, so it is kept sorted. */
    record Dict(SortedMap<String, SpecNode> fields) implements SpecNode {
        public Dict {
            fields = Collections.unmodifiableSortedMap(new TreeMap<>(fields));
        }
    }

    /** A Python tuple ({@code isList} false) or list; {@code ()} is how tf-agents spells "no policy_info". */
    record Sequence(List<SpecNode> items, boolean isList) implements SpecNode {
        public Sequence {
            items = List.copyOf(items);
        }
    }

    /** A namedtuple: its class name and its fields in declaration order (the order tf.nest visits). */
    record NamedTuple(String typeName, Map<String, SpecNode> fields) implements SpecNode {
        public NamedTuple {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }

        /** The field {@code name}, or an error listing the fields there are. */
        public SpecNode field(String name) {
            SpecNode f = fields.get(name);
            if (f == null) {
                throw new IllegalArgumentException(typeName + " has no field '" + name + "'; it has " + fields.keySet());
            }
            return f;
        }
    }

    /** One leaf with its joined path: the tf.Example feature key tf-agents writes it under. */
    record Leaf(String path, TensorSpec spec) {
    }

    /** The empty tuple {@code ()}. */
    static Sequence emptyTuple() {
        return new Sequence(List.of(), false);
    }

    /**
     * Leaves in tf.nest order with their {@code '/'}-joined paths: dict keys, namedtuple field names and
     * sequence indices. Empty containers contribute nothing; a bare top-level TensorSpec has path "".
     */
    default List<Leaf> flatten() {
        List<Leaf> out = new ArrayList<>();
        flattenInto(this, "", out);
        return out;
    }

    private static void flattenInto(SpecNode node, String path, List<Leaf> out) {
        if (node instanceof TensorSpec s) {
            out.add(new Leaf(path, s));
        } else if (node instanceof Dict d) {
            d.fields().forEach((k, v) -> flattenInto(v, join(path, k), out));
        } else if (node instanceof NamedTuple t) {
            t.fields().forEach((k, v) -> flattenInto(v, join(path, k), out));
        } else {
            List<SpecNode> items = ((Sequence) node).items();
            for (int i = 0; i < items.size(); i++) {
                flattenInto(items.get(i), join(path, Integer.toString(i)), out);
            }
        }
    }

    private static String join(String prefix, String key) {
        return prefix.isEmpty() ? key : prefix + "/" + key;
    }
}
