package ibc4j.normalizers;

import ibc4j.data.DType;
import ibc4j.data.SequenceWindow;
import ibc4j.data.SpecNode;
import ibc4j.data.TensorSpec;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The image keys of an observation dict and their {@code tf.image.convert_image_dtype(uint8 → float32)}, as
 * {@code ibc/train/get_normalizers.py} applies it (IBC db89ddb): in {@code drop_info_and_float_cast} before the
 * statistics, and in {@code norm_train_data_fn} before {@code obs_norm_layer}. The image is thus scaled to [0, 1]
 * and then, like every other key, z-scored per element by the NestMap's StdNormalizationLayer (its mean and std
 * have the image's {@code [H, W, C]} shape, computed on the scaled values).
 */
public final class ImageObservations {
    /** {@code ibc/utils/constants.py} IMG_KEYS. */
    public static final List<String> IMG_KEYS = List.of("rgb", "front", "image");
    /** {@code 1. / 255} as TF multiplies by it: a Python float64 converted to a float32 tensor. */
    public static final float UINT8_SCALE = (float) (1.0 / 255);

    private ImageObservations() {}

    /**
     * The observation keys of a Trajectory spec that {@code convert_image_dtype} scales: IMG_KEYS stored as
     * uint8 (on a float key the op is a cast, which changes nothing).
     */
    public static Set<String> uint8ImageKeys(SpecNode trajectory) {
        Set<String> out = new TreeSet<>();
        if (trajectory instanceof SpecNode.NamedTuple t && t.field("observation") instanceof SpecNode.Dict obs) {
            for (Map.Entry<String, SpecNode> e : obs.fields().entrySet()) {
                if (IMG_KEYS.contains(e.getKey()) && e.getValue() instanceof TensorSpec s
                        && s.dtype() == DType.UINT8) {
                    out.add(e.getKey());
                }
            }
        }
        return out;
    }

    /** {@code convert_image_dtype}: {@code x · fl32(1/255)}, a float32 multiplication, into a new array. */
    public static float[] convert(float[] uint8Values) {
        float[] out = new float[uint8Values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = uint8Values[i] * UINT8_SCALE;
        }
        return out;
    }

    /** The window with its {@code imageKeys} converted. */
    public static SequenceWindow convert(SequenceWindow w, Set<String> imageKeys) {
        if (imageKeys.isEmpty()) {
            return w;
        }
        TreeMap<String, float[][]> obs = new TreeMap<>(w.observation());
        for (String k : imageKeys) {
            float[][] frames = obs.get(k);
            if (frames == null) {
                continue;
            }
            float[][] scaled = new float[frames.length][];
            for (int t = 0; t < frames.length; t++) {
                scaled[t] = convert(frames[t]);
            }
            obs.put(k, scaled);
        }
        return new SequenceWindow(w.shard(), w.records(), w.stepTypes(), obs, w.actions());
    }

    /** {@link #convert(SequenceWindow, Set)} of every window (the statistics' input stream). */
    public static Iterator<SequenceWindow> convert(Iterator<SequenceWindow> windows, Set<String> imageKeys) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return windows.hasNext();
            }

            @Override
            public SequenceWindow next() {
                return convert(windows.next(), imageKeys);
            }
        };
    }
}
