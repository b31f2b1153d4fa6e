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

    /** [B, n+1] logits, counter examples [B, n, A] at chosen squared distances from the true actions [B, A]. */
    private static INDArray[] contrastiveCase(DataType dt) {
        java.util.Random r = new java.util.Random(17);
        int b = 4;
        int n = 5;
        int a = 2;
        double[][] z = new double[b][n + 1];
        double[][][] c = new double[b][n][a];
        double[][] t = new double[b][a];
        for (int i = 0; i < b; i++) {
            t[i][0] = r.nextGaussian();
            t[i][1] = r.nextGaussian();
            for (int j = 0; j <= n; j++) {
                z[i][j] = 3 * r.nextGaussian();
            }
            for (int j = 0; j < n; j++) {
                // squared distances 0.02 … 0.6, both sides of the 0.2 threshold, none within 1e-3 of it
                double d = Math.sqrt(0.02 + 0.145 * j + 0.01 * i);
                double phi = 2 * Math.PI * r.nextDouble();
                c[i][j][0] = t[i][0] + d * Math.cos(phi);
                c[i][j][1] = t[i][1] + d * Math.sin(phi);
            }
        }
        return new INDArray[] {Nd4j.createFromArray(z).castTo(dt), Nd4j.createFromArray(c).castTo(dt),
                Nd4j.createFromArray(t).castTo(dt)};
    }

    private static EbmLoss.Contrastive contrastive(String type, INDArray[] in, float upstream) {
        return type.equals("cd") ? EbmLoss.cd(in[0], upstream)
                : EbmLoss.clippedCd(in[0], in[1], in[2], type.equals("soft_clipped_cd"), upstream);
    }

    /** The hand-derived gradient against central differences of the float64 loss (piecewise linear in z). */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"cd", "clipped_cd", "soft_clipped_cd"})
    void contrastiveGradientsMatchFiniteDifferencesInDouble(String type) {
        INDArray[] in = contrastiveCase(DataType.DOUBLE);
        float upstream = 0.25f;
        EbmLoss.Contrastive r = contrastive(type, in, upstream);
        assertEquals(DataType.DOUBLE, r.gradPredictions().dataType());
        double h = 1e-6;
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 6; j++) {
                INDArray up = in[0].dup();
                up.putScalar(i, j, in[0].getDouble(i, j) + h);
                INDArray down = in[0].dup();
                down.putScalar(i, j, in[0].getDouble(i, j) - h);
                double fd = upstream * (contrastive(type, new INDArray[] {up, in[1], in[2]}, upstream)
                        .perExampleLoss().sumNumber().doubleValue() - contrastive(type,
                        new INDArray[] {down, in[1], in[2]}, upstream).perExampleLoss().sumNumber().doubleValue())
                        / (2 * h);
                // Linear pieces (no |residual| kink within h here): only double rounding, ~1e-16/1e-6 = 1e-10.
                assertEquals(fd, r.gradPredictions().getDouble(i, j), 1e-8, type + " d/dz[" + i + "," + j + "]");
            }
        }
    }

    @Test
    void clippedCdCountsOnlyCounterExamplesBeyondTheThreshold() {
        INDArray[] in = contrastiveCase(DataType.FLOAT);
        EbmLoss.Contrastive hard = EbmLoss.clippedCd(in[0], in[1], in[2], false, 1f);
        EbmLoss.Contrastive soft = EbmLoss.clippedCd(in[0], in[1], in[2], true, 1f);
        // Squared distances 0.02+0.145j+0.01i: j = 0, 1 are inside 0.2, j = 2..4 outside, in every row.
        assertEquals(0.6f, hard.debug().get("fraction_outside_threshold"));
        assertEquals(java.util.List.of("fraction_outside_threshold"), java.util.List.copyOf(hard.debug().keySet()));
        assertEquals(java.util.List.of("cd_loss", "soft_loss", "fraction_outside_threshold"),
                java.util.List.copyOf(soft.debug().keySet()), "IBC's insertion order");
        for (int i = 0; i < 4; i++) {
            double data = in[0].getDouble(i, 5);
            double cd = 0;
            double sl = 0;
            for (int j = 0; j < 5; j++) {
                double dx = in[1].getDouble(i, j, 0) - in[2].getDouble(i, 0);
                double dy = in[1].getDouble(i, j, 1) - in[2].getDouble(i, 1);
                double err = dx * dx + dy * dy;
                cd += j >= 2 ? in[0].getDouble(i, j) - data : 0;
                sl += j < 2 ? Math.abs(data - in[0].getDouble(i, j) - err) : 0;
            }
            // float32 arithmetic on values ~10: a few ulps (1e-6) of absolute error.
            assertEquals(cd / 5, hard.perExampleLoss().getDouble(i), 1e-5, "row " + i);
            assertEquals(cd / 5 + sl / 5, soft.perExampleLoss().getDouble(i), 1e-5, "row " + i);
            assertEquals(0.0, hard.gradPredictions().getDouble(i, 0), "inside the threshold: no cd gradient");
            assertEquals(0.2, hard.gradPredictions().getDouble(i, 3), 1e-7);
            assertEquals(-0.6, hard.gradPredictions().getDouble(i, 5), 1e-7);
        }
        assertEquals(EbmLoss.cd(in[0]), EbmLoss.cd(in[0], 1f).perExampleLoss());
    }
}
