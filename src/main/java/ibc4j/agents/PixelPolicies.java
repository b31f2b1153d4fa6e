package ibc4j.agents;

import ibc4j.networks.pixel.PixelEBM;
import ibc4j.normalizers.ImageObservations;
import ibc4j.normalizers.Normalizers;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The observation path and final clip shared by the pixel policies; mirrors the opening of {@code _distribution}
 * in {@code ibc/agents/ibc_policy.py} and {@code mse_policy.py} (IBC db89ddb): {@code obs['rgb'] =
 * tf.image.convert_image_dtype(obs['rgb'], tf.float32)} (uint8 → [0, 1]), then {@code obs_norm_layer} per key —
 * the same two steps training applies before the network ({@code norm_train_data_fn}).
 */
final class PixelPolicies {
    private PixelPolicies() {}

    /** Raw observations per key {@code [B, T, d]} (rgb as its uint8 values) → the image {@code [B, T, H, W, C]}. */
    static INDArray normalizedRgb(Map<String, INDArray> raw, Object obsNormLayer, PixelEBM.ImageSpec spec) {
        Map<String, INDArray> obs = new LinkedHashMap<>(raw);
        INDArray rgb = obs.get("rgb");
        if (rgb != null) {
            obs.put("rgb", rgb.castTo(DataType.FLOAT).mul(ImageObservations.UINT8_SCALE));
        }
        if (obsNormLayer instanceof Map<?, ?> perKey) {
            @SuppressWarnings("unchecked")
            Map<String, Normalizers.Std> n = (Map<String, Normalizers.Std>) perKey;
            obs = Observations.normalize(obs, n);
        } else if (obsNormLayer != null) {
            throw new IllegalArgumentException("the pixel policies take a per-key obs_norm_layer (get_normalizers."
                    + "nested_obs = True, as IBC's pixel configs bind); got "
                    + obsNormLayer.getClass().getSimpleName());
        }
        return PixelObservations.rgb(obs, spec);
    }

    /** The env's bounds {@code {min, max}} for a bounded spec; null (no clip) for null or an unbounded one. */
    static float[][] clipBounds(Object actionSpec, int actionDim) {
        boolean bounded = actionSpec != null && !(actionSpec instanceof ibc4j.data.TensorSpec t && !t.isBounded());
        return bounded ? Specs.bounds(actionSpec, actionDim, "action_spec") : null;
    }

    /** {@code common.clip_to_spec}: elementwise to [minimum, maximum]; nothing without bounds. */
    static INDArray clip(INDArray actions, float[][] bounds) {
        if (bounds == null) {
            return actions;
        }
        int a = bounds[0].length;
        float[] x = actions.castTo(DataType.FLOAT).dup('c').data().asFloat();
        for (int i = 0; i < x.length; i++) {
            int j = i % a;
            x[i] = Math.min(Math.max(x[i], bounds[0][j]), bounds[1][j]);
        }
        return Nd4j.create(x, actions.shape(), 'c');
    }
}
