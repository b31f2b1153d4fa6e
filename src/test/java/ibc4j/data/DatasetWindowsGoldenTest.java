package ibc4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ibc4j.parity.Golden;
import ibc4j.parity.GoldenManifest;
import ibc4j.parity.TensorResult;
import ibc4j.parity.checks.DatasetWindowsCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The {@code dataset_windows} goldens: windows of the particle shards that IBC's collection code wrote
 * ({@code tfrecord_dataset}), as {@code load_tfrecord_dataset_sequence(deterministic=True)} and
 * {@code get_data_fns} gave them in TF. Golden dir from {@code -Dibc4j.golden=DIR} (default {@code golden});
 * skipped when it has no manifest or no dataset_windows entry.
 */
class DatasetWindowsGoldenTest {
    private static final Path GOLDEN = Path.of(System.getProperty("ibc4j.golden", "golden"));

    private static Golden golden(String caseName) {
        assumeTrue(Files.isRegularFile(GOLDEN.resolve("manifest.json")), "no golden manifest at " + GOLDEN);
        GoldenManifest m = GoldenManifest.load(GOLDEN);
        assumeTrue(m.entries().stream().anyMatch(e -> e.component().equals("dataset_windows")
                && e.caseName().equals(caseName)), "no dataset_windows/" + caseName + " in " + GOLDEN);
        return m.golden("dataset_windows", caseName);
    }

    @ParameterizedTest
    @ValueSource(strings = {"particle2d", "small3d"})
    void everyWindowMatchesTensorFlowBitForBit(String caseName) throws Exception {
        List<TensorResult> results = new DatasetWindowsCheck().run(golden(caseName));
        assertEquals(8, results.size()); // record_index, step_type, 4 obs keys, actions, target_action
        String failures = results.stream().filter(r -> !r.pass()).map(TensorResult::text)
                .collect(Collectors.joining("\n"));
        assertTrue(failures.isEmpty(), failures);
    }

    @ParameterizedTest
    @ValueSource(strings = {"particle2d", "small3d"})
    void episodeStartsWrapAndUnshuffledBatchTargets(String caseName) throws Exception {
        Golden g = golden(caseName);
        Path shard = g.manifest().golden("tfrecord_dataset", caseName).file("tfrecord");
        TrajectoryDataset data = TrajectoryDataset.fromShards(List.of(shard), 2, 0.0, -1);
        int records = g.intParam("num_records");
        assertEquals(records, data.trainWindows().shards().get(0).size());
        assertEquals(0, records % 51);
        // 51 records per episode (the LAST->FIRST record included): window 51k-1 is (LAST, FIRST) -> [FIRST, FIRST]
        @SuppressWarnings("unchecked")
        List<Integer> boundaries = (List<Integer>) g.param("boundary_windows");
        for (int w : boundaries) {
            int first = (w + 1) % records;
            assertArrayEquals(new int[] {first, first}, data.trainWindows().get(w).records(), "window " + w);
            assertArrayEquals(new int[] {0, 0}, data.trainWindows().get(w).stepTypes(), "window " + w);
        }
        // get_data_fns with replay_capacity 1 (no shuffle): batch targets are the golden's target_action rows
        INDArray expected = g.tensor("target_action");
        int count = g.intParam("num_windows");
        Iterator<Batch> batches = data.trainBatches(1, 1, 0);
        for (int i = 0; i < count; i++) {
            assertArrayEquals(expected.getRow(i).toFloatVector(), batches.next().targets(), "window " + i);
        }
    }

    /**
     * {@code obs_flatten}: its raw observations are the first B windows of the same unshuffled stream, and
     * MLPEBM's flatten of its normalized observations is {@code obs_flat}; the layout alone is checked here.
     */
    @ParameterizedTest
    @ValueSource(strings = {"particle2d", "small3d"})
    void obsFlattenLayoutAndRawWindows(String caseName) throws Exception {
        Golden windows = golden(caseName);
        assumeTrue(windows.manifest().entries().stream().anyMatch(e -> e.component().equals("obs_flatten")));
        Golden g = windows.manifest().golden("obs_flatten", caseName);
        Path shard = g.manifest().golden("tfrecord_dataset", caseName).file("tfrecord");
        TrajectoryDataset data = TrajectoryDataset.fromShards(List.of(shard), g.intParam("sequence_length"), 0.0, -1);
        int b = g.intParam("batch");
        Batch batch = data.trainBatches(1, b, 0).next();
        java.util.Map<String, float[]> norm = new java.util.TreeMap<>();
        for (String key : data.observationKeys()) {
            assertArrayEquals(g.tensor("raw_obs_" + key).data().asFloat(), batch.observation(key), key);
            norm.put(key, g.tensor("norm_obs_" + key).data().asFloat());
        }
        float[] flat = ObservationLayout.flattenBatch(norm, batch.observationSizes(), b, batch.sequenceLength());
        assertArrayEquals(g.tensor("obs_flat").data().asFloat(), flat);
        assertEquals(g.intParam("obs_dim"), batch.flatObservationArray().size(1));
    }
}
