package ibc4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Windows exactly as IBC's {@code data/dataset.py} makes them: wrap-around at each shard's end, FIRST-frame
 * padding at episode starts, round-robin over shards, target = newest frame's action.
 *
 * <p>Expected values were produced by running IBC's own pipeline (google-research/ibc db89ddb, TF 2.15.1,
 * tf-agents 0.19.0) with {@code src/test/scripts/dataset_windows_reference.py}: on copies of the
 * {@link SyntheticShards} files that {@code SyntheticShards.writeInterop()} leaves in target/dataset-interop/
 * (commands in each test), and on IBC's kitchen test file.
 */
class TrajectoryDatasetTest {
    @TempDir
    Path tmp;

    /** {@code --seq_len 2 --num 15 --targets target/dataset-interop/synthetic_a.tfrecord}. */
    private static final int[][] IBC_A_T2 = {
        {0, 1}, {1, 2}, {2, 3}, {4, 4}, {4, 5}, {5, 6}, {0, 0},
        {0, 1}, {1, 2}, {2, 3}, {4, 4}, {4, 5}, {5, 6}, {0, 0}, {0, 1}};

    /** {@code --seq_len 3 --num 15 --targets target/dataset-interop/synthetic_a.tfrecord}. */
    private static final int[][] IBC_A_T3 = {
        {0, 1, 2}, {1, 2, 3}, {4, 4, 4}, {4, 4, 5}, {4, 5, 6}, {0, 0, 0}, {0, 0, 1},
        {0, 1, 2}, {1, 2, 3}, {4, 4, 4}, {4, 4, 5}, {4, 5, 6}, {0, 0, 0}, {0, 0, 1}, {0, 1, 2}};

    /** {@code --seq_len 2 --num 16 synthetic_a.tfrecord synthetic_b.tfrecord}: {shard, records...}. */
    private static final int[][] IBC_AB_T2 = {
        {0, 0, 1}, {1, 0, 1}, {0, 1, 2}, {1, 1, 2}, {0, 2, 3}, {1, 0, 0}, {0, 4, 4}, {1, 0, 1},
        {0, 4, 5}, {1, 1, 2}, {0, 5, 6}, {1, 0, 0}, {0, 0, 0}, {1, 0, 1}, {0, 0, 1}, {1, 1, 2}};

    /** {@code --seq_len 3 --num 16 synthetic_a.tfrecord synthetic_b.tfrecord}: {shard, records...}. */
    private static final int[][] IBC_AB_T3 = {
        {0, 0, 1, 2}, {1, 0, 1, 2}, {0, 1, 2, 3}, {1, 0, 0, 0}, {0, 4, 4, 4}, {1, 0, 0, 1}, {0, 4, 4, 5},
        {1, 0, 1, 2}, {0, 4, 5, 6}, {1, 0, 0, 0}, {0, 0, 0, 0}, {1, 0, 0, 1}, {0, 0, 0, 1}, {1, 0, 1, 2},
        {0, 0, 1, 2}, {1, 0, 0, 0}};

    /** {@code --seq_len 5 --num 4 synthetic_b.tfrecord}: a shard shorter than the window wraps inside it. */
    private static final int[][] IBC_B_T5 = {{0, 0, 0, 0, 1}, {0, 0, 0, 1, 2}, {0, 0, 0, 0, 0}, {0, 0, 0, 0, 1}};

    @Test
    void singleShardWindowsMatchIbcForT2AndT3() throws IOException {
        Path a = SyntheticShards.write(tmp).get(0);
        for (int[][] expected : List.of(IBC_A_T2, IBC_A_T3)) {
            int t = expected[0].length;
            WindowSource windows = TrajectoryDataset.fromShards(List.of(a), t, 0.0, -1).trainWindows();
            for (int i = 0; i < expected.length; i++) {
                SequenceWindow w = windows.get(i);
                String where = "T=" + t + " window " + i;
                assertArrayEquals(expected[i], w.records(), where);
                assertEquals(0, w.shard(), where);
                int[] types = new int[t];
                for (int j = 0; j < t; j++) {
                    int r = expected[i][j];
                    types[j] = SyntheticShards.TYPES_A[r];
                    // every field is gathered from the same record, so values name their record
                    assertArrayEquals(SyntheticShards.observation(0, r).get("pos_agent"), w.observation("pos_agent", j));
                    assertArrayEquals(SyntheticShards.observation(0, r).get("vel_agent"), w.observation("vel_agent", j));
                    assertArrayEquals(SyntheticShards.action(0, r), w.actions()[j], where);
                }
                assertArrayEquals(types, w.stepTypes(), where);
                // get_data_fns' target (IBC's printed targets are record/10 of the newest record)
                assertArrayEquals(SyntheticShards.action(0, expected[i][t - 1]), w.targetAction(), where);
            }
        }
    }

    @Test
    void episodeStartIsPaddedWithItsFirstFrameAndLastRecordsAreKept() throws IOException {
        Path a = SyntheticShards.write(tmp).get(0);
        WindowSource w2 = TrajectoryDataset.fromShards(List.of(a), 2, 0.0, -1).trainWindows();
        // (LAST of episode 1, FIRST of episode 2) -> [FIRST, FIRST]; the LAST->FIRST record is a normal frame
        assertArrayEquals(new int[] {4, 4}, w2.get(3).records());
        assertArrayEquals(new int[] {0, 0}, w2.get(3).stepTypes());
        assertArrayEquals(new int[] {1, 2}, w2.get(2).stepTypes());
        // wrap-around: the shard's last record followed by its first
        assertArrayEquals(new int[] {0, 0}, w2.get(6).records());
        // every record is the newest frame exactly once per pass of 7 windows
        int[] newest = new int[7];
        for (int i = 0; i < 7; i++) {
            newest[w2.get(i).records()[1]]++;
        }
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1}, newest);
    }

    @Test
    void shardsInterleaveRoundRobinEachWrappingOnItsOwn() throws IOException {
        List<Path> shards = SyntheticShards.write(tmp);
        for (int[][] expected : List.of(IBC_AB_T2, IBC_AB_T3)) {
            int t = expected[0].length - 1;
            WindowSource windows = TrajectoryDataset.fromShards(shards, t, 0.0, -1).trainWindows();
            for (int i = 0; i < expected.length; i++) {
                SequenceWindow w = windows.get(i);
                assertEquals(expected[i][0], w.shard(), "T=" + t + " window " + i);
                assertArrayEquals(java.util.Arrays.copyOfRange(expected[i], 1, t + 1), w.records(),
                        "T=" + t + " window " + i);
                assertEquals(100f * w.shard() + w.records()[t - 1], w.observation("pos_agent", t - 1)[0]);
            }
        }
        WindowSource b5 = TrajectoryDataset.fromShards(List.of(shards.get(1)), 5, 0.0, -1).trainWindows();
        for (int i = 0; i < IBC_B_T5.length; i++) {
            assertArrayEquals(IBC_B_T5[i], b5.get(i).records(), "T=5 window " + i);
        }
    }

    @Test
    void iteratorIsTheIndexedStream() throws IOException {
        WindowSource windows = TrajectoryDataset.fromShards(SyntheticShards.write(tmp), 3, 0.0, -1).trainWindows();
        var it = windows.iterator();
        for (int i = 0; i < 30; i++) {
            assertEquals(windows.get(i), it.next());
        }
    }

    // Kitchen (755 records, FIRST at 0, 184, 369, 560, no LAST->FIRST records): dataset_windows_reference.py
    // --seq_len 2 --num 760 --targets ../shared/ibc/test_data/kitchen-complete-v0/kitchen-complete-v0_0.tfrecord
    private static final int[][] IBC_KITCHEN_WINDOWS = {
        // {window, older record, newer record}
        {0, 0, 1}, {1, 1, 2}, {2, 2, 3}, {3, 3, 4}, {4, 4, 5},
        {182, 182, 183}, {183, 184, 184}, {184, 184, 185}, {185, 185, 186},
        {367, 367, 368}, {368, 369, 369}, {369, 369, 370},
        {558, 558, 559}, {559, 560, 560}, {560, 560, 561},
        {753, 753, 754}, {754, 0, 0}, {755, 0, 1}, {759, 4, 5}};

    /** IBC's get_data_fns targets (first 3 of 9 action components), by window. */
    private static final String[][] IBC_KITCHEN_TARGETS = {
        {"0", "-0x1.7a464ep-4", "-0x1.b566c8p-9", "-0x1.7500eep-3"},
        {"1", "-0x1.99cdf6p-3", "-0x1.cf4ec8p-6", "-0x1.ab7fd8p-3"},
        {"2", "-0x1.1592aap-3", "-0x1.88d01ep-9", "-0x1.a23d82p-4"},
        {"3", "-0x1.81c3cp-2", "-0x1.435d38p-5", "-0x1.d0eeacp-4"},
        {"4", "-0x1.0de546p-1", "-0x1.987756p-5", "-0x1.10cbe6p-3"},
        {"5", "-0x1.4365bap-1", "0x1.c83b0ap-6", "-0x1.864cd4p-3"},
        {"6", "-0x1.72ea98p-1", "0x1.6baaaep-7", "-0x1.1f3e64p-3"},
        {"7", "-0x1.bfb22ep-1", "-0x1.ba6a16p-7", "-0x1.d0e288p-3"},
        {"183", "-0x1.16c298p-5", "-0x1.43db62p-5", "-0x1.00848p-3"},
        {"184", "-0x1.25a2d8p-3", "0x1.1f83b8p-9", "-0x1.90f802p-3"},
        {"754", "-0x1.0d892p-4", "-0x1.db827ap-5", "-0x1.a90bb2p-4"},
        {"755", "-0x1.7a464ep-4", "-0x1.b566c8p-9", "-0x1.7500eep-3"}};

    @Test
    void kitchenWindowsMatchIbcsPipeline() throws IOException {
        Path kitchen = TestData.require(TestData.KITCHEN);
        TrajectoryDataset data = TrajectoryDataset.fromShards(List.of(kitchen), 2, 0.0, -1);
        assertEquals(List.of(TrajectoryStep.WHOLE_OBSERVATION), data.observationKeys());
        assertEquals(60, data.observationSize(""));
        assertEquals(9, data.actionSize());
        List<TrajectoryStep> records = TrajectoryCodec.readAll(kitchen);
        WindowSource windows = data.trainWindows();
        for (int[] e : IBC_KITCHEN_WINDOWS) {
            SequenceWindow w = windows.get(e[0]);
            assertArrayEquals(new int[] {e[1], e[2]}, w.records(), "window " + e[0]);
            for (int j = 0; j < 2; j++) {
                assertArrayEquals(records.get(e[1 + j]).observation(""), w.observation("", j), "window " + e[0]);
                assertEquals(records.get(e[1 + j]).stepType(), w.stepTypes()[j]);
            }
        }
        for (String[] e : IBC_KITCHEN_TARGETS) {
            float[] target = windows.get(Integer.parseInt(e[0])).targetAction();
            for (int k = 0; k < 3; k++) {
                assertEquals((float) Double.parseDouble(e[1 + k]), target[k], 0f, "target " + e[0] + "[" + k + "]");
            }
        }
        // flattened obs of one window: [o_older (60), o_newer (60)]
        float[] flat = TrajectoryDataset.flattenObservation(windows.get(1).observation());
        assertEquals(120, flat.length);
        assertArrayEquals(records.get(2).observation(""), java.util.Arrays.copyOfRange(flat, 60, 120));
        assertFalse(java.util.Arrays.equals(records.get(1).observation(""), records.get(2).observation("")));
    }
}
