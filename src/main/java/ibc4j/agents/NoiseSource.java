package ibc4j.agents;

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

    /** Draws from ND4J's generator, seeded. */
    static NoiseSource seeded(long seed) {
        Nd4j.getRandom().setSeed(seed);
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
        };
    }

    /** Replays recorded draws in call order; a shape mismatch or running out is an error naming the draw. */
    static NoiseSource replay(List<INDArray> uniforms, List<INDArray> normals) {
        Deque<INDArray> u = new ArrayDeque<>(uniforms);
        Deque<INDArray> n = new ArrayDeque<>(normals);
        return new NoiseSource() {
            private int drawn;

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
}
