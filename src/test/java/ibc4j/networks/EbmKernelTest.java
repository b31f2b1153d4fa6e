package ibc4j.networks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.runtime.RestoresDefaultDataTypes;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** EbmKernel against the graph (float32) and against central finite differences (float64). */
@ExtendWith(RestoresDefaultDataTypes.class)
class EbmKernelTest {
    static MLPEBM.Config cfg(String layers, int width, int depth) {
        return MLPEBM.Config.particle().withLayers(layers).withWidth(width).withDepth(depth);
    }

    static INDArray uniform(long seed, long rows, long cols, double lo, double hi) {
        INDArray a = Nd4j.create(Nd4j.defaultFloatingPointType(), rows, cols);
        Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.random.impl.UniformDistribution(a, lo, hi),
                Nd4j.getRandomFactory().getNewRandomInstance(seed));
        return a;
    }

    @ParameterizedTest
    @CsvSource({"ResNetPreActivation,256,2", "ResNetPreActivation,64,4", "ResNetOrig,64,4", "MLPDropout,64,3"})
    void energiesMatchGraphOutput(String layers, int width, int depth) {
        int rows = 300;
        MLPEBM net = MLPEBM.create(cfg(layers, width, depth), 16, 2, 7);
        INDArray obs = uniform(1, rows, 16, -3, 3);
        INDArray act = uniform(2, rows, 2, -1, 1);
        INDArray graph = net.energies(obs, act);
        EbmKernel k = EbmKernel.create(net, rows);
        INDArray kern = k.energies(obs, act);
        // Same float32 math, different GEMM blocking (DL4J's Dense vs one Nd4j.gemm): per output the sums over
        // <= 256 products differ by a few ulps of Σ|terms| (≲ 1), so 2e-6 absolute is ~30 ulps of headroom.
        assertClose("energies", graph, kern, 2e-6, 1e-5);
        k.prepareObservations(obs);
        // Prepared path: (obs·W_obs + b) + act·W_act instead of x·W + b, ≈1 ulp per first-layer sum: same bound.
        assertClose("prepared energies", graph, k.energies(act), 2e-6, 1e-5);
        INDArray g1 = k.actionGradient(obs, act).dup();
        assertClose("prepared dE/da", g1, k.actionGradient(act), 2e-6, 1e-5);
        assertClose("dE/da with energies", g1, k.actionGradientWithEnergies(act), 2e-6, 1e-5);
        assertClose("energies with dE/da", graph, k.lastEnergies(), 2e-6, 1e-5);
    }

    @ParameterizedTest
    @CsvSource({"ResNetPreActivation,2", "ResNetPreActivation,6", "ResNetOrig,4", "MLPDropout,1", "MLPDropout,3"})
    void gradientsMatchFiniteDifferencesInDouble(String layers, int depth) {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        int rows = 9;
        int obsDim = 5;
        int actDim = 3;
        MLPEBM net = MLPEBM.create(cfg(layers, 12, depth), obsDim, actDim, 3);
        scaleParams(net, 8.0); // O(1) pre-activations: the masks are far from trivial
        INDArray obs = uniform(4, rows, obsDim, -2, 2);
        INDArray act = uniform(5, rows, actDim, -1, 1);
        EbmKernel k = EbmKernel.create(net, rows);
        INDArray gx = k.inputGradient(obs, act).dup();
        INDArray ga = k.actionGradient(obs, act).dup();
        INDArray x = Nd4j.hstack(obs, act);
        double eps = 1e-6;
        double worst = 0;
        for (int c = 0; c < obsDim + actDim; c++) {
            INDArray xp = x.dup();
            INDArray xm = x.dup();
            xp.getColumn(c).addi(eps);
            xm.getColumn(c).subi(eps);
            INDArray fd = energiesAt(k, xp, obsDim).sub(energiesAt(k, xm, obsDim)).divi(2 * eps);
            worst = Math.max(worst, relErr(fd, gx.getColumn(c)));
            if (c >= obsDim) {
                worst = Math.max(worst, relErr(fd, ga.getColumn(c - obsDim)));
            }
        }
        System.out.printf("FD %s depth %d: dE/dx, dE/da max rel err %.2e%n", layers, depth, worst);
        // Central differences in double: truncation ~eps² and rounding ~1e-16/eps ≈ 1e-10 relative.
        assertTrue(worst < 1e-7, "dE/dx vs finite differences: max relative error " + worst);
    }

    private static INDArray energiesAt(EbmKernel k, INDArray x, int obsDim) {
        long in = x.size(1);
        return k.energies(x.get(all(), interval(0, obsDim)).dup(), x.get(all(), interval(obsDim, in)).dup()).dup();
    }

    @ParameterizedTest
    @CsvSource({"2", "4", "6"})
    void penaltyGradientsMatchFiniteDifferencesInDouble(int depth) {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        int rows = 24;
        MLPEBM net = MLPEBM.create(cfg("ResNetPreActivation", 10, depth), 4, 3, 11);
        scaleParams(net, 10.0);
        INDArray obs = uniform(6, rows, 4, -2, 2);
        INDArray act = uniform(7, rows, 3, -1, 1);
        EbmKernel k = EbmKernel.create(net, rows);
        // Margin halfway between the two middle ∞-norms: half the rows are active, and no row sits at the kink
        // c = 0 where finite differences of c² are O(eps) off.
        double[] norms = org.nd4j.linalg.ops.transforms.Transforms.abs(k.actionGradient(obs, act), true).max(1)
                .toDoubleVector();
        java.util.Arrays.sort(norms);
        int mid = rows / 2;
        while (norms[mid] == norms[mid - 1]) {
            mid++; // ND4J's seeded uniform stream can repeat a row; step past duplicates
        }
        double margin = 0.5 * (norms[mid - 1] + norms[mid]);
        double weight = 0.7;
        INDArray flat = net.graph().params();
        INDArray grad = Nd4j.zeros(DataType.DOUBLE, flat.length());
        double p = k.gradPenaltyParamGradients(obs, act, margin, weight, grad);
        assertTrue(p > 0, "penalty should be active");
        INDArray flatV = flat.reshape(flat.length());
        assertTrue(EbmKernel.sameMemory(flat, flatV), "flat parameter view");
        double eps = 1e-6;
        INDArray fd = Nd4j.zeros(DataType.DOUBLE, flat.length());
        INDArray scratch = Nd4j.zeros(DataType.DOUBLE, flat.length());
        for (long i = 0; i < flatV.length(); i++) {
            double v = flatV.getDouble(i);
            flatV.putScalar(i, v + eps);
            double pp = k.gradPenaltyParamGradients(obs, act, margin, weight, scratch);
            flatV.putScalar(i, v - eps);
            double pm = k.gradPenaltyParamGradients(obs, act, margin, weight, scratch);
            flatV.putScalar(i, v);
            fd.putScalar(i, (pp - pm) / (2 * eps));
        }
        // Per tensor: max |fd − analytic| / max |analytic|. Central differences in double: truncation ~eps² and
        // rounding ~1e-16·P/eps ≈ 1e-10 of the gradient scale; a wrong term would show up at O(1).
        Map<String, INDArray> named = net.viewsOf(grad);
        Map<String, INDArray> fdNamed = net.viewsOf(fd);
        double worst = 0;
        int exactZeros = 0;
        for (String name : named.keySet()) {
            INDArray an = named.get(name);
            double scale = an.amaxNumber().doubleValue();
            double err = fdNamed.get(name).sub(an).amaxNumber().doubleValue();
            exactZeros += scale == 0.0 ? (int) an.length() : 0;
            // All-zero tensors (biases): the finite differences must vanish too, to rounding.
            worst = Math.max(worst, scale == 0.0 ? err / p : err / scale);
        }
        System.out.printf("FD penalty depth %d (P=%.4f, %d params, %d exact zeros): max rel err %.2e%n",
                depth, p, flatV.length(), exactZeros, worst);
        assertTrue(worst < 1e-7, "dP/dθ vs finite differences: max relative error " + worst);
        // Biases reach ∂f/∂a only through the masks: exactly zero, as the derivation says.
        assertEquals(0.0, named.get("proj_bias").norm1Number().doubleValue());
        assertEquals(0.0, named.get("head_bias").norm1Number().doubleValue());
        assertTrue(named.get("head_kernel").norm1Number().doubleValue() > 0);
    }

    @Test
    void penaltyAccumulatesIntoGradOut() {
        MLPEBM net = MLPEBM.create(cfg("ResNetPreActivation", 32, 2), 6, 2, 5);
        scaleParams(net, 8.0);
        EbmKernel k = EbmKernel.create(net, 40);
        INDArray obs = uniform(1, 40, 6, -2, 2);
        INDArray act = uniform(2, 40, 2, -1, 1);
        INDArray grad = Nd4j.zeros(net.dataType(), net.graph().numParams());
        double p1 = k.gradPenaltyParamGradients(obs, act, 0.0, 1.0, grad);
        INDArray once = grad.dup();
        double p2 = k.gradPenaltyParamGradients(obs, act, 0.0, 1.0, grad);
        assertEquals(p1, p2);
        assertClose("accumulated", once.mul(2), grad, 1e-6, 1e-6);
    }

    @Test
    void buffersAreReusedAcrossCalls() {
        MLPEBM net = MLPEBM.create(cfg("ResNetPreActivation", 16, 2), 4, 2, 1);
        EbmKernel k = EbmKernel.create(net, 8);
        INDArray obs = uniform(1, 8, 4, -1, 1);
        INDArray act = uniform(2, 8, 2, -1, 1);
        assertSame(k.energies(obs, act), k.energies(obs, act));
        assertSame(k.actionGradient(obs, act), k.actionGradient(obs, act));
    }

    @Test
    void rejectsWrongShapesAndUnsupportedPenalty() {
        MLPEBM net = MLPEBM.create(cfg("MLPDropout", 8, 2), 4, 2, 1);
        EbmKernel k = EbmKernel.create(net, 8);
        INDArray obs = uniform(1, 8, 4, -1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> k.energies(obs, uniform(2, 7, 2, -1, 1)));
        assertTrue(e.getMessage().contains("act: expected"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> k.actionGradient(uniform(2, 8, 2, -1, 1)));
        assertThrows(UnsupportedOperationException.class, () -> k.gradPenaltyParamGradients(obs,
                uniform(2, 8, 2, -1, 1), 1.0, 1.0, Nd4j.zeros(net.dataType(), net.graph().numParams())));
    }

    static void scaleParams(MLPEBM net, double s) {
        net.graph().params().muli(s);
    }

    static double relErr(INDArray expected, INDArray actual) {
        double scale = Math.max(1e-8, expected.amaxNumber().doubleValue());
        return expected.sub(actual).amaxNumber().doubleValue() / scale;
    }

    static void assertClose(String what, INDArray expected, INDArray actual, double atol, double rtol) {
        INDArray e = expected.castTo(DataType.DOUBLE).reshape(expected.length());
        INDArray a = actual.castTo(DataType.DOUBLE).reshape(actual.length());
        assertEquals(e.length(), a.length(), what + ": length");
        for (long i = 0; i < e.length(); i++) {
            double ev = e.getDouble(i);
            double av = a.getDouble(i);
            if (!(Math.abs(av - ev) <= atol + rtol * Math.abs(ev))) {
                throw new AssertionError(String.format("%s[%d]: expected %.9g, got %.9g (atol %.1e, rtol %.1e)",
                        what, i, ev, av, atol, rtol));
            }
        }
    }

    private static org.nd4j.linalg.indexing.INDArrayIndex all() {
        return org.nd4j.linalg.indexing.NDArrayIndex.all();
    }

    private static org.nd4j.linalg.indexing.INDArrayIndex interval(long a, long b) {
        return org.nd4j.linalg.indexing.NDArrayIndex.interval(a, b);
    }
}
