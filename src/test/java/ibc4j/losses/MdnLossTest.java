package ibc4j.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ibc4j.networks.MdnHead;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The MDN loss on cases worked out by hand, and its gradient against finite differences. */
class MdnLossTest {
    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

    private static INDArray row(float... v) {
        return Nd4j.create(v, new long[] {1, v.length}, 'c');
    }

    @Test
    void oneComponentIsTheDiagonalGaussianNll() {
        // mu = (0.5, −1), s = exp(logvar) = (1, 2), x = (1.5, 1): z = (1, 1).
        MdnHead head = new MdnHead(1, 2, 2.5, 2.5, 1.0);
        MdnLoss.Result r = MdnLoss.compute(head, row(0.5f, -1f), row(0f, (float) Math.log(2)), row(0.3f),
                row(1.5f, 1f));
        double nll = 0.5 + HALF_LOG_2PI + 0.5 + Math.log(2) + HALF_LOG_2PI; // ½z² + log s + ½log 2π, summed
        assertEquals(nll, r.total(), 1e-6);
        assertEquals(nll, r.perExample().getDouble(0), 1e-6);
        // ∂/∂mu = −z/s, ∂/∂logvar = −(z² − 1) = 0, ∂/∂pi = 0 (a single weight is 1 whatever pi is).
        assertEquals(-1.0, r.gradMu().getDouble(0, 0), 1e-6);
        assertEquals(-0.5, r.gradMu().getDouble(0, 1), 1e-6);
        assertEquals(0.0, r.gradLogvar().amaxNumber().doubleValue(), 1e-6);
        assertEquals(0.0, r.gradPi().getDouble(0, 0), 0.0);
    }

    @Test
    void twoSymmetricComponentsGiveTheSameDensityAsOne() {
        // N(0,1) and N(2,1), equal weights, at x = 1: ½φ(1) + ½φ(−1) = φ(1).
        MdnHead head = new MdnHead(2, 1, 1.0, 1.0, 1.0);
        MdnLoss.Result r = MdnLoss.compute(head, row(0f, 2f), row(0f, 0f), row(0.7f, 0.7f), row(1f));
        assertEquals(0.5 + HALF_LOG_2PI, r.total(), 1e-6);
        assertEquals(-0.5, r.gradMu().getDouble(0, 0), 1e-6); // −r_j·z/s with r = ½, z = 1
        assertEquals(0.5, r.gradMu().getDouble(0, 1), 1e-6);
        assertEquals(0.0, r.gradPi().amaxNumber().doubleValue(), 1e-7); // responsibilities = weights
    }

    @Test
    void theTemperatureDividesTheLogits() {
        // pi = (2.5·ln 3, 0) at T = 2.5: weights (¾, ¼). Components N(0,1), N(0,2) at x = 0.
        MdnHead head = new MdnHead(2, 1, 2.5, 1.0, 1.0);
        MdnLoss.Result r = MdnLoss.compute(head, row(0f, 0f), row(0f, (float) Math.log(2)),
                row((float) (2.5 * Math.log(3)), 0f), row(0f));
        double p = 0.75 / Math.sqrt(2 * Math.PI) + 0.25 / (2 * Math.sqrt(2 * Math.PI));
        assertEquals(-Math.log(p), r.total(), 1e-6);
        assertEquals(Math.log(3), r.mixture().logits()[0], 1e-6, "logit = pi / T = ln 3");
    }

    @Test
    void theGradientMatchesFiniteDifferences() {
        int b = 3;
        int k = 3;
        int a = 2;
        MdnHead head = new MdnHead(k, a, 2.5, 2.5, 1.0);
        Nd4j.getRandom().setSeed(4);
        INDArray mu = Nd4j.randn(DataType.FLOAT, b, k * a);
        INDArray lv = Nd4j.randn(DataType.FLOAT, b, k * a).muli(0.3);
        INDArray pi = Nd4j.randn(DataType.FLOAT, b, k);
        INDArray x = Nd4j.randn(DataType.FLOAT, b, a);
        MdnLoss.Result r = MdnLoss.compute(head, mu, lv, pi, x);
        INDArray[] params = {mu, lv, pi};
        INDArray[] grads = {r.gradMu(), r.gradLogvar(), r.gradPi()};
        float h = 1e-2f;
        for (int p = 0; p < 3; p++) {
            for (int i = 0; i < params[p].length(); i++) {
                float v = params[p].getFloat(i);
                params[p].putScalar(i, v + h);
                double up = MdnLoss.compute(head, mu, lv, pi, x).total();
                params[p].putScalar(i, v - h);
                double down = MdnLoss.compute(head, mu, lv, pi, x).total();
                params[p].putScalar(i, v);
                // Central difference: O(h²)·|f'''| ≲ 1e-4 here, plus float32 loss rounding ~u·|L|/h ≈ 1e-5.
                assertEquals((up - down) / (2 * h), grads[p].getDouble(i), 5e-4, "param " + p + " element " + i);
            }
        }
    }

    @Test
    void targetsOfTheWrongShapeAreRefused() {
        MdnHead head = new MdnHead(1, 2, 2.5, 2.5, 1.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MdnLoss.compute(head, row(0f, 0f), row(0f, 0f), row(0f), row(1f, 2f, 3f)));
        assertEquals("MDN loss: expected target actions [1, 2], got [1, 3]", e.getMessage());
    }
}
