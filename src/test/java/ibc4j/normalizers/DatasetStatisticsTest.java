package ibc4j.normalizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ibc4j.data.TrajectoryDataset;
import ibc4j.parity.Golden;
import ibc4j.parity.GoldenManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link DatasetStatistics} end to end from a TFRecord, as IBC's get_normalizers does it: IBC's own particle
 * file (from the goldens) windowed in file order (replay_capacity 1, as the exporter ran it) must give IBC's
 * statistics exactly, since the same float32 operations run in the same order.
 */
class DatasetStatisticsTest {
    private static final Path GOLDEN = Path.of(System.getProperty("ibc4j.golden", "golden"));

    @Test
    void ibcsFileGivesIbcsStatistics() throws Exception {
        assumeTrue(Files.exists(GOLDEN.resolve("manifest.json")));
        GoldenManifest m = GoldenManifest.load(GOLDEN);
        for (String c : List.of("particle2d", "small3d")) {
            Golden data = m.golden("tfrecord_dataset", c);
            Golden stats = m.golden("normalizer_stats", c);
            TrajectoryDataset ds = TrajectoryDataset.fromShards(List.of(data.file("tfrecord")), 2, 0.0, -1);
            DatasetStatistics s = DatasetStatistics.compute(ds.trainWindows().iterator(),
                    stats.intParam("num_samples"));
            for (String key : s.observation().keySet()) {
                assertArrayEquals(stats.tensor("mean_" + key).toFloatVector(), s.observation().get(key).mean(), 0f,
                        c + " mean_" + key);
                assertArrayEquals(stats.tensor("std_" + key).toFloatVector(), s.observation().get(key).std(), 0f,
                        c + " std_" + key);
            }
            assertArrayEquals(stats.tensor("action_min").toFloatVector(), s.actionMinMax().min(), 0f);
            assertArrayEquals(stats.tensor("action_max").toFloatVector(), s.actionMinMax().max(), 0f);
        }
    }

    @Test
    void refusesTooFewSamples() throws Exception {
        assumeTrue(Files.exists(GOLDEN.resolve("manifest.json")));
        Golden data = GoldenManifest.load(GOLDEN).golden("tfrecord_dataset", "particle2d");
        TrajectoryDataset ds = TrajectoryDataset.fromShards(List.of(data.file("tfrecord")), 2, 0.0, -1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DatasetStatistics.compute(ds.trainWindows().iterator(), 2));
        assertEquals("compute_dataset_statistics: needs more than 2 samples, the dataset gave 2", e.getMessage());
    }

    /** nested_obs=False with a dict observation (the particle task's 4 keys) is refused, as stats.py refuses it. */
    @Test
    void flatStatisticsOfADictObservationAreRefusedAsIbcDoes() throws Exception {
        assumeTrue(Files.exists(GOLDEN.resolve("manifest.json")));
        Golden data = GoldenManifest.load(GOLDEN).golden("tfrecord_dataset", "particle2d");
        TrajectoryDataset ds = TrajectoryDataset.fromShards(List.of(data.file("tfrecord")), 2, 0.0, -1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GetNormalizers.computeDatasetStatistics(ds.trainWindows().iterator(), 50, false, false, true,
                        false));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("found 4 observations")
                && e.getMessage().contains("make sure you set `nested=True` or you flatten them"), e.getMessage());
    }
}
