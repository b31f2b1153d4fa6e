package ibc4j.normalizers;

/**
 * The bounds counter examples are drawn from; mirrors {@code ibc/train/get_sampling_spec.py} (IBC db89ddb).
 *
 * <p>The dataset's min/max actions are widened by {@code uniform_boundary_buffer} of their range, clipped to the
 * env's action bounds, normalized, and then IBC takes element {@code [0]} of the normalized vectors: every action
 * dimension gets dimension 0's bounds (for the particle task ≈ [−1.004, 1.004]). The quirk is kept on purpose.
 */
public record SamplingSpec(float[] bufferedMin, float[] bufferedMax, float normalizedMin, float normalizedMax) {

    public static SamplingSpec of(float[] minActions, float[] maxActions, float[] envMin, float[] envMax,
                                  float uniformBoundaryBuffer, Normalizers.MinMax actNorm) {
        return of(minActions, maxActions, envMin, envMax, uniformBoundaryBuffer, actNorm::normalize);
    }

    /** As above with any act_norm_layer (min-max or z-scoring), given as its normalize function. */
    public static SamplingSpec of(float[] minActions, float[] maxActions, float[] envMin, float[] envMax,
                                  float uniformBoundaryBuffer, java.util.function.UnaryOperator<float[]> actNorm) {
        int a = minActions.length;
        float[] lo = new float[a];
        float[] hi = new float[a];
        for (int i = 0; i < a; i++) {
            float range = maxActions[i] - minActions[i];
            lo[i] = Math.max(envMin[i], minActions[i] - range * uniformBoundaryBuffer);
            hi[i] = Math.min(envMax[i], maxActions[i] + range * uniformBoundaryBuffer);
        }
        return new SamplingSpec(lo, hi, actNorm.apply(lo)[0], actNorm.apply(hi)[0]);
    }

    /** The scalar bounds repeated for each of the {@code actionDim} dimensions, as the sampler sees them. */
    public float[] minActions(int actionDim) {
        float[] out = new float[actionDim];
        java.util.Arrays.fill(out, normalizedMin);
        return out;
    }

    public float[] maxActions(int actionDim) {
        float[] out = new float[actionDim];
        java.util.Arrays.fill(out, normalizedMax);
        return out;
    }
}
