package ibc4j.agents.policy;

import ibc4j.runtime.NoiseSource;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The draws of an exported policy: {@link java.util.Random}, whose algorithm (and so every draw for a given seed)
 * is fixed by its specification, so a policy file acts the same in every JVM and every ND4J version or backend
 * (ND4J's native generator repeats across processes for a given seed and build, but its algorithm is not a
 * published contract).
 * Values are filled in c-order; uniform {@code nextFloat} in [0, 1), normal {@code nextGaussian} rounded to float32,
 * categorical by inverse CDF on {@code nextDouble}. Not thread-safe.
 */
public final class PortableNoise implements NoiseSource {
    private final Random rng;

    public PortableNoise(long seed) {
        this.rng = new Random(seed);
    }

    @Override
    public void uniform(INDArray out) {
        float[] x = new float[(int) out.length()];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextFloat();
        }
        out.assign(Nd4j.create(x, out.shape(), 'c').castTo(out.dataType()));
    }

    @Override
    public void normal(INDArray out) {
        float[] x = new float[(int) out.length()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        out.assign(Nd4j.create(x, out.shape(), 'c').castTo(out.dataType()));
    }

    @Override
    public int[][] categorical(INDArray logits, int numSamples) {
        int rows = (int) logits.size(0);
        int n = (int) logits.size(1);
        double[][] l = logits.castTo(DataType.DOUBLE).toDoubleMatrix();
        int[][] out = new int[rows][numSamples];
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : l[r]) {
                max = Math.max(max, v);
            }
            double[] cdf = new double[n];
            double total = 0;
            for (int j = 0; j < n; j++) {
                total += Math.exp(l[r][j] - max);
                cdf[j] = total;
            }
            for (int s = 0; s < numSamples; s++) {
                double u = rng.nextDouble() * total;
                int idx = java.util.Arrays.binarySearch(cdf, u);
                out[r][s] = Math.min(n - 1, idx >= 0 ? idx + 1 : -idx - 1);
            }
        }
        return out;
    }
}
