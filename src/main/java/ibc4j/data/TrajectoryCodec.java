package ibc4j.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Records of a tf-agents {@code Trajectory} spec as {@link TrajectoryStep}s, both ways: the typed face of
 * {@code example_encoding} for the datasets IBC trains on ({@code data/dataset.py}, which builds its decoder
 * from the first shard's {@code .spec}).
 *
 * <p>The spec must be a {@code Trajectory} namedtuple whose step types are int32 scalars, reward and discount
 * float32 scalars, action a single float32 array and every observation leaf float32 (all true of IBC's
 * particle, block-pushing and D4RL data). policy_info may be any nest, usually {@code ()}.
 */
public final class TrajectoryCodec {
    private static final String OBSERVATION = "observation";
    private static final String POLICY_INFO = "policy_info";

    private final SpecNode.NamedTuple spec;
    private final ExampleCodec codec;

    /** @throws IllegalArgumentException naming the field, if {@code spec} is not a Trajectory this class handles */
    public TrajectoryCodec(SpecNode spec) {
        this(spec, false);
    }

    /** @param compressImage encode uint8 {@code [h, w, c]} observations as JPEG ({@link ExampleCodec}) */
    public TrajectoryCodec(SpecNode spec, boolean compressImage) {
        if (!(spec instanceof SpecNode.NamedTuple t) || !t.typeName().equals("Trajectory")) {
            String transition = spec instanceof SpecNode.NamedTuple n && n.typeName().equals("Transition")
                    ? " (IBC's data/dataset.py windows Trajectory records only; tf-agents' Trajectory.from_transition"
                    + " converts)" : "";
            throw new IllegalArgumentException("expected a Trajectory spec, got " + describe(spec) + transition);
        }
        this.spec = t;
        this.codec = new ExampleCodec(spec, compressImage);
        expectScalar(t, "step_type", DType.INT32);
        expectScalar(t, "next_step_type", DType.INT32);
        expectScalar(t, "reward", DType.FLOAT32);
        expectScalar(t, "discount", DType.FLOAT32);
        t.field(POLICY_INFO);
        for (SpecNode.Leaf leaf : t.field(OBSERVATION).flatten()) {
            if (leaf.spec().dtype() != DType.UINT8) { // uint8: images (pixel configs), held as their float values
                expectFloat32(OBSERVATION + (leaf.path().isEmpty() ? "" : "/" + leaf.path()), leaf.spec());
            }
        }
        if (!(t.field("action") instanceof TensorSpec action)) {
            throw new IllegalArgumentException("Trajectory.action is " + describe(t.field("action"))
                    + "; TrajectoryStep holds a single float32 array");
        }
        expectFloat32("action", action);
    }

    /** The codec for a dataset file, from its {@code .spec} sidecar. */
    public static TrajectoryCodec forFile(Path tfrecord) throws IOException {
        Path spec = SpecFile.specPathFor(tfrecord);
        SpecNode node = SpecFile.read(spec);
        try {
            return new TrajectoryCodec(node);
        } catch (IllegalArgumentException e) {
            throw new IOException(spec + ": " + e.getMessage(), e);
        }
    }

    /**
     * Every record of {@code tfrecord}, decoded with its own {@code .spec}.
     *
     * @throws IOException a {@link TFRecordException} for damaged framing, or an IOException naming the file,
     *                     record index and offset when a record does not match the spec
     */
    public static List<TrajectoryStep> readAll(Path tfrecord) throws IOException {
        TrajectoryCodec codec = forFile(tfrecord);
        List<TrajectoryStep> steps = new ArrayList<>();
        try (TFRecordReader reader = TFRecordReader.open(tfrecord)) {
            long offset = reader.offset();
            for (byte[] r = reader.read(); r != null; r = reader.read()) {
                try {
                    steps.add(codec.decode(r));
                } catch (IllegalArgumentException e) {
                    throw new IOException(tfrecord + ": record " + (reader.recordsRead() - 1) + " at byte offset "
                            + offset + ": " + e.getMessage(), e);
                }
                offset = reader.offset();
            }
        }
        return steps;
    }

    public SpecNode.NamedTuple spec() {
        return spec;
    }

    /** The generic codec underneath, for fields this class does not type. */
    public ExampleCodec exampleCodec() {
        return codec;
    }

    /** Decodes one serialized {@code tf.train.Example}. */
    public TrajectoryStep decode(byte[] record) {
        Map<String, TensorValue> v = codec.decode(record);
        SortedMap<String, float[]> observation = new TreeMap<>();
        Map<String, TensorValue> policyInfo = new LinkedHashMap<>();
        for (Map.Entry<String, TensorValue> e : v.entrySet()) {
            String obsKey = below(OBSERVATION, e.getKey());
            String infoKey = below(POLICY_INFO, e.getKey());
            if (obsKey != null) {
                observation.put(obsKey, e.getValue().dtype() == DType.UINT8 ? uint8AsFloats(e.getValue().ints())
                        : e.getValue().floats());
            } else if (infoKey != null) {
                policyInfo.put(infoKey, e.getValue());
            }
        }
        observation.forEach((k, x) -> requireFinite(OBSERVATION + "/" + k, x));
        float[] action = requireFinite("action", v.get("action").floats());
        float reward = requireFinite("reward", v.get("reward").floats())[0];
        float discount = requireFinite("discount", v.get("discount").floats())[0];
        return new TrajectoryStep(v.get("step_type").ints()[0], observation, action, policyInfo,
                v.get("next_step_type").ints()[0], reward, discount);
    }

    /** A NaN or infinity in a record is refused here, naming the feature, instead of surfacing as a NaN loss. */
    private static float[] requireFinite(String feature, float[] x) {
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                throw new IllegalArgumentException("feature " + feature + "[" + i + "] is " + x[i]
                        + " (non-finite values cannot be trained on)");
            }
        }
        return x;
    }

    /** Encodes {@code step} as tf-agents' example encoder would for this spec. */
    public byte[] encode(TrajectoryStep step) {
        Map<String, TensorValue> v = new LinkedHashMap<>();
        v.put("step_type", TensorValue.scalarInt32(step.stepType()));
        v.put("next_step_type", TensorValue.scalarInt32(step.nextStepType()));
        v.put("reward", TensorValue.scalar(step.reward()));
        v.put("discount", TensorValue.scalar(step.discount()));
        v.put("action", shaped("action", (TensorSpec) spec.field("action"), step.action()));
        List<SpecNode.Leaf> obsLeaves = spec.field(OBSERVATION).flatten();
        SortedMap<String, float[]> obs = step.observation();
        if (!obs.keySet().equals(keys(obsLeaves))) {
            throw new IllegalArgumentException("observation keys " + obs.keySet() + " do not match the spec's "
                    + keys(obsLeaves));
        }
        for (SpecNode.Leaf leaf : obsLeaves) {
            String path = OBSERVATION + (leaf.path().isEmpty() ? "" : "/" + leaf.path());
            v.put(path, shaped(path, leaf.spec(), obs.get(leaf.path())));
        }
        step.policyInfo().forEach((k, t) -> v.put(k.isEmpty() ? POLICY_INFO : POLICY_INFO + "/" + k, t));
        return codec.serialize(v);
    }

    private static TensorValue shaped(String path, TensorSpec spec, float[] values) {
        if (values.length != spec.size()) {
            throw new IllegalArgumentException("'" + path + "' has " + values.length + " floats; spec "
                    + spec.describe() + " needs " + spec.size());
        }
        if (spec.dtype() == DType.UINT8) {
            int[] ints = new int[values.length];
            for (int i = 0; i < ints.length; i++) {
                if (values[i] != Math.rint(values[i]) || values[i] < 0 || values[i] > 255) {
                    throw new IllegalArgumentException("'" + path + "'[" + i + "] is " + values[i] + "; spec "
                            + spec.describe() + " holds integers in [0, 255]");
                }
                ints[i] = (int) values[i];
            }
            return TensorValue.ofInts(DType.UINT8, spec.shape(), ints);
        }
        return TensorValue.ofFloats(spec.shape(), values);
    }

    /** A uint8 tensor's values as float32 ({@code tf.cast}; exact for 0..255). */
    private static float[] uint8AsFloats(int[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    /** The path below {@code field}: "" for the field itself, null if {@code path} is not under it. */
    private static String below(String field, String path) {
        if (path.equals(field)) {
            return "";
        }
        return path.startsWith(field + "/") ? path.substring(field.length() + 1) : null;
    }

    private static SortedSet<String> keys(List<SpecNode.Leaf> leaves) {
        SortedSet<String> keys = new TreeSet<>();
        leaves.forEach(l -> keys.add(l.path()));
        return keys;
    }

    private static void expectScalar(SpecNode.NamedTuple t, String field, DType dtype) {
        SpecNode f = t.field(field);
        if (!(f instanceof TensorSpec s) || s.dtype() != dtype || s.shape().length != 0) {
            throw new IllegalArgumentException("Trajectory." + field + " is " + describe(f) + "; expected a "
                    + dtype + " scalar");
        }
    }

    private static void expectFloat32(String path, TensorSpec s) {
        if (s.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("'" + path + "' is " + s.describe() + "; TrajectoryStep holds float32");
        }
    }

    private static String describe(SpecNode n) {
        if (n instanceof SpecNode.NamedTuple t) {
            return "a " + t.typeName() + " namedtuple";
        }
        return n instanceof TensorSpec s ? s.describe() : "a " + n.getClass().getSimpleName().toLowerCase();
    }

    /**
     * The Trajectory spec a tf-agents policy's {@code collect_data_spec} has for this observation and action:
     * {@code step_type}/{@code next_step_type} int32 scalars named "step_type", {@code reward} float32 named
     * "reward", {@code discount} bounded [0, 1] named "discount", {@code policy_info} {@code ()}.
     */
    public static SpecNode.NamedTuple trajectorySpec(SpecNode observation, TensorSpec action) {
        TensorSpec stepType = TensorSpec.of("step_type", DType.INT32);
        Map<String, SpecNode> fields = new LinkedHashMap<>();
        fields.put("step_type", stepType);
        fields.put(OBSERVATION, observation);
        fields.put("action", action);
        fields.put(POLICY_INFO, SpecNode.emptyTuple());
        fields.put("next_step_type", stepType);
        fields.put("reward", TensorSpec.of("reward", DType.FLOAT32));
        fields.put("discount", TensorSpec.bounded("discount", 0f, 1f));
        return new SpecNode.NamedTuple("Trajectory", fields);
    }
}
