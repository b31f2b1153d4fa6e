package ibc4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.data.proto.StructuredValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code .spec} sidecars of IBC's test_data. Expected leaves are what tf-agents 0.19.0's
 * {@code parse_encoded_spec_from_file} + {@code flatten_with_joined_paths} print for the same files
 * ({@code src/test/scripts/tfrecord_facts.py}).
 */
class SpecFileTest {
    @TempDir
    Path tmp;

    @Test
    void pushSpecIsATrajectoryWithSixBoundedObservations() throws IOException {
        SpecNode spec = SpecFile.read(TestData.require(TestData.PUSH_SPEC));
        SpecNode.NamedTuple t = assertInstanceOf(SpecNode.NamedTuple.class, spec);
        assertEquals("Trajectory", t.typeName());
        assertEquals(List.of("step_type", "observation", "action", "policy_info", "next_step_type", "reward",
                "discount"), List.copyOf(t.fields().keySet()));
        assertEquals(List.of("step_type int32[] step_type",
                "observation/block_orientation float32[1] observation/block_orientation",
                "observation/block_translation float32[2] observation/block_translation",
                "observation/effector_target_translation float32[2] observation/effector_target_translation",
                "observation/effector_translation float32[2] observation/effector_translation",
                "observation/target_orientation float32[1] observation/target_orientation",
                "observation/target_translation float32[2] observation/target_translation",
                "action float32[2] action",
                "next_step_type int32[] step_type",
                "reward float32[] reward",
                "discount float32[] discount"), leaves(spec));
        assertEquals(new SpecNode.Sequence(List.of(), false), t.field("policy_info"));

        Map<String, TensorSpec> obs = leafMap(t.field("observation"));
        // Scalar bounds come as float_val, array bounds as tensor_content: both decode to float32 arrays.
        assertArrayEquals(new float[] {0.05f, -0.6f}, obs.get("effector_translation").minimum().floats());
        assertArrayEquals(new int[] {2}, obs.get("effector_translation").maximum().shape());
        assertArrayEquals(new float[] {0.8f, 0.6f}, obs.get("effector_translation").maximum().floats());
        assertArrayEquals(new float[] {-6.2831855f}, obs.get("block_orientation").minimum().floats());
        assertArrayEquals(new int[0], obs.get("block_orientation").minimum().shape());
        TensorSpec action = (TensorSpec) t.field("action");
        assertArrayEquals(new float[] {-0.1f}, action.minimum().floats());
        assertArrayEquals(new float[] {0.1f}, action.maximum().floats());
        TensorSpec discount = (TensorSpec) t.field("discount");
        assertArrayEquals(new float[] {0f}, discount.minimum().floats());
        assertArrayEquals(new float[] {1f}, discount.maximum().floats());
        assertTrue(!((TensorSpec) t.field("reward")).isBounded());
    }

    @Test
    void pushDiscontinuousAddsASecondTarget() throws IOException {
        SpecNode spec = SpecFile.read(TestData.require(TestData.PUSH_DISCONTINUOUS_SPEC));
        List<String> obsKeys = List.copyOf(leafMap(((SpecNode.NamedTuple) spec).field("observation")).keySet());
        assertEquals(List.of("block_orientation", "block_translation", "effector_target_translation",
                "effector_translation", "target2_orientation", "target2_translation", "target_orientation",
                "target_translation"), obsKeys);
    }

    @Test
    void d4rlSpecsHaveOneUnnamedObservationArray() throws IOException {
        SpecNode kitchen = SpecFile.read(SpecFile.specPathFor(TestData.require(TestData.KITCHEN)));
        assertEquals(List.of("step_type int32[] None", "observation float32[60] None", "action float32[9] None",
                "next_step_type int32[] None", "reward float32[] None", "discount float32[] None"), leaves(kitchen));
        SpecNode door = SpecFile.read(SpecFile.specPathFor(TestData.require(TestData.DOOR)));
        assertEquals(List.of("step_type int32[] None", "observation float32[39] None", "action float32[28] None",
                "next_step_type int32[] None", "reward float32[] None", "discount float32[] None"), leaves(door));
        assertNull(((TensorSpec) ((SpecNode.NamedTuple) door).field("observation")).name());
    }

    @Test
    void halfcheetahSpecIsATransitionOfNestedNamedTuples() throws IOException {
        SpecNode spec = SpecFile.read(TestData.require(TestData.HALFCHEETAH_SPEC));
        SpecNode.NamedTuple t = assertInstanceOf(SpecNode.NamedTuple.class, spec);
        assertEquals("Transition", t.typeName());
        assertEquals("PolicyStep", ((SpecNode.NamedTuple) t.field("action_step")).typeName());
        assertEquals(List.of("time_step/step_type int32[] None", "time_step/reward float32[] None",
                "time_step/discount float32[] None", "time_step/observation float32[17] None",
                "action_step/action float32[6] None",
                "next_time_step/step_type int32[] None", "next_time_step/reward float32[] None",
                "next_time_step/discount float32[] None", "next_time_step/observation float32[17] None"),
                leaves(spec)); // action_step/state and /info are () and contribute nothing
        assertThrows(IllegalArgumentException.class, () -> new TrajectoryCodec(spec));
    }

    @Test
    void specsWithoutDictsRewriteToTheSameBytes() throws IOException {
        for (Path p : List.of(SpecFile.specPathFor(TestData.require(TestData.KITCHEN)),
                SpecFile.specPathFor(TestData.require(TestData.DOOR)), TestData.require(TestData.HALFCHEETAH_SPEC))) {
            Path copy = tmp.resolve(p.getFileName());
            SpecFile.write(copy, SpecFile.read(p));
            assertArrayEquals(Files.readAllBytes(p), Files.readAllBytes(copy), p.toString());
        }
    }

    @Test
    void pushSpecReencodesToAnEqualProto() throws IOException {
        // Python writes dict entries in its hash order, so the bytes differ; the messages (maps unordered) do not.
        for (Path p : List.of(TestData.require(TestData.PUSH_SPEC), TestData.require(TestData.PUSH_DISCONTINUOUS_SPEC))) {
            StructuredValue original = StructuredValue.parseFrom(TFRecordReader.readAll(p).get(0));
            assertEquals(original, SpecFile.toProto(SpecFile.read(p)), p.toString());
            Path copy = tmp.resolve(p.getFileName());
            SpecFile.write(copy, SpecFile.read(p));
            assertEquals(SpecFile.read(p), SpecFile.read(copy));
        }
    }

    @Test
    void trajectorySpecBuildsWhatTfAgentsWroteForPush() throws IOException {
        SpecNode.NamedTuple push = (SpecNode.NamedTuple) SpecFile.read(TestData.require(TestData.PUSH_SPEC));
        SpecNode built = TrajectoryCodec.trajectorySpec(push.field("observation"), (TensorSpec) push.field("action"));
        assertEquals(push, built);
        assertEquals(SpecFile.toProto(push), SpecFile.toProto(built));
    }

    @Test
    void aSpecFileWithTwoRecordsIsRejected() throws IOException {
        Path p = tmp.resolve("two.spec");
        byte[] spec = SpecFile.toProto(TensorSpec.of("x", DType.FLOAT32, 2)).toByteArray();
        TFRecordWriter.writeAll(p, List.of(spec, spec));
        IOException e = assertThrows(IOException.class, () -> SpecFile.read(p));
        assertTrue(e.getMessage().contains("exactly one record") && e.getMessage().contains("holds 2"), e.getMessage());
    }

    /** "path dtype[shape] name" per leaf, in tf.nest order. */
    private static List<String> leaves(SpecNode spec) {
        return spec.flatten().stream()
                .map(l -> l.path() + " " + l.spec().describe() + " " + (l.spec().name() == null ? "None" : l.spec().name()))
                .toList();
    }

    private static Map<String, TensorSpec> leafMap(SpecNode node) {
        return node.flatten().stream().collect(Collectors.toMap(SpecNode.Leaf::path, SpecNode.Leaf::spec,
                (a, b) -> a, java.util.LinkedHashMap::new));
    }
}
