package ibc4j.agents.policy;

import ibc4j.normalizers.Normalizers;
import java.util.Map;
import java.util.SortedMap;

/**
 * The flat observation of IBC's MLPEBM ({@code tf.nest.flatten} of the dict: sorted keys, time-major) and the
 * {@code obs_norm_layer} laid over it: each key's {@code [d]} statistics repeated for every frame, so the
 * normalization of the flat row is, value for value, the float32 ops of IBC's per-key StdNormalizationLayer.
 *
 * @param mean null when there is no obs normalizer (then {@code std} is null too)
 */
record ObsLayout(String[] keys, int[] dims, int historyLength, float[] mean, float[] std) {

    /**
     * @param layout       key → width per frame (sorted)
     * @param obsDim       the network's observation width: Σ widths × frames
     * @param obsNormLayer IbcPolicy's obs_norm_layer: a {@code Map<String, Normalizers.Std>} per key, one
     *                     {@code Normalizers.Std} over the flat values, or null
     */
    @SuppressWarnings("unchecked")
    static ObsLayout of(SortedMap<String, Integer> layout, int obsDim, Object obsNormLayer) {
        String[] keys = layout.keySet().toArray(String[]::new);
        int[] dims = layout.values().stream().mapToInt(Integer::intValue).toArray();
        int frame = java.util.Arrays.stream(dims).sum();
        if (frame <= 0 || obsDim % frame != 0) {
            throw new IllegalArgumentException("observation layout " + layout + " (" + frame + " values per frame) "
                    + "does not tile the network's observation width " + obsDim);
        }
        int t = obsDim / frame;
        if (obsNormLayer == null) {
            return new ObsLayout(keys, dims, t, null, null);
        }
        float[] mean = new float[obsDim];
        float[] std = new float[obsDim];
        if (obsNormLayer instanceof Map<?, ?> perKey) {
            int i = 0;
            for (int f = 0; f < t; f++) {
                for (int k = 0; k < keys.length; k++) {
                    Normalizers.Std n = ((Map<String, Normalizers.Std>) perKey).get(keys[k]);
                    if (n == null || n.mean().length != dims[k]) {
                        throw new IllegalArgumentException("obs_norm_layer: " + (n == null ? "no normalizer"
                                : n.mean().length + " values") + " for observation key '" + keys[k] + "' of width "
                                + dims[k]);
                    }
                    System.arraycopy(n.mean(), 0, mean, i, dims[k]);
                    System.arraycopy(n.std(), 0, std, i, dims[k]);
                    i += dims[k];
                }
            }
            if (perKey.size() != keys.length) {
                throw new IllegalArgumentException("obs_norm_layer has keys " + perKey.keySet() + ", the layout "
                        + layout.keySet());
            }
        } else if (obsNormLayer instanceof Normalizers.Std one) {
            int d = one.mean().length;
            if (obsDim % d != 0) {
                throw new IllegalArgumentException("obs_norm_layer: " + d + " statistics do not tile " + obsDim);
            }
            for (int i = 0; i < obsDim; i++) {
                mean[i] = one.mean()[i % d];
                std[i] = one.std()[i % d];
            }
        } else {
            throw new UnsupportedOperationException("obs_norm_layer " + obsNormLayer.getClass().getName()
                    + " cannot be exported; only a Map of Normalizers.Std per key, one Normalizers.Std, or None");
        }
        return new ObsLayout(keys, dims, t, mean, std);
    }
}
