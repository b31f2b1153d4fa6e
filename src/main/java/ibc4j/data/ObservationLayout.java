package ibc4j.data;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The observation vector IBC's network sees, as {@code ibc/networks/mlp_ebm.py} {@code MLPEBM.call} builds it:
 * {@code tf.concat(tf.nest.flatten(obs), axis=-1)} over the keys of the observation dict, then
 * {@code tf.reshape(obs, [batch_size, -1])}.
 *
 * <p>tf.nest visits a dict in sorted key order, and the concat is on the last axis of {@code [B, T, d_key]}, so
 * the flat layout is time-major: frame 0 of every key in sorted order, then frame 1 of every key, and so on. For
 * the particle task (T = 2, N = 2) that is {@code [pos_agent(t0), pos_first_goal(t0), pos_second_goal(t0),
 * vel_agent(t0), pos_agent(t1), ...]}, 16 floats.
 */
public final class ObservationLayout {
    private ObservationLayout() {
    }

    /**
     * One window's observation, {@code key -> [T][d_key]}, as the network's flat {@code [T * sum(d_key)]} vector.
     * Keys are taken in sorted (tf.nest) order whatever the map's own order.
     *
     * @throws IllegalArgumentException if the keys do not all have the same T, or a key's frames differ in size
     */
    public static float[] flattenObservation(Map<String, float[][]> observation) {
        SortedMap<String, float[][]> sorted = new TreeMap<>(observation);
        if (sorted.isEmpty()) {
            throw new IllegalArgumentException("an observation needs at least one key");
        }
        int t = -1;
        int width = 0;
        for (var e : sorted.entrySet()) {
            float[][] frames = e.getValue();
            if (t >= 0 && frames.length != t) {
                throw new IllegalArgumentException("observation '" + e.getKey() + "' has " + frames.length
                        + " frames, '" + sorted.firstKey() + "' has " + t);
            }
            t = frames.length;
            for (float[] f : frames) {
                if (f.length != frames[0].length) {
                    throw new IllegalArgumentException("observation '" + e.getKey() + "' has frames of sizes "
                            + frames[0].length + " and " + f.length);
                }
            }
            width += t == 0 ? 0 : frames[0].length;
        }
        float[] out = new float[t * width];
        int offset = 0;
        for (int frame = 0; frame < t; frame++) {
            for (float[][] frames : sorted.values()) {
                System.arraycopy(frames[frame], 0, out, offset, frames[frame].length);
                offset += frames[frame].length;
            }
        }
        return out;
    }

    /**
     * A batch of observations, {@code key -> [B * T * d_key]} (C-order {@code [B, T, d_key]}), as the network's
     * {@code [B, T * sum(d_key)]} matrix in C order.
     *
     * @param sizes {@code d_key} per key
     */
    public static float[] flattenBatch(Map<String, float[]> observation, Map<String, Integer> sizes, int batch,
                                       int sequenceLength) {
        SortedMap<String, float[]> sorted = new TreeMap<>(observation);
        int width = 0;
        for (var e : sorted.entrySet()) {
            Integer d = sizes.get(e.getKey());
            if (d == null || e.getValue().length != batch * sequenceLength * d) {
                throw new IllegalArgumentException("observation '" + e.getKey() + "' has " + e.getValue().length
                        + " floats, expected [" + batch + ", " + sequenceLength + ", " + d + "]");
            }
            width += d;
        }
        float[] out = new float[batch * sequenceLength * width];
        int offset = 0;
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < sequenceLength; t++) {
                for (var e : sorted.entrySet()) {
                    int d = sizes.get(e.getKey());
                    System.arraycopy(e.getValue(), (b * sequenceLength + t) * d, out, offset, d);
                    offset += d;
                }
            }
        }
        return out;
    }
}
