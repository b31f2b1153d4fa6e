package ibc4j.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The MSE agent's loss: IBC's per-example mean over A and batch mean, and its gradient. */
class MseLossTest {
    @Test
    void valuesAreMeanOverActionsThenOverTheBatch() {
        INDArray y = Nd4j.createFromArray(new float[][] {{1f, 2f, 3f}, {0f, 0f, 0f}});
        INDArray t = Nd4j.createFromArray(new float[][] {{0f, 2f, 5f}, {1f, -1f, 1f}});
        MseLoss.Result r = MseLoss.compute(y, t);
        // (1 + 0 + 4) / 3 and (1 + 1 + 1) / 3, exactly representable sums.
        assertEquals(5f / 3f, r.perExample().getFloat(0));
        assertEquals(1f, r.perExample().getFloat(1));
        assertEquals((5f / 3f + 1f) / 2f, r.total());
        // ∂/∂y = 2(y − t)/(B·A), in TF's order (2·((1/B)/A))·(y − t).
        float g = 2f * ((1f / 2) / 3);
        assertEquals(g * 1f, r.gradOutput().getFloat(0, 0));
        assertEquals(0f, r.gradOutput().getFloat(0, 1));
        assertEquals(g * -2f, r.gradOutput().getFloat(0, 2));
        assertEquals(g * -1f, r.gradOutput().getFloat(1, 0));
        assertThrows(IllegalArgumentException.class, () -> MseLoss.compute(y, t.reshape(3, 2)));
    }

    @Test
    void gradientMatchesCentralDifferences() {
        java.util.Random rnd = new java.util.Random(3);
        float[][] yv = new float[5][2];
        float[][] tv = new float[5][2];
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 2; j++) {
                yv[i][j] = (float) rnd.nextGaussian();
                tv[i][j] = (float) rnd.nextGaussian();
            }
        }
        INDArray t = Nd4j.createFromArray(tv);
        MseLoss.Result r = MseLoss.compute(Nd4j.createFromArray(yv), t);
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 2; j++) {
                // The loss is quadratic in y, so a central difference is exact for any step; what is left is
                // the float32 rounding of the two totals (a few 1e-7 of a total ~1), divided by 2h = 0.5.
                float h = 0.25f;
                float[][] p = copy(yv);
                p[i][j] += h;
                float[][] m = copy(yv);
                m[i][j] -= h;
                float fd = (MseLoss.compute(Nd4j.createFromArray(p), t).total()
                        - MseLoss.compute(Nd4j.createFromArray(m), t).total()) / (2 * h);
                assertTrue(Math.abs(fd - r.gradOutput().getFloat(i, j)) < 5e-6,
                        "d/dy[" + i + "," + j + "]: fd " + fd + " vs " + r.gradOutput().getFloat(i, j));
            }
        }
    }

    private static float[][] copy(float[][] a) {
        float[][] c = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }
}
