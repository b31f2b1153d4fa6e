package ibc4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Shuffle, drop-remainder batches and the network's flat observation layout (MLPEBM.call). */
class BatchingTest {
    @TempDir
    Path tmp;

    private TrajectoryDataset synthetic(int t) throws IOException {
        return TrajectoryDataset.fromShards(SyntheticShards.write(tmp), t, 0.0, -1);
    }

    @Test
    void flattenIsSortedKeysTimeMajor() {
        Map<String, float[][]> obs = new LinkedHashMap<>(); // deliberately unsorted
        obs.put("vel_agent", new float[][] {{7, 8}, {17, 18}});
        obs.put("pos_agent", new float[][] {{1, 2}, {11, 12}});
        obs.put("pos_second_goal", new float[][] {{5, 6}, {15, 16}});
        obs.put("pos_first_goal", new float[][] {{3, 4}, {13, 14}});
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 14, 15, 16, 17, 18},
                TrajectoryDataset.flattenObservation(obs));
        assertArrayEquals(TrajectoryDataset.flattenObservation(obs),
                TrajectoryDataset.flattenObservation(new HashMap<>(obs)));
        obs.put("pos_agent", new float[][] {{1, 2}});
        assertThrows(IllegalArgumentException.class, () -> TrajectoryDataset.flattenObservation(obs));
    }

    @Test
    void batchShapesAndContents() throws IOException {
        TrajectoryDataset data = synthetic(2);
        assertEquals(List.of("pos_agent", "pos_first_goal", "pos_second_goal", "vel_agent"), data.observationKeys());
        Batch b = data.trainBatches(1, 4, 0).next(); // capacity 1: no shuffle, stream order
        assertEquals(4, b.batchSize());
        INDArray pos = b.observationArray("pos_agent");
        assertArrayEquals(new long[] {4, 2, 2}, pos.shape());
        assertEquals(DataType.FLOAT, pos.dataType());
        assertArrayEquals(new long[] {4, 2}, b.targetArray().shape());
        assertArrayEquals(new long[] {4, 16}, b.flatObservationArray().shape());
        WindowSource w = data.trainWindows();
        for (int i = 0; i < 4; i++) {
            SequenceWindow expected = w.get(i);
            assertEquals(expected, b.windows().get(i));
            assertArrayEquals(expected.targetAction(), b.targetArray().getRow(i).toFloatVector());
            assertArrayEquals(TrajectoryDataset.flattenObservation(expected.observation()),
                    b.flatObservationArray().getRow(i).toFloatVector());
            for (int t = 0; t < 2; t++) {
                assertArrayEquals(expected.observation("pos_agent", t),
                        pos.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i),
                                org.nd4j.linalg.indexing.NDArrayIndex.point(t)).toFloatVector());
            }
        }
        // window 2 of the stream is shard 0 records (1, 2): pos_agent [1, 0.5], [2, 0.5]; target record 2 = [0.2, 0]
        assertArrayEquals(new float[] {1, 0.5f, 2, 0.5f}, java.util.Arrays.copyOfRange(b.observation("pos_agent"), 8, 12));
        assertArrayEquals(new float[] {0.2f, 0f}, java.util.Arrays.copyOfRange(b.targets(), 4, 6));
    }

    @Test
    void sameSeedSameBatchesOtherSeedOtherOrder() throws IOException {
        TrajectoryDataset data = synthetic(3);
        List<List<SequenceWindow>> first = take(data.trainBatches(8, 5, 42), 20);
        assertEquals(first, take(data.trainBatches(8, 5, 42), 20));
        assertNotEquals(first, take(data.trainBatches(8, 5, 43), 20));
        // shuffling only reorders the stream: over many batches every (shard, window) keeps appearing
        List<SequenceWindow> seen = new ArrayList<>();
        first.forEach(seen::addAll);
        for (int s = 0; s < 2; s++) {
            for (int k = 0; k < 3; k++) {
                assertTrue(seen.contains(data.trainWindows().window(s, k)), "shard " + s + " window " + k);
            }
        }
    }

    @Test
    void shuffleBufferEmitsEachInputOnceAndDrains() {
        List<Integer> in = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            in.add(i);
        }
        ShuffleBuffer<Integer> s = new ShuffleBuffer<>(in.iterator(), 10, 7);
        List<Integer> out = new ArrayList<>();
        s.forEachRemaining(out::add);
        assertEquals(100, out.size());
        assertEquals(in, out.stream().sorted().toList());
        assertNotEquals(in, out);
        // a buffer of 10 can hold back an element but never emit one before it has been read
        for (int i = 0; i < out.size(); i++) {
            assertTrue(out.get(i) < i + 10, "element " + out.get(i) + " at position " + i);
        }
        List<Integer> passThrough = new ArrayList<>();
        new ShuffleBuffer<>(in.iterator(), 1, 7).forEachRemaining(passThrough::add);
        assertEquals(in, passThrough);
    }

    @Test
    void finiteInputNeverYieldsAPartialBatch() throws IOException {
        WindowSource w = synthetic(2).trainWindows();
        List<SequenceWindow> seven = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            seven.add(w.get(i));
        }
        Iterator<Batch> batches = TrajectoryDataset.batches(seven.iterator(), 3);
        assertEquals(seven.subList(0, 3), batches.next().windows());
        assertEquals(seven.subList(3, 6), batches.next().windows());
        assertEquals(false, batches.hasNext()); // drop_remainder=True: the 7th window is dropped
        assertThrows(java.util.NoSuchElementException.class, batches::next);
    }

    private static List<List<SequenceWindow>> take(Iterator<Batch> it, int n) {
        List<List<SequenceWindow>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(it.next().windows());
        }
        return out;
    }
}
