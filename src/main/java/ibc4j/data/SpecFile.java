package ibc4j.data;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import ibc4j.data.proto.BoundedTensorSpecProto;
import ibc4j.data.proto.DictValue;
import ibc4j.data.proto.ListValue;
import ibc4j.data.proto.NamedTupleValue;
import ibc4j.data.proto.PairValue;
import ibc4j.data.proto.StructuredValue;
import ibc4j.data.proto.TensorProto;
import ibc4j.data.proto.TensorShapeProto;
import ibc4j.data.proto.TensorSpecProto;
import ibc4j.data.proto.TupleValue;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code .spec} sidecar of tf-agents' {@code example_encoding_dataset} ({@code encode_spec_to_file},
 * {@code parse_encoded_spec_from_file}): a one-record TFRecord file holding a {@code tensorflow.StructuredValue}
 * made by {@code tensor_spec.to_proto} (TF's {@code nested_structure_coder}).
 *
 * <p>Writing follows TF's coder: dicts in sorted key order, a {@code None} name as "", and bounds through
 * {@code make_tensor_proto}'s rule: one element goes in the typed list ({@code float_val}, ...), more than one
 * in {@code tensor_content} as little-endian bytes.
 */
public final class SpecFile {
    /** tf-agents' {@code _SPEC_FILE_EXTENSION}. */
    public static final String EXTENSION = ".spec";

    private SpecFile() {
    }

    /** {@code <tfrecord path>.spec}, where {@code TFRecordObserver} puts the spec of a dataset file. */
    public static Path specPathFor(Path tfrecord) {
        return tfrecord.resolveSibling(tfrecord.getFileName() + EXTENSION);
    }

    /** Reads the spec stored in {@code specFile}. */
    public static SpecNode read(Path specFile) throws IOException {
        List<byte[]> records = TFRecordReader.readAll(specFile);
        if (records.size() != 1) {
            throw new IOException(specFile + ": a spec file holds exactly one record (tf-agents' encode_spec_to_file),"
                    + " this one holds " + records.size());
        }
        StructuredValue value;
        try {
            value = StructuredValue.parseFrom(records.get(0));
        } catch (InvalidProtocolBufferException e) {
            throw new IOException(specFile + ": its record is not a tensorflow.StructuredValue: " + e.getMessage(), e);
        }
        try {
            return fromProto(value);
        } catch (IllegalArgumentException e) {
            throw new IOException(specFile + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code spec} to {@code specFile} as {@code encode_spec_to_file} does. */
    public static void write(Path specFile, SpecNode spec) throws IOException {
        try (TFRecordWriter w = TFRecordWriter.create(specFile)) {
            w.write(toProto(spec).toByteArray());
        }
    }

    /** {@code tensor_spec.from_proto}. */
    public static SpecNode fromProto(StructuredValue value) {
        return fromProto(value, "spec");
    }

    private static SpecNode fromProto(StructuredValue v, String where) {
        switch (v.getKindCase()) {
            case TENSOR_SPEC_VALUE -> {
                TensorSpecProto t = v.getTensorSpecValue();
                return new TensorSpec(nameOrNull(t.getName()), shape(t.getShape(), where),
                        DType.fromProto(t.getDtypeValue(), where), null, null);
            }
            case BOUNDED_TENSOR_SPEC_VALUE -> {
                BoundedTensorSpecProto b = v.getBoundedTensorSpecValue();
                return new TensorSpec(nameOrNull(b.getName()), shape(b.getShape(), where),
                        DType.fromProto(b.getDtypeValue(), where),
                        tensor(b.getMinimum(), where + " minimum"), tensor(b.getMaximum(), where + " maximum"));
            }
            case DICT_VALUE -> {
                TreeMap<String, SpecNode> fields = new TreeMap<>();
                v.getDictValue().getFieldsMap().forEach((k, f) -> fields.put(k, fromProto(f, where + "/" + k)));
                return new SpecNode.Dict(fields);
            }
            case TUPLE_VALUE -> {
                return new SpecNode.Sequence(items(v.getTupleValue().getValuesList(), where), false);
            }
            case LIST_VALUE -> {
                return new SpecNode.Sequence(items(v.getListValue().getValuesList(), where), true);
            }
            case NAMED_TUPLE_VALUE -> {
                NamedTupleValue n = v.getNamedTupleValue();
                Map<String, SpecNode> fields = new LinkedHashMap<>();
                for (PairValue p : n.getValuesList()) {
                    fields.put(p.getKey(), fromProto(p.getValue(), where + "/" + p.getKey()));
                }
                return new SpecNode.NamedTuple(n.getName(), fields);
            }
            default -> throw new IllegalArgumentException(where + ": a " + v.getKindCase().name().toLowerCase()
                    + " is not part of a tf-agents data spec (expected tensor specs inside dicts, tuples, lists"
                    + " or namedtuples)");
        }
    }

    private static List<SpecNode> items(List<StructuredValue> values, String where) {
        List<SpecNode> items = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            items.add(fromProto(values.get(i), where + "/" + i));
        }
        return items;
    }

    private static String nameOrNull(String name) {
        return name.isEmpty() ? null : name;
    }

    private static int[] shape(TensorShapeProto s, String where) {
        if (s.getUnknownRank()) {
            throw new IllegalArgumentException(where + ": shape of unknown rank; tf-agents' encoder needs a full shape");
        }
        int[] dims = new int[s.getDimCount()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = Math.toIntExact(s.getDim(i).getSize());
        }
        return dims;
    }

    /** TF's {@code tensor_util.MakeNdarray}: raw content, else the typed list padded with its last value. */
    private static TensorValue tensor(TensorProto t, String where) {
        DType dtype = DType.fromProto(t.getDtypeValue(), where);
        int[] shape = shape(t.getTensorShape(), where);
        if (!t.getTensorContent().isEmpty()) {
            return TensorValue.fromLittleEndian(dtype, shape, t.getTensorContent().toByteArray());
        }
        int n = TensorValue.size(shape);
        if (t.getFloatValCount() + t.getDoubleValCount() + t.getInt64ValCount() + t.getHalfValCount()
                + t.getIntValCount() == 0) {
            return TensorValue.fromLittleEndian(dtype, shape, new byte[n * dtype.itemSize()]); // np.zeros
        }
        return switch (dtype) {
            case FLOAT32 -> TensorValue.ofFloats(shape, padFloats(t.getFloatValList(), n, where));
            case FLOAT64 -> TensorValue.ofDoubles(shape, pad(t.getDoubleValList(), n, where).stream()
                    .mapToDouble(Double::doubleValue).toArray());
            case INT64 -> TensorValue.ofLongs(shape, pad(t.getInt64ValList(), n, where).stream()
                    .mapToLong(Long::longValue).toArray());
            case FLOAT16 -> TensorValue.ofInts(dtype, shape, ints(pad(t.getHalfValList(), n, where)));
            default -> TensorValue.ofInts(dtype, shape, ints(pad(t.getIntValList(), n, where)));
        };
    }

    private static <T> List<T> pad(List<T> values, int n, String where) {
        if (values.size() > n) {
            throw new IllegalArgumentException(where + ": " + values.size() + " values for " + n + " elements");
        }
        if (values.isEmpty()) {
            throw new IllegalArgumentException(where + ": no values of the tensor's own dtype");
        }
        if (values.size() == n) {
            return values;
        }
        List<T> padded = new ArrayList<>(values);
        while (padded.size() < n) {
            padded.add(values.get(values.size() - 1));
        }
        return padded;
    }

    private static float[] padFloats(List<Float> values, int n, String where) {
        List<Float> p = pad(values, n, where);
        float[] a = new float[n];
        for (int i = 0; i < p.size(); i++) {
            a[i] = p.get(i);
        }
        return a;
    }

    private static int[] ints(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    /** {@code tensor_spec.to_proto}. */
    public static StructuredValue toProto(SpecNode node) {
        StructuredValue.Builder v = StructuredValue.newBuilder();
        if (node instanceof TensorSpec s && !s.isBounded()) {
            v.setTensorSpecValue(TensorSpecProto.newBuilder().setName(s.name() == null ? "" : s.name())
                    .setShape(shapeProto(s.shape())).setDtype(s.dtype().proto()));
        } else if (node instanceof TensorSpec s) {
            v.setBoundedTensorSpecValue(BoundedTensorSpecProto.newBuilder().setName(s.name() == null ? "" : s.name())
                    .setShape(shapeProto(s.shape())).setDtype(s.dtype().proto())
                    .setMinimum(tensorProto(s.minimum())).setMaximum(tensorProto(s.maximum())));
        } else if (node instanceof SpecNode.Dict d) {
            DictValue.Builder dict = DictValue.newBuilder();
            d.fields().forEach((k, f) -> dict.putFields(k, toProto(f)));
            v.setDictValue(dict);
        } else if (node instanceof SpecNode.NamedTuple n) {
            NamedTupleValue.Builder t = NamedTupleValue.newBuilder().setName(n.typeName());
            n.fields().forEach((k, f) -> t.addValues(PairValue.newBuilder().setKey(k).setValue(toProto(f))));
            v.setNamedTupleValue(t);
        } else {
            SpecNode.Sequence q = (SpecNode.Sequence) node;
            List<StructuredValue> items = q.items().stream().map(SpecFile::toProto).toList();
            if (q.isList()) {
                v.setListValue(ListValue.newBuilder().addAllValues(items));
            } else {
                v.setTupleValue(TupleValue.newBuilder().addAllValues(items));
            }
        }
        return v.build();
    }

    private static TensorShapeProto shapeProto(int[] shape) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (int d : shape) {
            s.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
        }
        return s.build();
    }

    /** TF's {@code make_tensor_proto} for a NumPy array: bytes when more than one element, else the typed list. */
    private static TensorProto tensorProto(TensorValue t) {
        TensorProto.Builder p = TensorProto.newBuilder().setDtype(t.dtype().proto()).setTensorShape(shapeProto(t.shape()));
        if (t.size() > 1) {
            return p.setTensorContent(ByteString.copyFrom(t.toLittleEndian())).build();
        }
        if (t.size() == 0) {
            return p.build();
        }
        // One element: the dtype's typed field, as make_tensor_proto's per-dtype append function fills it.
        switch (t.dtype()) {
            case FLOAT32 -> p.addFloatVal(t.floats()[0]);
            case FLOAT64 -> p.addDoubleVal(t.doubles()[0]);
            case INT64 -> p.addInt64Val(t.longs()[0]);
            case FLOAT16 -> p.addHalfVal(t.ints()[0]);
            default -> p.addIntVal(t.ints()[0]);
        }
        return p.build();
    }
}
