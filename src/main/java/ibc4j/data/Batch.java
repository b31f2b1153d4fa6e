package ibc4j.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One training batch of IBC's {@code ibc/train/get_data.py} {@code get_data_fns}: {@code ((observation,
 * action[:, -1]), ())} after {@code .batch(batch_size, drop_remainder=True)}, with observation a dict of
 * {@code [B, T, d_key]} and the target the newest frame's action, {@code [B, A]}. Always full: B windows.
 *
 * <p>Arrays are float32 in C order. Accessors return copies; the windows it was built from are kept for
 * inspection (which shard and records each element came from).
 */
public final class Batch {
    private final List<SequenceWindow> windows;
    private final int sequenceLength;
    private final Map<String, Integer> sizes;
    private final Map<String, float[]> observation;
    private final float[] targets;
    private final int actionSize;

    /** Stacks {@code windows} (at least one, all of the same keys, T and sizes). */
    public Batch(List<SequenceWindow> windows) {
        if (windows.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one window");
        }
        this.windows = List.copyOf(windows);
        SequenceWindow w0 = windows.get(0);
        sequenceLength = w0.length();
        actionSize = w0.targetAction().length;
        int b = windows.size();
        TreeMap<String, Integer> dims = new TreeMap<>();
        TreeMap<String, float[]> obs = new TreeMap<>();
        for (String key : w0.observationKeys()) {
            int d = w0.observation(key, 0).length;
            dims.put(key, d);
            obs.put(key, new float[b * sequenceLength * d]);
        }
        targets = new float[b * actionSize];
        for (int i = 0; i < b; i++) {
            SequenceWindow w = windows.get(i);
            if (w.length() != sequenceLength || !w.observationKeys().equals(dims.keySet())
                    || w.targetAction().length != actionSize) {
                throw new IllegalArgumentException("window " + i + " (" + w + ") does not stack with window 0 ("
                        + w0 + ")");
            }
            for (var e : obs.entrySet()) {
                int end = w.copyObservation(e.getKey(), e.getValue(), i * sequenceLength * dims.get(e.getKey()));
                if (end != (i + 1) * sequenceLength * dims.get(e.getKey())) {
                    throw new IllegalArgumentException("window " + i + ": observation '" + e.getKey()
                            + "' is not " + sequenceLength + " x " + dims.get(e.getKey()));
                }
            }
            w.copyTarget(targets, i * actionSize);
        }
        sizes = Collections.unmodifiableMap(new LinkedHashMap<>(dims));
        observation = obs;
    }

    public int batchSize() {
        return windows.size();
    }

    public int sequenceLength() {
        return sequenceLength;
    }

    public int actionSize() {
        return actionSize;
    }

    /** {@code d_key} by key, in sorted (tf.nest) order. */
    public Map<String, Integer> observationSizes() {
        return sizes;
    }

    /** The windows stacked here, in batch order. */
    public List<SequenceWindow> windows() {
        return windows;
    }

    /** Observation {@code key} as C-order {@code [B, T, d]} floats. */
    public float[] observation(String key) {
        float[] v = observation.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no observation '" + key + "'; there are " + sizes.keySet());
        }
        return v.clone();
    }

    /** Observation {@code key} as a float32 INDArray {@code [B, T, d]}. */
    public INDArray observationArray(String key) {
        return Nd4j.create(observation(key), new long[] {batchSize(), sequenceLength, sizes.get(key)}, 'c');
    }

    /** The targets, the newest frame's action of each window, C-order {@code [B, A]}. */
    public float[] targets() {
        return targets.clone();
    }

    /** The targets as a float32 INDArray {@code [B, A]}. */
    public INDArray targetArray() {
        return Nd4j.create(targets(), new long[] {batchSize(), actionSize}, 'c');
    }

    /** The network's flat observation, {@code [B, T * sum(d)]} in C order (see {@link ObservationLayout}). */
    public float[] flatObservation() {
        return ObservationLayout.flattenBatch(observation, sizes, batchSize(), sequenceLength);
    }

    /** {@link #flatObservation()} as a float32 INDArray {@code [B, T * sum(d)]}. */
    public INDArray flatObservationArray() {
        int width = sizes.values().stream().mapToInt(Integer::intValue).sum() * sequenceLength;
        return Nd4j.create(flatObservation(), new long[] {batchSize(), width}, 'c');
    }
}
