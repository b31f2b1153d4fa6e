package ibc4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Every record of one shard, decoded and held in memory: the {@code TFRecordDataset(shard).cache()} of IBC's
 * {@code data/dataset.py} {@code load_tfrecord_dataset_sequence}, with the {@code .spec} checks it makes first.
 *
 * <p>Loading is all-or-nothing: a damaged record fails the whole shard (a {@link TFRecordException} naming file,
 * record and offset), so no window or batch is ever built from a partly read shard.
 */
public final class ShardRecords {
    private final Path path;
    private final int[] stepTypes;
    private final SortedMap<String, float[][]> observation;
    private final float[][] actions;

    private ShardRecords(Path path, List<TrajectoryStep> steps) {
        this.path = path;
        int n = steps.size();
        stepTypes = new int[n];
        actions = new float[n][];
        TreeMap<String, float[][]> obs = new TreeMap<>();
        for (String key : steps.get(0).observation().keySet()) {
            obs.put(key, new float[n][]);
        }
        for (int i = 0; i < n; i++) {
            TrajectoryStep s = steps.get(i);
            stepTypes[i] = s.stepType();
            actions[i] = s.action();
            for (var e : obs.entrySet()) {
                e.getValue()[i] = s.observation(e.getKey());
            }
        }
        observation = Collections.unmodifiableSortedMap(obs);
    }

    /** Records of {@code path} as given (e.g. from another source than a file); at least one. */
    public static ShardRecords of(Path path, List<TrajectoryStep> steps) throws DatasetException {
        if (steps.isEmpty()) {
            throw new DatasetException(path + ": the shard has no records; IBC would silently skip it (and"
                    + " refill its interleave slot with another shard), so an empty file is refused here");
        }
        return new ShardRecords(path, steps);
    }

    /**
     * Loads the shards in order, after checking that every {@code .spec} sidecar equals the first shard's, as
     * {@code load_tfrecord_dataset_sequence} does before reading any record.
     *
     * @throws DatasetException  for a missing shard or spec, differing specs, or an empty shard
     * @throws TFRecordException for damaged framing (file, record index, byte offset)
     * @throws IOException       naming file, record and offset for a record that does not match the spec
     */
    public static List<ShardRecords> loadAll(List<Path> shards) throws IOException {
        if (shards.isEmpty()) {
            throw new DatasetException("No data found: no shards given");
        }
        SpecNode first = null;
        for (Path shard : shards) {
            if (!Files.isRegularFile(shard)) {
                throw new DatasetException("shard " + shard + " does not exist or is not a regular file");
            }
            SpecNode spec = readSpec(shard);
            if (first == null) {
                first = spec;
            } else if (!spec.equals(first)) {
                throw new DatasetException("One or more of the encoding specs do not match: "
                        + SpecFile.specPathFor(shard) + " differs from " + SpecFile.specPathFor(shards.get(0))
                        + " (" + difference(first, spec) + ")");
            }
        }
        List<ShardRecords> out = new ArrayList<>();
        for (Path shard : shards) {
            out.add(of(shard, TrajectoryCodec.readAll(shard)));
        }
        return out;
    }

    /** Where two specs first differ, for people. */
    static String difference(SpecNode a, SpecNode b) {
        List<SpecNode.Leaf> la = a.flatten();
        List<SpecNode.Leaf> lb = b.flatten();
        List<String> pa = la.stream().map(SpecNode.Leaf::path).toList();
        List<String> pb = lb.stream().map(SpecNode.Leaf::path).toList();
        if (!pa.equals(pb)) {
            return "features " + pa + " vs " + pb;
        }
        for (int i = 0; i < la.size(); i++) {
            if (!la.get(i).spec().equals(lb.get(i).spec())) {
                return "'" + pa.get(i) + "' is " + la.get(i).spec() + " vs " + lb.get(i).spec();
            }
        }
        return "same features, different nesting or container names";
    }

    private static SpecNode readSpec(Path shard) throws IOException {
        Path specPath = SpecFile.specPathFor(shard);
        try {
            return SpecFile.read(specPath);
        } catch (NoSuchFileException e) {
            String what = e.getFile() != null && e.getFile().equals(specPath.toString()) ? "its spec sidecar "
                    + specPath + " (tf-agents' TFRecordObserver writes one beside every dataset file)" : e.getFile();
            throw new DatasetException("shard " + shard + ": missing " + what, e);
        }
    }

    public Path path() {
        return path;
    }

    public int size() {
        return stepTypes.length;
    }

    public int stepType(int record) {
        return stepTypes[record];
    }

    /** Observation keys in tf.nest (sorted) order; {@link TrajectoryStep#WHOLE_OBSERVATION} for a single array. */
    public List<String> observationKeys() {
        return List.copyOf(observation.keySet());
    }

    /** The observation array {@code key} of {@code record}; shared, do not modify. */
    float[] observation(String key, int record) {
        return observation.get(key)[record];
    }

    /** The action of {@code record}; shared, do not modify. */
    float[] action(int record) {
        return actions[record];
    }

    /** Length of observation {@code key}'s flattened array. */
    public int observationSize(String key) {
        return observation.get(key)[0].length;
    }

    public int actionSize() {
        return actions[0].length;
    }
}
