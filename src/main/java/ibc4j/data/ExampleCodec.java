package ibc4j.data;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import ibc4j.data.proto.BytesList;
import ibc4j.data.proto.Example;
import ibc4j.data.proto.Feature;
import ibc4j.data.proto.Features;
import ibc4j.data.proto.FloatList;
import ibc4j.data.proto.Int64List;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * tf-agents' {@code example_encoding.get_example_encoder} / {@code get_example_decoder} for one spec (uint8
 * {@code [h, w, c]} images raw, or as JPEG with {@code compress_image=True}, see {@link JpegImages}): one
 * {@code tf.train.Example} per nest of arrays, one feature per spec leaf,
 * keyed by its joined path ({@code observation/pos_agent}).
 *
 * <p>Per dtype, as {@code _get_feature_encoder}: float32 in a {@code float_list}, int64 in an
 * {@code int64_list}, every other dtype (the int32 step types included) as a {@code bytes_list} holding one
 * string, the array's little-endian C-order bytes. Decoding checks what {@code tf.io.parse_example} with
 * {@code FixedLenFeature} would: the feature is present, of the right kind, with exactly the spec's element
 * count. Features the spec does not name are ignored, as TF ignores them.
 */
public final class ExampleCodec {
    private final SpecNode spec;
    private final List<SpecNode.Leaf> leaves;
    private final boolean compressImage;

    /**
     * @throws IllegalArgumentException if a leaf has a non-positive dimension ({@code _validate_shape})
     */
    public ExampleCodec(SpecNode spec) {
        this(spec, false);
    }

    /**
     * @param compressImage tf-agents' {@code compress_image}: encode every uint8 {@code [h, w, c]} leaf as a JPEG
     *                      of quality 95 ({@link JpegImages}), as IBC's collection does. Decoding reads both.
     */
    public ExampleCodec(SpecNode spec, boolean compressImage) {
        this.compressImage = compressImage;
        this.spec = spec;
        this.leaves = spec.flatten();
        for (SpecNode.Leaf leaf : leaves) {
            int[] shape = leaf.spec().shape();
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] <= 0) {
                    throw new IllegalArgumentException("spec '" + leaf.path() + "': dimension " + i + " is invalid in "
                            + Arrays.toString(shape) + ", expected positive int (tf-agents' _validate_shape)");
                }
            }
        }
    }

    public SpecNode spec() {
        return spec;
    }

    /** The leaves in tf.nest order; their paths are the feature keys. */
    public List<SpecNode.Leaf> leaves() {
        return leaves;
    }

    /**
     * Decodes one serialized Example into a value per leaf, in tf.nest order.
     *
     * @throws IllegalArgumentException naming the feature, if the record does not match the spec
     */
    public Map<String, TensorValue> decode(byte[] serializedExample) {
        try {
            return decode(Example.parseFrom(serializedExample));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not a tf.train.Example: " + e.getMessage(), e);
        }
    }

    /** Decodes a parsed Example; see {@link #decode(byte[])}. */
    public Map<String, TensorValue> decode(Example example) {
        Map<String, Feature> features = example.getFeatures().getFeatureMap();
        Map<String, TensorValue> out = new LinkedHashMap<>();
        for (SpecNode.Leaf leaf : leaves) {
            Feature f = features.get(leaf.path());
            if (f == null) {
                throw new IllegalArgumentException("record has no feature '" + leaf.path() + "' (spec "
                        + leaf.spec().describe() + "); it has " + new TreeSet<>(features.keySet()));
            }
            out.put(leaf.path(), decodeFeature(leaf.path(), leaf.spec(), f));
        }
        return out;
    }

    private static TensorValue decodeFeature(String key, TensorSpec spec, Feature f) {
        int n = spec.size();
        switch (spec.dtype()) {
            case FLOAT32 -> {
                expectKind(key, spec, f, Feature.KindCase.FLOAT_LIST);
                List<Float> v = f.getFloatList().getValueList();
                expectCount(key, spec, v.size(), "floats");
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    a[i] = v.get(i);
                }
                return TensorValue.wrap(DType.FLOAT32, spec.shape(), a);
            }
            case INT64 -> {
                expectKind(key, spec, f, Feature.KindCase.INT64_LIST);
                List<Long> v = f.getInt64List().getValueList();
                expectCount(key, spec, v.size(), "int64s");
                return TensorValue.wrap(DType.INT64, spec.shape(), v.stream().mapToLong(Long::longValue).toArray());
            }
            default -> {
                expectKind(key, spec, f, Feature.KindCase.BYTES_LIST);
                List<ByteString> v = f.getBytesList().getValueList();
                if (v.size() != 1) {
                    throw new IllegalArgumentException("feature '" + key + "' holds " + v.size()
                            + " byte strings; tf-agents stores " + spec.describe() + " as exactly one");
                }
                byte[] raw = v.get(0).toByteArray();
                if (spec.dtype() == DType.UINT8 && spec.shape().length == 3
                        && JpegImages.isJpegFeature(raw, spec.size())) {
                    try { // compress_image=True: IBC's dataset reads it with tf.io.decode_jpeg
                        return TensorValue.ofInts(DType.UINT8, spec.shape(), JpegImages.decode(raw, spec.shape()));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("feature '" + key + "': " + e.getMessage(), e);
                    }
                }
                try {
                    return TensorValue.fromLittleEndian(spec.dtype(), spec.shape(), raw);
                } catch (IllegalArgumentException e) {
                    String hint = spec.dtype() == DType.UINT8 && spec.shape().length == 3
                            ? " (neither raw pixels nor a JPEG: compress_image=True writes JPEGs)" : "";
                    throw new IllegalArgumentException("feature '" + key + "': " + e.getMessage() + hint, e);
                }
            }
        }
    }

    private static void expectKind(String key, TensorSpec spec, Feature f, Feature.KindCase want) {
        if (f.getKindCase() != want) {
            throw new IllegalArgumentException("feature '" + key + "' holds " + article(f.getKindCase())
                    + ", but tf-agents stores " + spec.describe() + " in " + article(want));
        }
    }

    private static String article(Feature.KindCase kind) {
        String k = kind == Feature.KindCase.KIND_NOT_SET ? "empty feature" : kind.name().toLowerCase();
        return ("aeiou".indexOf(k.charAt(0)) >= 0 ? "an " : "a ") + k;
    }

    private static void expectCount(String key, TensorSpec spec, int count, String what) {
        if (count != spec.size()) {
            throw new IllegalArgumentException("feature '" + key + "' has " + count + " " + what + "; spec "
                    + spec.describe() + " needs " + spec.size());
        }
    }

    /**
     * Encodes one value per leaf (keyed by path, any order) into an Example whose features are in tf.nest order.
     *
     * @throws IllegalArgumentException on a missing or extra key, or a value whose dtype or shape differs from
     *                                  its spec (tf-agents' "Expected shape ... of ..., got: ...")
     */
    public Example encode(Map<String, TensorValue> values) {
        if (values.size() != leaves.size() || !values.keySet().containsAll(paths())) {
            throw new IllegalArgumentException("values for " + new TreeSet<>(values.keySet())
                    + " do not match the spec's features " + new TreeSet<>(paths()));
        }
        Features.Builder features = Features.newBuilder();
        for (SpecNode.Leaf leaf : leaves) {
            TensorValue v = values.get(leaf.path());
            TensorSpec s = leaf.spec();
            if (v.dtype() != s.dtype() || !Arrays.equals(v.shape(), s.shape())) {
                throw new IllegalArgumentException("feature '" + leaf.path() + "': expected shape "
                        + Arrays.toString(s.shape()) + " of " + s.dtype() + ", got: shape " + Arrays.toString(v.shape())
                        + " of " + v.dtype());
            }
            features.putFeature(leaf.path(), compressImage && v.dtype() == DType.UINT8 && v.shape().length == 3
                    ? jpegFeature(v) : encodeFeature(v));
        }
        return Example.newBuilder().setFeatures(features).build();
    }

    /** {@link #encode} then serialize: {@code get_example_serializer}. */
    public byte[] serialize(Map<String, TensorValue> values) {
        return encode(values).toByteArray();
    }

    private static Feature jpegFeature(TensorValue v) {
        byte[] jpeg = JpegImages.encode(v.ints(), v.shape(), JpegImages.IBC_QUALITY);
        return Feature.newBuilder().setBytesList(BytesList.newBuilder().addValue(ByteString.copyFrom(jpeg))).build();
    }

    private static Feature encodeFeature(TensorValue v) {
        Feature.Builder f = Feature.newBuilder();
        switch (v.dtype()) {
            case FLOAT32 -> {
                FloatList.Builder l = FloatList.newBuilder();
                for (float x : v.floats()) {
                    l.addValue(x);
                }
                f.setFloatList(l);
            }
            case INT64 -> {
                Int64List.Builder l = Int64List.newBuilder();
                for (long x : v.longs()) {
                    l.addValue(x);
                }
                f.setInt64List(l);
            }
            default -> f.setBytesList(BytesList.newBuilder().addValue(ByteString.copyFrom(v.toLittleEndian())));
        }
        return f.build();
    }

    private List<String> paths() {
        return leaves.stream().map(SpecNode.Leaf::path).toList();
    }
}
