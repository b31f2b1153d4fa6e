package ibc4j.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link EbmLoss}: known values of Keras' clipped KL, and its gradient by finite differences. */
class EbmLossTest {

    @Test
    void uniformLogitsGiveLogNPlusOneMinusTheClippedLabelTerms() {
        // p_j = 1/9 everywhere; L = -log(1/9) + 8·1e-7·(log(1e-7) - log(1/9)) = 2.1972246 - 1.11367e-5.
        EbmLoss.InfoNce r = EbmLoss.infoNce(Nd4j.zeros(DataType.FLOAT, 2, 9), 1f, 0.5f);
        assertEquals(2.1972135, r.perExampleLoss().getDouble(0), 1e-6);
        assertEquals(1.0 / 9, r.probabilities().getDouble(1, 3), 1e-7);
    }

    @Test
    void lossSaturatesWhenThePositiveIsBelowTheClip() {
        INDArray z = Nd4j.createFromArray(new float[][] {{40f, 0f, -20f}});
        EbmLoss.InfoNce r = EbmLoss.infoNce(z, 1f, 1f);
        // p_last = e^-60 < 1e-7: Keras clips it, so the positive term is -log(1e-7) = 16.118095 with zero gradient.
        assertEquals(16.118095, r.perExampleLoss().getDouble(0), 1e-4);
        assertEquals(0.0, r.gradPredictions().getDouble(0, 2), 1e-12);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        Nd4j.getRandom().setSeed(7);
        INDArray z = Nd4j.rand(DataType.FLOAT, 3, 5).muli(2f).subi(1f);
        float temperature = 0.7f;
        EbmLoss.InfoNce r = EbmLoss.infoNce(z, temperature, 1f);
        float eps = 1e-2f;
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 5; j++) {
                INDArray up = z.dup();
                up.putScalar(i, j, z.getFloat(i, j) + eps);
                INDArray down = z.dup();
                down.putScalar(i, j, z.getFloat(i, j) - eps);
                double fd = (EbmLoss.infoNce(up, temperature, 1f).perExampleLoss().sumNumber().doubleValue()
                        - EbmLoss.infoNce(down, temperature, 1f).perExampleLoss().sumNumber().doubleValue()) / (2 * eps);
                // float32 loss ~2 with ulp 2.4e-7, over 2·eps = 0.02: FD noise ~2e-5, curvature error ~eps² ~1e-4.
                assertEquals(fd, r.gradPredictions().getDouble(i, j), 5e-4, "d loss / d z[" + i + "," + j + "]");
            }
        }
    }

    @Test
    void cdIsMeanCounterMinusTrue() {
        INDArray z = Nd4j.createFromArray(new float[][] {{1f, 3f, 10f}});
        assertEquals(-8.0, EbmLoss.cd(z).getDouble(0), 1e-6);
    }
}
