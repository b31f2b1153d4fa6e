package ibc4j.environments.particle;

import java.util.function.DoubleSupplier;

/**
 * tf-agents' {@code StreamingMetric} ({@code tf_agents/metrics/py_metrics.py}), the base of IBC's
 * {@code environments/particle/particle_metrics.py}: the last {@code bufferSize} per-episode values, averaged.
 *
 * <p>As in tf-agents the values sit in a float64 ring buffer ({@code NumpyDeque}) and {@link #result()} is
 * {@code np.mean(buffer, dtype=np.float32)} over the buffer in storage order: each value rounded to float32,
 * summed with numpy's pairwise summation in float32, then divided by the count (numpy 1.26.4, checked against it
 * on buffers of 1..1000 values). An empty buffer gives 0.
 *
 * <p>Call {@link #observe(float, boolean)} once per environment step, after the step, with the step's reward and
 * whether it ended the episode: that is the trajectory an IBC observer sees, before tf-agents' auto-reset.
 */
public abstract class StreamingMetric {
    private final String name;
    private final double[] buffer;
    private int start;
    private int len;

    /** A metric named {@code name} averaging the last {@code bufferSize} (&ge; 1) episodes. */
    protected StreamingMetric(String name, int bufferSize) {
        if (bufferSize < 1) {
            throw new IllegalArgumentException("buffer_size must be >= 1, got " + bufferSize + " for " + name);
        }
        this.name = name;
        this.buffer = new double[bufferSize];
    }

    /** The metric's name, as IBC logs it ({@code Metrics/<name>}). */
    public final String name() {
        return name;
    }

    /** Feeds one transition: its reward, and whether it is the episode's last ({@code trajectory.is_last()}). */
    public abstract void observe(float reward, boolean isLast);

    /** {@code add_to_buffer}: appends one episode's value, evicting the oldest once the buffer is full. */
    protected final void add(double value) {
        buffer[(start + len) % buffer.length] = value;
        if (len < buffer.length) {
            len++;
        } else {
            start = (start + 1) % buffer.length;
        }
    }

    /** Empties the buffer (IBC never does this between evals). */
    public void reset() {
        start = 0;
        len = 0;
    }

    /** How many values the buffer holds. */
    public final int size() {
        return len;
    }

    /** The buffered values, oldest first. */
    public final double[] values() {
        double[] out = new double[len];
        for (int i = 0; i < len; i++) {
            out[i] = buffer[(start + i) % buffer.length];
        }
        return out;
    }

    /** {@code result()}: the float32 mean of the buffer, as tf-agents computes it. */
    public final float result() {
        return len == 0 ? 0f : meanFloat32(buffer, len);
    }

    /** {@code np.mean(values[:n], dtype=np.float32)} for a float64 array. */
    static float meanFloat32(double[] values, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) values[i];
        }
        return (float) ((double) pairwiseSum(f, 0, n) / n);
    }

    /** numpy's {@code FLOAT_pairwise_sum} (loops_utils.h): 8 accumulators in blocks of at most 128. */
    static float pairwiseSum(float[] a, int from, int n) {
        if (n < 8) {
            float res = 0f;
            for (int i = 0; i < n; i++) {
                res += a[from + i];
            }
            return res;
        } else if (n <= 128) {
            float[] r = new float[8];
            System.arraycopy(a, from, r, 0, 8);
            int i = 8;
            for (; i < n - (n % 8); i += 8) {
                for (int j = 0; j < 8; j++) {
                    r[j] += a[from + i + j];
                }
            }
            float res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) {
                res += a[from + i];
            }
            return res;
        } else {
            int n2 = n / 2;
            n2 -= n2 % 8;
            return pairwiseSum(a, from, n2) + pairwiseSum(a, from + n2, n - n2);
        }
    }

    /**
     * A metric that appends {@code value} at each episode end, rounded to float32 as IBC's
     * {@code np.asarray(v, np.float32)}.
     */
    public static StreamingMetric atEpisodeEnd(String name, int bufferSize, DoubleSupplier value) {
        return new StreamingMetric(name, bufferSize) {
            @Override
            public void observe(float reward, boolean isLast) {
                if (isLast) {
                    add((float) value.getAsDouble());
                }
            }
        };
    }

    /** tf-agents' {@code AverageReturnMetric}: undiscounted episode return, summed in float64. */
    public static StreamingMetric averageReturn(int bufferSize) {
        return new StreamingMetric("AverageReturn", bufferSize) {
            private double episodeReturn;

            @Override
            public void observe(float reward, boolean isLast) {
                episodeReturn += reward;
                if (isLast) {
                    add(episodeReturn);
                    episodeReturn = 0;
                }
            }
        };
    }

    /** tf-agents' {@code AverageEpisodeLengthMetric}: environment steps per episode. */
    public static StreamingMetric averageEpisodeLength(int bufferSize) {
        return new StreamingMetric("AverageEpisodeLength", bufferSize) {
            private int steps;

            @Override
            public void observe(float reward, boolean isLast) {
                steps++;
                if (isLast) {
                    add(steps);
                    steps = 0;
                }
            }
        };
    }
}
