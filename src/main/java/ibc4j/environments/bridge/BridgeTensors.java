package ibc4j.environments.bridge;

import com.google.protobuf.ByteString;
import ibc4j.data.DType;
import ibc4j.data.TensorSpec;
import ibc4j.data.TensorValue;
import ibc4j.data.proto.TensorProto;
import ibc4j.data.proto.TensorShapeProto;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Arrays and specs as the bridge sends them: TensorProto with raw little-endian content; specs as JSON. */
final class BridgeTensors {
    private BridgeTensors() {}

    static TensorProto toProto(TensorValue v) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (int d : v.shape()) {
            shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
        }
        return TensorProto.newBuilder().setDtype(v.dtype().proto()).setTensorShape(shape)
                .setTensorContent(ByteString.copyFrom(v.toLittleEndian())).build();
    }

    static TensorValue fromProto(TensorProto p, String name) {
        DType dtype = DType.fromProto(p.getDtypeValue(), "bridge tensor '" + name + "'");
        int[] shape = new int[p.getTensorShape().getDimCount()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = Math.toIntExact(p.getTensorShape().getDim(i).getSize());
        }
        return TensorValue.fromLittleEndian(dtype, shape, p.getTensorContent().toByteArray());
    }

    /** A spec JSON leaf {@code {name, dtype, shape, minimum?, maximum?}} (python/ibc4j_envs/envs.py spec_json). */
    @SuppressWarnings("unchecked")
    static TensorSpec spec(Map<String, Object> leaf) {
        String name = (String) leaf.get("name");
        DType dtype = dtype((String) leaf.get("dtype"));
        int[] shape = ints((List<Object>) leaf.get("shape"));
        if (!leaf.containsKey("minimum")) {
            return TensorSpec.of(name, dtype, shape);
        }
        return new TensorSpec(name, shape, dtype, bound((Map<String, Object>) leaf.get("minimum"), dtype),
                bound((Map<String, Object>) leaf.get("maximum"), dtype));
    }

    /** The observation spec: a dict of leaves (sorted, as tf.nest sorts), or one leaf under the key "". */
    @SuppressWarnings("unchecked")
    static SortedMap<String, TensorSpec> observationSpec(Map<String, Object> json) {
        SortedMap<String, TensorSpec> out = new TreeMap<>();
        if (json.containsKey("dict")) {
            ((Map<String, Object>) json.get("dict")).forEach((k, v) -> out.put(k, spec((Map<String, Object>) v)));
        } else {
            out.put("", spec(json));
        }
        return out;
    }

    private static DType dtype(String numpyName) {
        for (DType d : DType.values()) {
            if (d.numpyName().equals(numpyName)) {
                return d;
            }
        }
        throw new BridgeException("environment bridge: spec dtype " + numpyName + " is not supported", false);
    }

    @SuppressWarnings("unchecked")
    private static TensorValue bound(Map<String, Object> b, DType dtype) {
        int[] shape = ints((List<Object>) b.get("shape"));
        List<Object> values = (List<Object>) b.get("values");
        return switch (dtype) {
            case FLOAT32 -> {
                float[] f = new float[values.size()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = ((Number) values.get(i)).floatValue(); // the server sends float32 values exactly
                }
                yield TensorValue.ofFloats(shape, f);
            }
            case FLOAT64 -> TensorValue.ofDoubles(shape, values.stream().mapToDouble(v -> ((Number) v).doubleValue())
                    .toArray());
            case INT64 -> TensorValue.ofLongs(shape, values.stream().mapToLong(v -> ((Number) v).longValue()).toArray());
            default -> TensorValue.ofInts(dtype, shape, values.stream().mapToInt(v -> ((Number) v).intValue())
                    .toArray());
        };
    }

    private static int[] ints(List<Object> l) {
        return l.stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    }
}
