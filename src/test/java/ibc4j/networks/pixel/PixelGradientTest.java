package ibc4j.networks.pixel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.networks.MLPMSE;
import ibc4j.normalizers.Normalizers;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The training gradients of the pixel networks (what an agent's Adam step needs) against central finite
 * differences, on small random images (24×32 target, IBC's sequence length 2), and their Keras initialisation.
 */
class PixelGradientTest {
    private static final PixelEBM.ImageSpec SPEC = new PixelEBM.ImageSpec(2, 32, 40, 3);

    private static INDArray images(long seed, int b) {
        return Nd4j.getRandomFactory().getNewRandomInstance(seed).nextGaussian(new long[] {b, 2, 32, 40, 3})
                .castTo(DataType.FLOAT);
    }

    /** Checks the largest-gradient parameters of [from, to) of the flat array against (L(θ+ε)−L(θ−ε))/2ε. */
    private static void checkSegment(INDArray params, INDArray grad, long from, long to,
                                     java.util.function.DoubleSupplier loss, String what) {
        INDArray seg = grad.get(NDArrayIndex.point(0), NDArrayIndex.interval(from, to));
        INDArray order = Nd4j.sortWithIndices(org.nd4j.linalg.ops.transforms.Transforms.abs(seg, true).dup(), 0,
                false)[0];
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
    void pixelEbmGradientFlowsThroughTheTilingIntoTheEncoder() {
        PixelEBM net = PixelEBM.create(SPEC, 2, 24, 32, new DenseResnetValue(32, 1), 5);
        INDArray rgb = images(1, 2);
        INDArray act = Nd4j.getRandomFactory().getNewRandomInstance(2).nextGaussian(new long[] {6, 2})
                .castTo(DataType.FLOAT);
        INDArray c = Nd4j.getRandomFactory().getNewRandomInstance(3).nextGaussian(new long[] {6})
                .castTo(DataType.FLOAT);
        INDArray grad = net.paramGradient(rgb, act, c);
        assertEquals(net.flatParams().length(), grad.length());
        java.util.function.DoubleSupplier loss = () -> net.energies(rgb, act).mul(c).sumNumber().doubleValue();
        long nEnc = net.numEncoderParams();
        checkSegment(net.flatParams(), grad, 0, 32 + 3 * 3 * 6 * 32, loss, "conv1 bias and kernel");
        checkSegment(net.flatParams(), grad, nEnc - 256 * 9 * 128 - 256, nEnc, loss, "conv4");
        checkSegment(net.flatParams(), grad, nEnc, net.flatParams().length(), loss, "value network");
    }

    @Test
    void pixelEbmKerasInitOnOneFlatArray() {
        PixelEBM net = PixelEBM.create(SPEC, 2, 24, 32, new DenseResnetValue(64, 1), 5);
        INDArray conv4 = net.params().get("conv4_kernel");
        double limit = Math.sqrt(6.0 / (9 * 128 + 9 * 256));
        assertTrue(conv4.amaxNumber().doubleValue() <= limit && conv4.amaxNumber().doubleValue() > 0.9 * limit);
        assertEquals(0.0, net.params().get("conv4_bias").amaxNumber().doubleValue());
        assertEquals(0.05, net.params().get("dense0_kernel").stdNumber().doubleValue(), 0.005);
        assertEquals(0.05, net.params().get("dense0_bias").stdNumber().doubleValue(), 0.01);
        INDArray rgb = images(1, 1);
        INDArray act = Nd4j.zeros(DataType.FLOAT, 1, 2);
        double before = net.energies(rgb, act).getDouble(0);
        net.flatParams().muli(1.5f); // the graphs read the one array
        assertTrue(Math.abs(net.energies(rgb, act).getDouble(0) - before) > 1e-6);
    }

    @Test
    void convMlpMseTrainingGradient() {
        ConvMLPMSE net = ConvMLPMSE.create(SPEC, 2, new MLPMSE.Config(32, 2, 0.0, "ResNetPreActivation"), true, 24,
                32, new Normalizers.Std(new float[] {0, 0}, new float[] {1, 1}), 7);
        INDArray rgb = images(4, 2);
        INDArray target = Nd4j.getRandomFactory().getNewRandomInstance(5).nextGaussian(new long[] {2, 2})
                .castTo(DataType.FLOAT);
        MLPMSE.TrainingPass p = net.trainingPass(rgb, y -> y.sub(target));
        java.util.function.DoubleSupplier loss = () -> {
            INDArray d = net.call(rgb, true).sub(target);
            return 0.5 * d.mul(d).sumNumber().doubleValue();
        };
        INDArray params = net.graph().params().reshape(1, net.graph().numParams()); // a [1, n] view
        INDArray grad = p.gradient().reshape(1, p.gradient().length());
        checkSegment(params, grad, params.length() - 34 * 2, params.length(), loss, "head");
        checkSegment(params, grad, 0, 32 + 3 * 3 * 8 * 32, loss, "conv1 bias and kernel (coord channels included)");
    }
}
