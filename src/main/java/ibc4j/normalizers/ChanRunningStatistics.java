package ibc4j.normalizers;

/**
 * Running per-dimension mean and variance; mirrors {@code ibc/train/stats.py} {@code ChanRunningStatistics} with
 * tf-agents' {@code parallel_variance_calculation} and Kahan-summed second moment, in float32 as NumPy does it.
 *
 * <p>IBC feeds one vector at a time (each time step of each observation, each action), as set A of Chan's
 * update with n_a = 1 and m2_a = 0, merged into the running set B. The standard deviation is the population one.
 */
public final class ChanRunningStatistics {
    private final float[] mean;
    private final float[] m2;
    private final float[] m2Carry;
    private long n;

    public ChanRunningStatistics(int dim) {
        mean = new float[dim];
        m2 = new float[dim];
        m2Carry = new float[dim];
    }

    /** Merges one sample vector (Chan's rule with n_a = 1, avg_a = x, m2_a = 0). */
    public void update(float[] x) {
        if (x.length != mean.length) {
            throw new IllegalArgumentException("statistics: expected a vector of " + mean.length + " values, got "
                    + x.length);
        }
        long nAb = 1 + n;
        for (int i = 0; i < x.length; i++) {
            float delta = mean[i] - x[i];                            // avg_b − avg_a
            float sDelta = delta * (float) n / (float) nAb;          // delta · n_b / n_ab, left to right
            mean[i] = x[i] + sDelta;                                 // avg_a + s_delta
            float value = 0f + (delta * 1f * sDelta);                // m2_a + delta · n_a · s_delta
            float d = value - m2Carry[i];                            // Kahan: delta = value − carry
            float acc = m2[i] + d;
            m2Carry[i] = (acc - m2[i]) - d;
            m2[i] = acc;
        }
        n = nAb;
    }

    public long count() {
        return n;
    }

    public float[] mean() {
        return mean.clone();
    }

    /** {@code sqrt(m2 / n)} in float32. */
    public float[] std() {
        float[] s = new float[mean.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) Math.sqrt(m2[i] / (float) n);
        }
        return s;
    }
}
