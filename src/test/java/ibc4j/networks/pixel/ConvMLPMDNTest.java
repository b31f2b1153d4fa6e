package ibc4j.networks.pixel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.losses.MdnLoss;
import ibc4j.networks.GaussianMixture;
import ibc4j.networks.GraphCalls;
import ibc4j.networks.MLPMDN;
import ibc4j.normalizers.Normalizers;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * ConvMLPMDN: its MDN training gradient (what the agent's Adam step uses) against central finite differences of
 * {@link MdnLoss}'s total through the whole image network, and the inference mixture's wiring (test temperature,
 * variance exponent, act_denorm_layer) on the graph's own Dense outputs.
 */
class ConvMLPMDNTest {
    private static final PixelEBM.ImageSpec SPEC = new PixelEBM.ImageSpec(2, 32, 40, 3);

    private static INDArray gaussian(long seed, long... shape) {
        return Nd4j.getRandomFactory().getNewRandomInstance(seed).nextGaussian(shape).castTo(DataType.FLOAT);
    }

    private static ConvMLPMDN net(double rate) {
        MLPMDN.Config cfg = new MLPMDN.Config(32, 2, rate, "ResNetPreActivation", 3, 2.0, 1.5, 4.0);
        return ConvMLPMDN.create(SPEC, 2, cfg, true, 24, 32, new Normalizers.Std(new float[] {0.1f, -0.2f},
                new float[] {0.5f, 2f}), 7);
    }

    @Test
    void mdnTrainingGradientMatchesFiniteDifferences() {
        ConvMLPMDN net = net(0.0);
        INDArray rgb = gaussian(4, 2, 2, 32, 40, 3);
        INDArray act = gaussian(5, 2, 2);
        MLPMDN.TrainingPass p = net.trainingPass(rgb, (mu, logvar, pi) -> {
            MdnLoss.Result r = MdnLoss.compute(net.head(), mu, logvar, pi, act);
            return new INDArray[] {r.gradMu(), r.gradLogvar(), r.gradPi()};
        });
        DoubleSupplier loss = () -> {
            INDArray[] o = GraphCalls.output(net.graph(), true, net.preprocess(rgb));
            return MdnLoss.compute(net.head(), o[0], o[1], o[2], act).total();
        };
        INDArray params = net.graph().params().reshape(1, net.graph().numParams());
        INDArray grad = p.gradient().reshape(1, p.gradient().length());
        long n = params.length();
        long head = 2 * (32 * 6 + 6) + 32 * 3 + 3; // mu, logvar [32, k·A]; pi [32, k]
        check(params, grad, n - head, n, loss, "mu, logvar, pi");
        check(params, grad, 0, 32 + 3 * 3 * 8 * 32, loss, "conv1 bias and kernel (coord channels included)");
    }

    /** The largest-gradient parameters of [from, to) against (L(θ+ε)−L(θ−ε))/2ε. */
    private static void check(INDArray params, INDArray grad, long from, long to, DoubleSupplier loss, String what) {
        INDArray seg = grad.get(NDArrayIndex.point(0), NDArrayIndex.interval(from, to));
        INDArray order = Nd4j.sortWithIndices(Transforms.abs(seg, true).dup(), 0, false)[0];
        assertTrue(Math.abs(grad.getDouble(0, from + order.getLong(0))) > 1e-3, what + ": gradient is ~0");
        for (int k = 0; k < 3; k++) {
            long i = from + order.getLong(k);
            float orig = params.getFloat(0, i);
            float eps = 1e-2f;
            params.putScalar(0, i, orig + eps);
            double up = loss.getAsDouble();
            params.putScalar(0, i, orig - eps);
            double down = loss.getAsDouble();
            params.putScalar(0, i, orig);
            double fd = (up - down) / (2 * eps);
            double g = grad.getDouble(0, i);
            // float32 losses of O(1): rounding ~1e-6/ε = 1e-4; curvature O(ε²); a kink crossing shows as ~100%.
            assertEquals(g, fd, 2e-3 + 0.05 * Math.abs(g), what + " parameter " + i);
        }
    }

    @Test
    void inferenceMixtureAppliesTestTemperatureExponentAndDenorm() {
        ConvMLPMDN net = net(0.1);
        INDArray rgb = gaussian(6, 3, 2, 32, 40, 3);
        INDArray[] o = GraphCalls.output(net.graph(), false, net.preprocess(rgb));
        GaussianMixture m = net.call(rgb, false);
        assertEquals(3, m.components());
        // logits = pi / 1.5; scale = exp(logvar)^4 · std; loc = mu · std + mean (component 0, action 1 of row 2).
        assertEquals(o[2].getFloat(2, 0) / 1.5f, m.logitsArray().getFloat(2, 0), 1e-6);
        assertEquals(Math.pow(Math.exp(o[1].getFloat(2, 1)), 4) * 2, m.scaleArray().getFloat(2, 0, 1), 1e-5);
        assertEquals(o[0].getFloat(2, 1) * 2 - 0.2, m.locArray().getFloat(2, 0, 1), 1e-5);
    }

    @Test
    void refusesAnUnknownLayersValue() {
        MLPMDN.Config cfg = new MLPMDN.Config(32, 2, 0.1, "Dense", 1, 2.5, 2.5, 1.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvMLPMDN.create(SPEC, 2,
                cfg, true, 24, 32, null, 0));
        assertTrue(e.getMessage().startsWith("ConvMLPMDN.layers 'Dense' is not one of"), e.getMessage());
    }
}
