package ibc4j.runtime;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where IBC's random draws come from: ND4J's generator in normal use, or the exact tensors TF drew (recorded by
 * the golden exporter) when checking parity, so Java replays TF's noise instead of re-deriving it.
 */
public interface NoiseSource {
    /** Fills {@code out} with U[0, 1) draws. */
    void uniform(INDArray out);

    /** Fills {@code out} with N(0, 1) draws. */
    void normal(INDArray out);

    /**
     * {@code tf.random.categorical(logits, numSamples)}: for each row of unnormalised log-probabilities
     * {@code [B, n]}, {@code numSamples} indices drawn with replacement.
     */
    int[][] categorical(INDArray logits, int numSamples);

    /**
     * The source IBC's gin-visible functions draw from when called without one (TF draws from its global
     * generator): the innermost {@link #use} on this thread, else {@link #nd4jGlobal()}.
     */
    public static NoiseSource current() {
        NoiseSource s = CurrentNoise.STACK.get().peek();
        return s != null ? s : nd4jGlobal();
    }

    /**
     * Makes {@code source} the {@link #current()} one on this thread until the returned scope is closed; how a
     * caller hands replayed or seeded noise to a function called through gin.
     */
    public static Scope use(NoiseSource source) {
        java.util.Objects.requireNonNull(source, "source");
        CurrentNoise.STACK.get().push(source);
        return () -> {
            if (CurrentNoise.STACK.get().peek() != source) {
                throw new IllegalStateException("NoiseSource scopes closed out of order");
            }
            CurrentNoise.STACK.get().pop();
        };
    }

    /** A {@link #use} scope; closing it restores the previous source. */
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Draws from ND4J's global generator, seeded first (the analogue of {@code tf.random.set_seed}). */
    public static NoiseSource seeded(long seed) {
        Nd4j.getRandom().setSeed(seed);
        return nd4jGlobal();
    }

    /** Draws from ND4J's global generator as it stands (TF's global generator). */
    public static NoiseSource nd4jGlobal() {
        return new NoiseSource() {
            @Override
            public void uniform(INDArray out) {
                Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.random.impl.UniformDistribution(out, 0.0, 1.0),
                        Nd4j.getRandom());
            }

            @Override
            public void normal(INDArray out) {
                Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.random.impl.GaussianDistribution(out, 0.0, 1.0),
                        Nd4j.getRandom());
            }

            @Override
            public int[][] categorical(INDArray logits, int numSamples) {
                int rows = (int) logits.size(0);
                int n = (int) logits.size(1);
                int[][] out = new int[rows][numSamples];
                for (int r = 0; r < rows; r++) {
                    double max = logits.getRow(r).maxNumber().doubleValue();
                    double[] cdf = new double[n];
                    double total = 0;
                    for (int j = 0; j < n; j++) {
                        total += Math.exp(logits.getDouble(r, j) - max);
                        cdf[j] = total;
                    }
                    for (int s = 0; s < numSamples; s++) {
                        double u = Nd4j.getRandom().nextDouble() * total;
                        int idx = java.util.Arrays.binarySearch(cdf, u);
                        out[r][s] = Math.min(n - 1, idx >= 0 ? idx + 1 : -idx - 1);
                    }
                }
                return out;
            }
        };
    }

    /** Replays recorded draws in call order; a shape mismatch or running out is an error naming the draw. */
    public static NoiseSource replay(List<INDArray> uniforms, List<INDArray> normals) {
        return replay(uniforms, normals, List.of());
    }

    /** As {@link #replay(List, List)}, plus recorded categorical draws ({@code [B, numSamples]} int arrays). */
    public static NoiseSource replay(List<INDArray> uniforms, List<INDArray> normals, List<INDArray> categoricals) {
        Deque<INDArray> u = new ArrayDeque<>(uniforms);
        Deque<INDArray> n = new ArrayDeque<>(normals);
        Deque<INDArray> c = new ArrayDeque<>(categoricals);
        return new NoiseSource() {
            private int drawn;

            @Override
            public int[][] categorical(INDArray logits, int numSamples) {
                INDArray next = c.poll();
                drawn++;
                if (next == null || next.size(0) != logits.size(0) || next.size(1) != numSamples) {
                    throw new IllegalStateException("replayed categorical draw " + drawn + ": "
                            + (next == null ? "ran out" : "recorded shape " + Arrays.toString(next.shape()))
                            + ", requested [" + logits.size(0) + ", " + numSamples + "]");
                }
                return next.toIntMatrix();
            }

            @Override
            public void uniform(INDArray out) {
                take(u, out, "uniform");
            }

            @Override
            public void normal(INDArray out) {
                take(n, out, "normal");
            }

            private void take(Deque<INDArray> q, INDArray out, String kind) {
                drawn++;
                INDArray next = q.poll();
                if (next == null) {
                    throw new IllegalStateException("replayed noise ran out at draw " + drawn + " (" + kind + ")");
                }
                if (next.length() != out.length()) {
                    throw new IllegalStateException("replayed " + kind + " draw " + drawn + ": recorded shape "
                            + Arrays.toString(next.shape()) + ", requested " + Arrays.toString(out.shape()));
                }
                out.assign(next.reshape(out.shape()));
            }
        };
    }

    /** The per-thread stack behind {@link #use}. */
    final class CurrentNoise {
        private static final ThreadLocal<Deque<NoiseSource>> STACK = ThreadLocal.withInitial(ArrayDeque::new);

        private CurrentNoise() {}
    }
}
