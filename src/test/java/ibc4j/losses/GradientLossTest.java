package ibc4j.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link GradientLoss}: IBC's inf-norm margin penalty on known values, and its gradient by finite differences. */
class GradientLossTest {

    @Test
    void infNormMarginSquaredMeanOverAllActions() {
        // B=1, m=2 (a counter example and the true action): norms 3 and 0.5 → (3-1)² and clip(-0.5)=0 → mean 2.
        INDArray g = Nd4j.createFromArray(new float[][] {{-3f, 2f}, {0.5f, -0.25f}});
        GradientLoss.Penalty p = GradientLoss.gradPenalty(g, 1, "inf", 1f, true, 1f, 1f);
        assertEquals(3.0, p.norms().getDouble(0, 0), 0);
        assertEquals(2.0, p.perExample().getDouble(0), 1e-6);
        // d/dg[0,0] = (1/m)·2·(3-1)·sign(-3) = -2; the other entries get nothing.
        assertEquals(-2.0, p.gradActionGrads().getDouble(0, 0), 1e-6);
        assertEquals(0.0, p.gradActionGrads().getDouble(0, 1), 0);
        assertEquals(0.0, p.gradActionGrads().getDouble(1, 0), 0);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        Nd4j.getRandom().setSeed(3);
        INDArray g = Nd4j.rand(DataType.FLOAT, 6, 3).muli(6f).subi(3f);
        for (String type : new String[] {"inf", "1", "2"}) {
            GradientLoss.Penalty p = GradientLoss.gradPenalty(g, 2, type, 1f, true, 1f, 0.5f);
            float eps = 1e-3f;
            for (int r = 0; r < 6; r++) {
                for (int c = 0; c < 3; c++) {
                    INDArray up = g.dup();
                    up.putScalar(r, c, g.getFloat(r, c) + eps);
                    INDArray dn = g.dup();
                    dn.putScalar(r, c, g.getFloat(r, c) - eps);
                    double fd = 0.5 * (GradientLoss.gradPenalty(up, 2, type, 1f, true, 1f, 1f).perExample()
                            .sumNumber().doubleValue() - GradientLoss.gradPenalty(dn, 2, type, 1f, true, 1f, 1f)
                            .perExample().sumNumber().doubleValue()) / (2 * eps);
                    // penalty values ~1-10 in float32 (ulp ~1e-6) over 2·eps: FD noise ~1e-3; the max is piecewise
                    // linear, so away from ties FD is exact up to that noise.
                    assertEquals(fd, p.gradActionGrads().getDouble(r, c), 3e-3, type + " [" + r + "," + c + "]");
                }
            }
        }
    }

    @Test
    void rejectsRowsThatDoNotSplitIntoTheBatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradientLoss.gradPenalty(Nd4j.zeros(DataType.FLOAT, 5, 2), 2, "inf", 1f, true, 1f, 1f));
        assertEquals("actionGrads: expected [B*m, A] with B = 2, got [5, 2]", e.getMessage());
    }
}
