package ibc4j.data;

import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;

/**
 * The window stream of IBC's {@code data/dataset.py} {@code load_tfrecord_dataset_sequence(shards, seq_len,
 * deterministic=True)}: per shard, {@code TFRecordDataset(shard).cache().repeat().window(T, shift=1, stride=1,
 * drop_remainder=True)}, shards interleaved round-robin one window at a time, each window passed through
 * {@link EpisodeFilter}.
 *
 * <p>Because {@code repeat} comes before {@code window}, a shard's k-th window holds records
 * {@code (k + j) mod n}, j = 0..T-1: windows wrap from the shard's end back to its start (where the wrapped
 * window {@code (n-1, 0)} becomes {@code [0, 0]} by the FIRST-frame padding), and never mix shards. Element i of
 * the stream is window {@code i / S} of shard {@code i mod S} (S shards). IBC trains with
 * {@code deterministic=False}, which interleaves the same per-shard streams in a scheduling-dependent order; the
 * shuffle that follows makes that difference immaterial, and this class always gives the deterministic order.
 */
public final class WindowSource implements Iterable<SequenceWindow> {
    private final List<ShardRecords> shards;
    private final int sequenceLength;

    /** @param shards at least one, all with the same observation keys and action size (same spec) */
    public WindowSource(List<ShardRecords> shards, int sequenceLength) {
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("a window source needs at least one shard");
        }
        if (sequenceLength < 1) {
            throw new IllegalArgumentException("sequence_length must be at least 1, got " + sequenceLength);
        }
        this.shards = List.copyOf(shards);
        this.sequenceLength = sequenceLength;
    }

    public int sequenceLength() {
        return sequenceLength;
    }

    public List<ShardRecords> shards() {
        return shards;
    }

    /** Observation keys, sorted (tf.nest order). */
    public List<String> observationKeys() {
        return shards.get(0).observationKeys();
    }

    /** Element {@code i} (0-based) of the round-robin stream. */
    public SequenceWindow get(long i) {
        int s = (int) (i % shards.size());
        return window(s, i / shards.size());
    }

    /** The {@code k}-th window of shard {@code s}: records {@code (k + j) mod n}, then the FIRST-frame padding. */
    public SequenceWindow window(int s, long k) {
        ShardRecords shard = shards.get(s);
        int n = shard.size();
        int[] raw = new int[sequenceLength];
        int[] rawTypes = new int[sequenceLength];
        for (int j = 0; j < sequenceLength; j++) {
            raw[j] = (int) ((k + j) % n);
            rawTypes[j] = shard.stepType(raw[j]);
        }
        int[] gather = EpisodeFilter.gatherIndices(rawTypes);
        int[] records = new int[sequenceLength];
        int[] types = new int[sequenceLength];
        float[][] actions = new float[sequenceLength][];
        TreeMap<String, float[][]> obs = new TreeMap<>();
        for (String key : shard.observationKeys()) {
            obs.put(key, new float[sequenceLength][]);
        }
        for (int j = 0; j < sequenceLength; j++) {
            int r = raw[gather[j]];
            records[j] = r;
            types[j] = rawTypes[gather[j]];
            actions[j] = shard.action(r);
            for (var e : obs.entrySet()) {
                e.getValue()[j] = shard.observation(e.getKey(), r);
            }
        }
        return new SequenceWindow(s, records, types, obs, actions);
    }

    /** The endless stream from element 0. */
    @Override
    public Iterator<SequenceWindow> iterator() {
        return new Iterator<>() {
            private long next;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public SequenceWindow next() {
                return get(next++);
            }
        };
    }
}
