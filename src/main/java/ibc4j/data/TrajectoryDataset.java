package ibc4j.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * IBC's training data, as {@code ibc/train/get_data.py} {@code get_data_fns} and {@code data/dataset.py}
 * {@code create_sequence_datasets} build it: shards from a glob, the train/eval split, per-shard windows of
 * {@code sequence_length} frames (see {@link WindowSource}), shuffled and batched into
 * {@code (observation [B, T, d] per key, newest action [B, A])} pairs.
 *
 * <p>Every shard is read and checked when the dataset is opened (specs equal, every record's CRCs and encoding),
 * so a damaged file fails here, before any batch exists; the records then stay in memory, as IBC's
 * {@code .cache()} keeps them. Streams are endless ({@code repeat()}), like IBC's.
 *
 * <p>The shuffle is seeded and reproducible ({@link ShuffleBuffer}) but not TF's order: IBC's shuffle draws from
 * TF's Philox generator (seeded only through {@code tf.random.set_seed}) after a nondeterministic parallel
 * interleave, which cannot be replayed. Normalization ({@code norm_function}) is applied elsewhere. The
 * {@code for_rnn} variant ({@code filter_episodes_rnn}) is not used by any particle config and is not provided.
 */
public final class TrajectoryDataset {
    private final ShardGlob.Split split;
    private final WindowSource train;
    private final WindowSource eval;

    private TrajectoryDataset(ShardGlob.Split split, int sequenceLength) throws IOException {
        this.split = split;
        // One spec check over train and eval together (IBC checks each split on its own; a model could not
        // train on one and evaluate on the other if they differed).
        List<Path> all = new ArrayList<>(split.train());
        all.addAll(split.eval());
        List<ShardRecords> loaded = ShardRecords.loadAll(all);
        int numTrain = split.train().size();
        this.train = new WindowSource(loaded.subList(0, numTrain), sequenceLength);
        this.eval = split.eval().isEmpty() ? null
                : new WindowSource(loaded.subList(numTrain, loaded.size()), sequenceLength);
    }

    /**
     * {@code get_data_fns(dataset_path, sequence_length, ..., dataset_eval_fraction, max_data_shards)}: the
     * comma-separated globs of {@code datasetPath} (see {@link ShardGlob}), split into train and eval shards.
     *
     * @param maxDataShards -1 for all shards, else keep the first k
     * @throws DatasetException  empty glob (named), missing spec, specs that differ, an empty shard
     * @throws TFRecordException a damaged shard: file, record index, byte offset
     */
    public static TrajectoryDataset open(String datasetPath, int sequenceLength, double evalFraction,
                                         int maxDataShards) throws IOException {
        return fromShards(ShardGlob.resolve(datasetPath), sequenceLength, evalFraction, maxDataShards);
    }

    /** As {@link #open}, from an explicit shard list (kept in the order given). */
    public static TrajectoryDataset fromShards(List<Path> shards, int sequenceLength, double evalFraction,
                                               int maxDataShards) throws IOException {
        if (sequenceLength < 1) {
            throw new IllegalArgumentException("sequence_length must be at least 1, got " + sequenceLength);
        }
        return new TrajectoryDataset(ShardGlob.split(shards, evalFraction, maxDataShards), sequenceLength);
    }

    /** The network's flat observation of one window, sorted keys, time-major ({@link ObservationLayout}). */
    public static float[] flattenObservation(Map<String, float[][]> observation) {
        return ObservationLayout.flattenObservation(observation);
    }

    public ShardGlob.Split split() {
        return split;
    }

    public int sequenceLength() {
        return train.sequenceLength();
    }

    /** Observation keys in tf.nest (sorted) order. */
    public List<String> observationKeys() {
        return train.observationKeys();
    }

    /** Flattened size of observation {@code key}, per frame. */
    public int observationSize(String key) {
        return train.shards().get(0).observationSize(key);
    }

    public int actionSize() {
        return train.shards().get(0).actionSize();
    }

    /** The unshuffled training windows, {@code load_tfrecord_dataset_sequence(train_shards, deterministic=True)}. */
    public WindowSource trainWindows() {
        return train;
    }

    /** The unshuffled eval windows; empty when {@code int(#shards * eval_fraction)} is 0. */
    public Optional<WindowSource> evalWindows() {
        return Optional.ofNullable(eval);
    }

    /**
     * The training stream {@code repeat().shuffle(replay_capacity).batch(batch_size, drop_remainder=True)}, with
     * each element's target the newest frame's action. Endless; the same seed gives the same batches.
     */
    public Iterator<Batch> trainBatches(int replayCapacity, int batchSize, long seed) {
        return batches(new ShuffleBuffer<>(train.iterator(), replayCapacity, seed), batchSize);
    }

    /** The eval stream, built like {@link #trainBatches}; empty when there are no eval shards. */
    public Optional<Iterator<Batch>> evalBatches(int replayCapacity, int batchSize, long seed) {
        return evalWindows().map(w -> batches(new ShuffleBuffer<>(w.iterator(), replayCapacity, seed), batchSize));
    }

    /** The shuffled training windows before batching (what {@code unbatch()} of the train stream yields). */
    public Iterator<SequenceWindow> shuffledTrainWindows(int replayCapacity, long seed) {
        return new ShuffleBuffer<>(train.iterator(), replayCapacity, seed);
    }

    /** {@code batch(batchSize, drop_remainder=True)}: full batches only; a short tail is never emitted. */
    public static Iterator<Batch> batches(Iterator<SequenceWindow> windows, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch_size must be at least 1, got " + batchSize);
        }
        return new Iterator<>() {
            private Batch next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    List<SequenceWindow> group = new ArrayList<>(batchSize);
                    while (group.size() < batchSize && windows.hasNext()) {
                        group.add(windows.next());
                    }
                    next = group.size() == batchSize ? new Batch(group) : null;
                }
                return next != null;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("no full batch of " + batchSize + " windows is left");
                }
                Batch b = next;
                next = null;
                return b;
            }
        };
    }
}
