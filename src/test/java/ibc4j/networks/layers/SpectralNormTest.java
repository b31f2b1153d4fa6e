package ibc4j.networks.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** DenseSN's power iteration and the gradient through it. */
class SpectralNormTest {
    private static INDArray uniform(long seed, int rows, int cols) {
        INDArray a = Nd4j.create(DataType.DOUBLE, rows, cols);
        Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.random.impl.UniformDistribution(a, -1, 1),
                Nd4j.getRandomFactory().getNewRandomInstance(seed));
        return a;
    }

    /** For W = x·yᵀ one iteration is exact: σ = ‖x‖·‖y‖, u' = ±y/‖y‖, and W̄ has spectral norm 1. */
    @Test
    void rankOneKernelIsNormalisedExactlyInOneIteration() {
        INDArray x = Nd4j.createFromArray(new double[][] {{1}, {2}, {2}});      // ‖x‖ = 3
        INDArray y = Nd4j.createFromArray(new double[][] {{0, 3, 4}});          // ‖y‖ = 5
        INDArray w = x.mmul(y);                                                 // [3, 3]
        INDArray u = Nd4j.createFromArray(new double[][] {{0.3, -0.2, 0.9}});   // u·y ≠ 0
        INDArray wBar = Nd4j.create(DataType.DOUBLE, 3, 3);
        SpectralNorm.Iteration it = SpectralNorm.normalize(w, u, wBar);
        assertEquals(15.0, it.sigma(), 1e-10); // ε = 1e-12 in both normalisations moves σ by ~1e-12
        double sign = Math.signum(it.uNext().getDouble(0, 2));
        assertEquals(0.0, it.uNext().sub(y.div(5).mul(sign)).amaxNumber().doubleValue(), 1e-12);
        assertEquals(0.0, wBar.sub(w.div(15)).amaxNumber().doubleValue(), 1e-12);
        assertEquals(0.3, u.getDouble(0, 0), 0.0, "normalize must not write u");
    }

    /** backward = central differences of L(W) = Σ G∘W̄(W), u held fixed: σ, u' and v are all differentiated. */
    @Test
    void backwardMatchesFiniteDifferencesInDouble() {
        INDArray w = uniform(1, 5, 4);
        INDArray u = uniform(2, 1, 4);
        INDArray g = uniform(3, 5, 4);
        INDArray wBar = Nd4j.create(DataType.DOUBLE, 5, 4);
        INDArray grad = SpectralNorm.backward(w, SpectralNorm.normalize(w, u, wBar), g);
        double eps = 1e-6;
        double worst = 0;
        double onlyDirect = 0; // the error if σ, u', v were treated as constants
        INDArray direct = g.div(SpectralNorm.normalize(w, u, wBar).sigma());
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 4; j++) {
                double v = w.getDouble(i, j);
                w.putScalar(i, j, v + eps);
                SpectralNorm.normalize(w, u, wBar);
                double lp = wBar.mul(g).sumNumber().doubleValue();
                w.putScalar(i, j, v - eps);
                SpectralNorm.normalize(w, u, wBar);
                double lm = wBar.mul(g).sumNumber().doubleValue();
                w.putScalar(i, j, v);
                double fd = (lp - lm) / (2 * eps);
                worst = Math.max(worst, Math.abs(fd - grad.getDouble(i, j)));
                onlyDirect = Math.max(onlyDirect, Math.abs(fd - direct.getDouble(i, j)));
            }
        }
        double scale = grad.amaxNumber().doubleValue();
        assertTrue(worst < 1e-7 * scale, "backward vs finite differences: " + worst + " (scale " + scale + ")");
        assertTrue(onlyDirect > 1e-3 * scale, "the σ/u'/v terms should matter: " + onlyDirect);
    }
}
