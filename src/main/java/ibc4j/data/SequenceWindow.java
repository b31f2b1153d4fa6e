package ibc4j.data;

import java.util.Arrays;
import java.util.Collections;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One element of IBC's {@code data/dataset.py} {@code load_tfrecord_dataset_sequence}: T adjacent records of one
 * shard after {@code filter_episodes}, the form {@code ibc/train/get_data.py} turns into
 * {@code (observation, action[-1])}.
 *
 * @param shard       index of the shard in the dataset's (train or eval) shard list
 * @param records     the source record of each frame, oldest first; repeated at a padded episode start
 * @param stepTypes   step type of each frame (padded copies are FIRST)
 * @param observation each key's frames {@code [T][d]}, keys sorted as tf.nest sorts them
 * @param actions     each frame's action {@code [T][A]}
 */
public record SequenceWindow(int shard, int[] records, int[] stepTypes, SortedMap<String, float[][]> observation,
                             float[][] actions) {
    public SequenceWindow {
        records = records.clone();
        stepTypes = stepTypes.clone();
        TreeMap<String, float[][]> obs = new TreeMap<>();
        observation.forEach((k, v) -> obs.put(k, deepCopy(v)));
        observation = Collections.unmodifiableSortedMap(obs);
        actions = deepCopy(actions);
    }

    /** T, the sequence length. */
    public int length() {
        return records.length;
    }

    /** The training target of {@code get_data_fns}: the newest frame's action, {@code action[:, -1]}. */
    public float[] targetAction() {
        return actions[actions.length - 1].clone();
    }

    @Override
    public int[] records() {
        return records.clone();
    }

    @Override
    public int[] stepTypes() {
        return stepTypes.clone();
    }

    /** A copy of each key's {@code [T][d]} frames. */
    @Override
    public SortedMap<String, float[][]> observation() {
        TreeMap<String, float[][]> copy = new TreeMap<>();
        observation.forEach((k, v) -> copy.put(k, deepCopy(v)));
        return copy;
    }

    /** The observation keys, sorted (tf.nest order). */
    public Set<String> observationKeys() {
        return observation.keySet();
    }

    /** Frame {@code t} of observation {@code key} (a copy). */
    public float[] observation(String key, int t) {
        float[][] v = observation.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no observation '" + key + "'; there are " + observation.keySet());
        }
        return v[t].clone();
    }

    @Override
    public float[][] actions() {
        return deepCopy(actions);
    }

    /** Copies frame data into {@code dst} at {@code offset} without allocating: key {@code key}, [T*d]. */
    int copyObservation(String key, float[] dst, int offset) {
        for (float[] frame : observation.get(key)) {
            System.arraycopy(frame, 0, dst, offset, frame.length);
            offset += frame.length;
        }
        return offset;
    }

    /** Copies the newest frame's action into {@code dst} at {@code offset}. */
    void copyTarget(float[] dst, int offset) {
        float[] a = actions[actions.length - 1];
        System.arraycopy(a, 0, dst, offset, a.length);
    }

    private static float[][] deepCopy(float[][] a) {
        float[][] c = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SequenceWindow w && shard == w.shard && Arrays.equals(records, w.records)
                && Arrays.equals(stepTypes, w.stepTypes) && Arrays.deepEquals(actions, w.actions)
                && observation.keySet().equals(w.observation.keySet()) && observation.entrySet().stream()
                .allMatch(e -> Arrays.deepEquals(e.getValue(), w.observation.get(e.getKey())));
    }

    @Override
    public int hashCode() {
        int h = 31 * shard + Arrays.hashCode(records);
        return 31 * h + Arrays.hashCode(stepTypes);
    }

    @Override
    public String toString() {
        return "SequenceWindow(shard=" + shard + ", records=" + Arrays.toString(records) + ", step_types="
                + Arrays.toString(stepTypes) + ")";
    }
}
