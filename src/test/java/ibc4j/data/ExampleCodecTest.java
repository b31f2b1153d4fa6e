package ibc4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ibc4j.data.proto.BytesList;
import ibc4j.data.proto.Example;
import ibc4j.data.proto.Feature;
import ibc4j.data.proto.Features;
import ibc4j.data.proto.Int64List;
import java.io.IOException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** tf-agents' example encoder/decoder: feature kinds per dtype, byte layouts, and what a bad record says. */
class ExampleCodecTest {
    /** {a: f32[2], b: i32[], c: i64[2], d: u8[3], e: f64[], f: i16[2]}, as in the Python that made the bytes below. */
    private static final SpecNode MIXED = new SpecNode.Dict(new TreeMap<>(Map.of(
            "a", TensorSpec.of(null, DType.FLOAT32, 2), "b", TensorSpec.of(null, DType.INT32),
            "c", TensorSpec.of(null, DType.INT64, 2), "d", TensorSpec.of(null, DType.UINT8, 3),
            "e", TensorSpec.of(null, DType.FLOAT64), "f", TensorSpec.of(null, DType.INT16, 2))));

    // tf-agents 0.19.0 get_example_serializer(spec)(v) for MIXED and the values of mixedValues(); first as
    // Python wrote it (map entries in upb's order), then re-serialized with deterministic=True (sorted keys).
    private static final String PYTHON_BYTES = "0a680a140a0163120f1a0d0a0b018080808080e0ffffff010a0d0a016212080a060a04"
            + "f9ffffff0a110a0161120c120a0a080000003f0000a0bf0a110a0165120c0a0a0a08555555555555d53f0a0c0a016412070a050a"
            + "030080ff0a0d0a016612080a060a04feff2c01";
    private static final String PYTHON_BYTES_SORTED = "0a680a110a0161120c120a0a080000003f0000a0bf0a0d0a016212080a060a04"
            + "f9ffffff0a140a0163120f1a0d0a0b018080808080e0ffffff010a0c0a016412070a050a030080ff0a110a0165120c0a0a0a0855"
            + "5555555555d53f0a0d0a016612080a060a04feff2c01";

    private static Map<String, TensorValue> mixedValues() {
        Map<String, TensorValue> v = new LinkedHashMap<>();
        v.put("a", TensorValue.ofFloats(new int[] {2}, 0.5f, -1.25f));
        v.put("b", TensorValue.scalarInt32(-7));
        v.put("c", TensorValue.ofLongs(new int[] {2}, 1, -(1L << 40)));
        v.put("d", TensorValue.ofInts(DType.UINT8, new int[] {3}, 0, 128, 255));
        v.put("e", TensorValue.ofDoubles(new int[0], 1.0 / 3));
        v.put("f", TensorValue.ofInts(DType.INT16, new int[] {2}, -2, 300));
        return v;
    }

    @Test
    void encoderMatchesTfAgentsByteForByteInSortedKeyOrder() throws IOException {
        ExampleCodec codec = new ExampleCodec(MIXED);
        byte[] java = codec.serialize(mixedValues());
        assertEquals(PYTHON_BYTES_SORTED, HexFormat.of().formatHex(java));
        assertEquals(Example.parseFrom(HexFormat.of().parseHex(PYTHON_BYTES)), Example.parseFrom(java));
    }

    @Test
    void decoderReadsTfAgentsBytes() {
        Map<String, TensorValue> decoded = new ExampleCodec(MIXED).decode(HexFormat.of().parseHex(PYTHON_BYTES));
        assertEquals(mixedValues(), decoded);
        assertEquals(List.of("a", "b", "c", "d", "e", "f"), List.copyOf(decoded.keySet())); // tf.nest order
    }

    @Test
    void featureKindsFollowTheDtype() {
        Map<String, Feature> f = new ExampleCodec(MIXED).encode(mixedValues()).getFeatures().getFeatureMap();
        assertEquals(Feature.KindCase.FLOAT_LIST, f.get("a").getKindCase());
        assertEquals(Feature.KindCase.INT64_LIST, f.get("c").getKindCase());
        // int32 (step types): one string of 4 little-endian bytes.
        assertArrayEquals(new byte[] {(byte) 0xf9, (byte) 0xff, (byte) 0xff, (byte) 0xff},
                f.get("b").getBytesList().getValue(0).toByteArray());
        assertEquals(8, f.get("e").getBytesList().getValue(0).size());
    }

    @Test
    void transitionSpecRoundTripsWithNestedPaths() throws IOException {
        SpecNode spec = SpecFile.read(TestData.require(TestData.HALFCHEETAH_SPEC));
        ExampleCodec codec = new ExampleCodec(spec);
        Map<String, TensorValue> v = new LinkedHashMap<>();
        for (SpecNode.Leaf leaf : codec.leaves()) {
            float[] x = new float[leaf.spec().size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = i + 0.5f;
            }
            v.put(leaf.path(), leaf.spec().dtype() == DType.INT32 ? TensorValue.scalarInt32(1)
                    : TensorValue.ofFloats(leaf.spec().shape(), x));
        }
        assertEquals(v, codec.decode(codec.serialize(v)));
        assertEquals(17, codec.decode(codec.serialize(v)).get("next_time_step/observation").floats().length);
    }

    @Test
    void missingFeatureIsNamedWithWhatThereIs() {
        ExampleCodec codec = new ExampleCodec(MIXED);
        Example e = codec.encode(mixedValues()).toBuilder()
                .setFeatures(codec.encode(mixedValues()).getFeatures().toBuilder().removeFeature("c")).build();
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> codec.decode(e));
        assertEquals("record has no feature 'c' (spec int64[2]); it has [a, b, d, e, f]", x.getMessage());
    }

    @Test
    void wrongKindWrongCountAndWrongByteLengthAreNamed() {
        ExampleCodec codec = new ExampleCodec(MIXED);
        assertEquals("feature 'a' holds an int64_list, but tf-agents stores float32[2] in a float_list",
                decodeWith(codec, "a", Feature.newBuilder().setInt64List(Int64List.newBuilder().addValue(1)).build()));
        Feature oneFloat = Feature.newBuilder().setFloatList(ibc4j.data.proto.FloatList.newBuilder().addValue(1f)).build();
        assertEquals("feature 'a' has 1 floats; spec float32[2] needs 2", decodeWith(codec, "a", oneFloat));
        Feature threeBytes = Feature.newBuilder().setBytesList(BytesList.newBuilder()
                .addValue(com.google.protobuf.ByteString.copyFrom(new byte[3]))).build();
        assertEquals("feature 'b': 3 bytes cannot be int32[], which takes 1 x 4 = 4 bytes",
                decodeWith(codec, "b", threeBytes));
    }

    @Test
    void extraFeaturesAreIgnoredAsTensorFlowIgnoresThem() {
        ExampleCodec codec = new ExampleCodec(MIXED);
        Example e = codec.encode(mixedValues());
        Example extra = e.toBuilder().setFeatures(Features.newBuilder(e.getFeatures())
                .putFeature("zzz", Feature.newBuilder().setInt64List(Int64List.newBuilder().addValue(3)).build())).build();
        assertEquals(mixedValues(), codec.decode(extra.toByteArray()));
    }

    @Test
    void encoderRejectsShapeOrDtypeMismatchLikeTfAgents() {
        ExampleCodec codec = new ExampleCodec(MIXED);
        Map<String, TensorValue> v = mixedValues();
        v.put("a", TensorValue.ofFloats(new int[] {3}, 1, 2, 3));
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> codec.encode(v));
        assertEquals("feature 'a': expected shape [2] of float32, got: shape [3] of float32", x.getMessage());
        v.remove("a");
        assertThrows(IllegalArgumentException.class, () -> codec.encode(v));
    }

    @Test
    void zeroSizedDimensionsAreRejectedAsTfAgentsDoes() {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> new ExampleCodec(TensorSpec.of("obs", DType.FLOAT32, 3, 0)));
        assertEquals("spec '': dimension 1 is invalid in [3, 0], expected positive int (tf-agents' _validate_shape)",
                x.getMessage());
    }

    private static String decodeWith(ExampleCodec codec, String key, Feature replacement) {
        Example e = codec.encode(mixedValues());
        Example bad = e.toBuilder().setFeatures(Features.newBuilder(e.getFeatures()).putFeature(key, replacement)).build();
        return assertThrows(IllegalArgumentException.class, () -> codec.decode(bad)).getMessage();
    }
}
