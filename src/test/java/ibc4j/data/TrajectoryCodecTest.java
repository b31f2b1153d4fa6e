package ibc4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.data.proto.Example;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IBC's D4RL test files read whole. Every expected number is what TF 2.15.1 + tf-agents 0.19.0 decode from the
 * same files ({@code src/test/scripts/tfrecord_facts.py}); floats are compared exactly, as hex literals.
 */
class TrajectoryCodecTest {
    @TempDir
    Path tmp;

    @Test
    void kitchenMatchesTensorFlow() throws IOException {
        List<TrajectoryStep> steps = TrajectoryCodec.readAll(TestData.require(TestData.KITCHEN));
        assertEquals(755, steps.size());
        assertEquals(List.of(0, 184, 369, 560), indicesOf(steps, TrajectoryStep.FIRST));
        assertEquals(List.of(183, 368, 559, 754), indicesOf(steps, TrajectoryStep.LAST));
        assertEquals(747, indicesOf(steps, TrajectoryStep.MID).size());
        assertEquals(1268.0, steps.stream().mapToDouble(TrajectoryStep::reward).sum());
        assertEquals(751.0, steps.stream().mapToDouble(TrajectoryStep::discount).sum());

        TrajectoryStep first = steps.get(0);
        assertEquals(List.of(TrajectoryStep.WHOLE_OBSERVATION), List.copyOf(first.observation().keySet()));
        float[] obs = first.observation(TrajectoryStep.WHOLE_OBSERVATION);
        assertEquals(60, obs.length);
        assertArrayEquals(new float[] {0x1.108074p-3f, -0x1.c101a4p+0f, 0x1.df7b56p+0f, -0x1.eb851ep-5f},
                new float[] {obs[0], obs[1], obs[2], obs[59]});
        float[] act = first.action();
        assertEquals(9, act.length);
        assertArrayEquals(new float[] {-0x1.0d892p-4f, -0x1.db827ap-5f, -0x1.a90bb2p-4f, -0x1.902582p-5f},
                new float[] {act[0], act[1], act[2], act[8]});
        assertEquals(TrajectoryStep.MID, first.nextStepType());
        assertEquals(0f, first.reward());
        assertEquals(1f, first.discount());

        TrajectoryStep last = steps.get(754);
        assertEquals(TrajectoryStep.LAST, last.stepType());
        assertEquals(TrajectoryStep.FIRST, last.nextStepType());
        assertEquals(4f, last.reward());
        assertEquals(0f, last.discount());
        float[] lastObs = last.observation(TrajectoryStep.WHOLE_OBSERVATION);
        assertArrayEquals(new float[] {-0x1.3e688p+1f, -0x1.58ca02p+0f, 0x1.0d5de6p+0f},
                new float[] {lastObs[0], lastObs[1], lastObs[2]});
        assertArrayEquals(new float[] {0x1.67ff24p-11f, 0x1.494ddep-2f, -0x1.9be23cp-3f, -0x1.684d46p-7f},
                pick(last.action(), 0, 1, 2, 8));
    }

    @Test
    void doorHumanMatchesTensorFlow() throws IOException {
        List<TrajectoryStep> steps = TrajectoryCodec.readAll(TestData.require(TestData.DOOR));
        assertEquals(1700, steps.size());
        assertEquals(List.of(0, 200, 300, 500, 600, 800, 900, 1100, 1200, 1400, 1500),
                indicesOf(steps, TrajectoryStep.FIRST));
        assertEquals(List.of(199, 299, 499, 599, 799, 899, 1099, 1199, 1399, 1499, 1699),
                indicesOf(steps, TrajectoryStep.LAST));
        // Summed in float64 in file order, as Python's sum() over float(reward) did.
        assertEquals(2634.834041684866, steps.stream().mapToDouble(TrajectoryStep::reward).sum());
        assertEquals(1695.0, steps.stream().mapToDouble(TrajectoryStep::discount).sum());

        TrajectoryStep first = steps.get(0);
        assertEquals(-0x1.264586p-2f, first.reward());
        assertArrayEquals(new float[] {0f, 0f, 0f, -1f}, pick(first.observation(""), 0, 1, 2, 38));
        assertArrayEquals(new float[] {-0x1.13097ep-2f, -0x1.522a9p-8f, -0x1.383346p-5f, 0x1.fc0df2p-2f},
                pick(first.action(), 0, 1, 2, 27));
        TrajectoryStep last = steps.get(1699);
        assertEquals(0x1.d9035ap+0f, last.reward());
        assertEquals(1f, last.discount());
        assertArrayEquals(new float[] {0x1.3a6984p-3f, -0x1.1bc1eep-2f, 0x1.c34c98p+0f},
                pick(last.observation(""), 0, 1, 2));
        assertArrayEquals(new float[] {-0x1.3a570ep-2f, 0x1.5a3236p-5f, -0x1.83dd7p-2f, -0x1.2eaecap-3f},
                pick(last.action(), 0, 1, 2, 27));
    }

    @Test
    void reencodingEveryRecordGivesTheSameExample() throws IOException {
        for (Path file : List.of(TestData.require(TestData.KITCHEN), TestData.require(TestData.DOOR))) {
            TrajectoryCodec codec = TrajectoryCodec.forFile(file);
            List<byte[]> records = TFRecordReader.readAll(file);
            for (int i = 0; i < records.size(); i++) {
                Example original = Example.parseFrom(records.get(i));
                // protobuf-java keeps the parsed map order, so a parse/serialize round trip is byte-exact...
                assertArrayEquals(records.get(i), original.toByteArray(), file + " record " + i);
                // ...while a fresh encoding writes tf.nest order: the same message, other bytes.
                assertEquals(original, Example.parseFrom(codec.encode(codec.decode(records.get(i)))),
                        file + " record " + i);
            }
        }
    }

    @Test
    void aRecordThatDoesNotFitTheSpecIsReportedWithFileRecordAndOffset() throws IOException {
        Path file = tmp.resolve("bad.tfrecord");
        SpecNode spec = SpecFile.read(SpecFile.specPathFor(TestData.require(TestData.KITCHEN)));
        SpecFile.write(SpecFile.specPathFor(file), spec);
        List<byte[]> records = new ArrayList<>(TFRecordReader.readAll(TestData.KITCHEN).subList(0, 3));
        records.set(2, new byte[0]); // an empty Example: no features at all
        TFRecordWriter.writeAll(file, records);
        IOException e = assertThrows(IOException.class, () -> TrajectoryCodec.readAll(file));
        int offset = records.get(0).length + records.get(1).length + 32;
        assertEquals(file + ": record 2 at byte offset " + offset
                + ": record has no feature 'step_type' (spec int32[]); it has []", e.getMessage());
    }

    @Test
    void invalidStepTypesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TrajectoryStep(3, new java.util.TreeMap<>(), new float[0], 0, 0f, 1f));
        assertTrue(e.getMessage().startsWith("step_type 3 is not a tf-agents StepType"), e.getMessage());
    }

    private static List<Integer> indicesOf(List<TrajectoryStep> steps, int stepType) {
        return IntStream.range(0, steps.size()).filter(i -> steps.get(i).stepType() == stepType).boxed().toList();
    }

    private static float[] pick(float[] a, int... idx) {
        float[] out = new float[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = a[idx[i]];
        }
        return out;
    }
}
