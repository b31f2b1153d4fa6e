package ibc4j.agents;

import ibc4j.data.ObservationLayout;
import ibc4j.normalizers.Normalizers;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Observation dicts as IBC's agent and policy handle them: per-key normalization ({@code StdNormalizationLayer}
 * in a NestMap, ibc/train/stats.py), the flatten of {@code MLPEBM.call} (networks/mlp_ebm.py) and tf-agents'
 * {@code nest_utils.tile_batch}.
 *
 * <p>Flatten ({@link ObservationLayout}'s layout, on INDArrays): {@code tf.nest.flatten(obs)} visits dict keys in sorted order, the per-key {@code [B, T, d_k]}
 * tensors are concatenated on the last axis and reshaped to {@code [B, T·Σd_k]}, so the layout is time-major:
 * every key of frame 0, then every key of frame 1. Particle: pos_agent, pos_first_goal, pos_second_goal, vel_agent.
 */
public final class Observations {
    private Observations() {}

    /** {@code [B, T·Σd_k]} from per-key {@code [B, T, d_k]} (float32, sorted keys, time-major). */
    public static INDArray flatten(Map<String, INDArray> observations) {
        SortedMap<String, INDArray> sorted = new TreeMap<>(observations);
        if (sorted.isEmpty()) {
            throw new IllegalArgumentException("observations: empty dict");
        }
        INDArray first = sorted.get(sorted.firstKey());
        if (first.rank() != 3) {
            throw new IllegalArgumentException("observations['" + sorted.firstKey() + "']: expected [B, T, d], got "
                    + java.util.Arrays.toString(first.shape()));
        }
        long b = first.size(0);
        long t = first.size(1);
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, Integer> sizes = new LinkedHashMap<>();
        int width = 0;
        for (Map.Entry<String, INDArray> e : sorted.entrySet()) {
            INDArray v = e.getValue();
            if (v.rank() != 3 || v.size(0) != b || v.size(1) != t) {
                throw new IllegalArgumentException("observations['" + e.getKey() + "']: expected [" + b + ", " + t
                        + ", d], got " + java.util.Arrays.toString(v.shape()));
            }
            values.put(e.getKey(), v.castTo(DataType.FLOAT).dup('c').data().asFloat());
            sizes.put(e.getKey(), (int) v.size(2));
            width += (int) v.size(2);
        }
        float[] flat = ObservationLayout.flattenBatch(values, sizes, (int) b, (int) t);
        return Nd4j.create(flat, new long[] {b, t * width}, 'c');
    }

    /**
     * {@code StdNormalizationLayer} per key: {@code (x − mean) / max(std, EPS)} in float32, the key's {@code [d]}
     * statistics broadcast over B and T. Keys without a normalizer are an error (IBC's NestMap needs one per key).
     */
    public static Map<String, INDArray> normalize(Map<String, INDArray> observations,
                                                  Map<String, Normalizers.Std> normalizers) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : observations.entrySet()) {
            Normalizers.Std n = normalizers.get(e.getKey());
            if (n == null) {
                throw new IllegalArgumentException("no normalizer for observation key '" + e.getKey() + "'; have "
                        + normalizers.keySet());
            }
            INDArray v = e.getValue();
            if (v.size(v.rank() - 1) != n.mean().length) {
                throw new IllegalArgumentException("observations['" + e.getKey() + "']: last axis " + v.size(v.rank() - 1)
                        + ", normalizer has " + n.mean().length);
            }
            float[] x = v.castTo(DataType.FLOAT).dup('c').data().asFloat();
            out.put(e.getKey(), Nd4j.create(n.normalize(x), v.shape(), 'c'));
        }
        return out;
    }

    /**
     * The observation path of IBC's policies: {@code obs_norm_layer} (a {@code Map<String, Normalizers.Std>} per
     * key as IBC's NestMap, a single {@code Normalizers.Std} on the flattened values, or null for none), then the
     * networks' flatten, {@code [B, T·Σd_k]}.
     */
    @SuppressWarnings("unchecked")
    public static INDArray normalizeAndFlatten(Map<String, INDArray> observations, Object obsNormLayer) {
        if (obsNormLayer instanceof Map<?, ?> perKey) {
            return flatten(normalize(observations, (Map<String, Normalizers.Std>) perKey));
        }
        INDArray flat = flatten(observations);
        if (obsNormLayer instanceof Normalizers.Std std) {
            return Nd4j.create(std.normalize(flat.dup('c').data().asFloat()), flat.shape(), 'c');
        }
        if (obsNormLayer != null) {
            throw new IllegalArgumentException("obs_norm_layer: expected a Map<String, Normalizers.Std>, a "
                    + "Normalizers.Std or None, got " + obsNormLayer.getClass().getName());
        }
        return flat;
    }

    /** {@code nest_utils.tile_batch(x, n)}: each row repeated n times consecutively, {@code [B, ...] → [B·n, ...]}. */
    public static INDArray tile(INDArray x, int n) {
        long b = x.size(0);
        long[] shape = x.shape().clone();
        shape[0] = b * n;
        INDArray rows = x.reshape(b, x.length() / b);
        int cols = (int) (x.length() / b);
        // Row copies between the off-heap buffers in Java, for every data type: a getRow/assign pair per output row
        // costs two native calls each (seconds for IBC's 512 × 257 training rows), and ND4J's repeat(0, n) took
        // 60–280 ms for them.
        ByteBuffer in = rows.dup('c').data().asNio();
        INDArray out = Nd4j.create(x.dataType(), new long[] {b * n, cols}, 'c');
        ByteBuffer dst = out.data().asNio();
        int rowBytes = cols * x.dataType().width();
        for (int r = 0; r < b; r++) {
            for (int j = 0; j < n; j++) {
                dst.put((r * n + j) * rowBytes, in, r * rowBytes, rowBytes);
            }
        }
        return out.reshape(shape);
    }

    /** {@link #tile} of every key. */
    public static Map<String, INDArray> tile(Map<String, INDArray> observations, int n) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        observations.forEach((k, v) -> out.put(k, tile(v, n)));
        return out;
    }
}
