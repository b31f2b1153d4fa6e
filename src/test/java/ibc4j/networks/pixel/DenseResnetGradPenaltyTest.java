package ibc4j.networks.pixel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The hand-derived second derivative of {@link DenseResnetGradPenalty} against central differences in float64,
 * for every parameter of a small DenseResnetValue with two blocks; and its first-order pass against DL4J's
 * backprop through PixelEBM's value graph.
 */
class DenseResnetGradPenaltyTest {
    private static final DenseResnetValue CFG = new DenseResnetValue(8, 2);
    private static final int E = 5;
    private static final int A = 3;
    private static final int R = 7;

    private static Map<String, INDArray> params(Random rng) {
        Map<String, INDArray> p = new LinkedHashMap<>();
        for (String d : CFG.denseNames()) {
            int[] io = shape(d);
            p.put(d + "_kernel", rng.nextGaussian(new long[] {io[0], io[1]}).castTo(DataType.DOUBLE).muli(0.6));
            p.put(d + "_bias", rng.nextGaussian(new long[] {io[1]}).castTo(DataType.DOUBLE).muli(0.3));
        }
        return p;
    }

    private static int[] shape(String d) {
        int q = CFG.width() / 4;
        return switch (d) {
            case "dense0" -> new int[] {E + A, CFG.width()};
            case "dense1" -> new int[] {CFG.width(), 1};
            default -> d.endsWith("dense0") ? new int[] {CFG.width(), q} : d.endsWith("dense1") ? new int[] {q, q}
                    : new int[] {q, CFG.width()};
        };
    }

    /** φ(θ) = Σ_r G_r·∂f/∂a_r. */
    private static double phi(Map<String, INDArray> p, INDArray enc, INDArray act, INDArray g) {
        return new DenseResnetGradPenalty(CFG, p, enc, act).dfDa().mul(g).sumNumber().doubleValue();
    }

    @Test
    void actionGradientAndPenaltyParameterGradientMatchCentralDifferences() {
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(7);
        Map<String, INDArray> p = params(rng);
        INDArray enc = rng.nextGaussian(new long[] {R, E}).castTo(DataType.DOUBLE);
        INDArray act = rng.nextGaussian(new long[] {R, A}).castTo(DataType.DOUBLE);
        INDArray g = rng.nextGaussian(new long[] {R, A}).castTo(DataType.DOUBLE);
        DenseResnetGradPenalty d = new DenseResnetGradPenalty(CFG, p, enc, act);
        double h = 1e-6;
        // ∂f/∂a: f_r depends on a_r only, so one perturbation of column j gives every row's ∂f_r/∂a_rj.
        for (int j = 0; j < A; j++) {
            INDArray up = act.dup();
            INDArray dn = act.dup();
            up.getColumn(j).addi(h);
            dn.getColumn(j).subi(h);
            INDArray fd = new DenseResnetGradPenalty(CFG, p, enc, up).energies()
                    .sub(new DenseResnetGradPenalty(CFG, p, enc, dn).energies()).divi(2 * h);
            assertClose(fd, d.dfDa().getColumn(j), 1e-7, "∂f/∂a column " + j);
        }
        Map<String, INDArray> grad = d.paramGradient(g);
        int zeros = 0;
        int checked = 0;
        for (Map.Entry<String, INDArray> e : p.entrySet()) {
            INDArray w = e.getValue();
            INDArray mine = grad.get(e.getKey());
            assertEquals(w.length(), mine.length(), e.getKey());
            for (long i = 0; i < w.length(); i++) {
                double orig = w.getDouble(i);
                w.putScalar(i, orig + h);
                double fp = phi(p, enc, act, g);
                w.putScalar(i, orig - h);
                double fm = phi(p, enc, act, g);
                w.putScalar(i, orig);
                double fd = (fp - fm) / (2 * h);
                double m = mine.getDouble(i);
                assertEquals(fd, m, 1e-6 * Math.max(1, Math.abs(fd)), e.getKey() + "[" + i + "]");
                zeros += m == 0 ? 1 : 0;
                checked++;
            }
        }
        // Biases and the encoding rows of dense0_kernel: exact zeros (they reach ∂f/∂a through the masks only).
        for (Map.Entry<String, INDArray> e : grad.entrySet()) {
            if (e.getKey().endsWith("_bias")) {
                assertEquals(0.0, e.getValue().amaxNumber().doubleValue(), e.getKey());
            }
        }
        assertEquals(0.0, grad.get("dense0_kernel").get(NDArrayIndex.interval(0, E), NDArrayIndex.all())
                .amaxNumber().doubleValue(), "encoding rows of dense0_kernel");
        assertTrue(checked - zeros >= 50, "non-zero entries checked: " + (checked - zeros) + " of " + checked);
        assertEquals(177, checked, "every parameter checked");
    }

    @Test
    void firstOrderPassAgreesWithPixelEbmsValueGraph() {
        PixelEBM net = PixelEBM.create(new PixelEBM.ImageSpec(2, 32, 40, 3), 2, 24, 32, new DenseResnetValue(16, 1),
                4);
        // Larger weights than the init, so that the block's ReLUs cut.
        net.flatParams().muli(4);
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(3);
        INDArray enc = rng.nextGaussian(new long[] {6, net.encodingWidth()}).castTo(DataType.FLOAT);
        INDArray act = rng.nextGaussian(new long[] {6, 2}).castTo(DataType.FLOAT);
        DenseResnetGradPenalty d = new DenseResnetGradPenalty(net.valueConfig(), net.params(), enc, act);
        PixelEBM.ActionGradient ag = net.actionGradient(enc, act);
        assertClose(ag.energies(), d.energies(), 1e-4, "f");
        assertClose(ag.dfDa(), d.dfDa(), 1e-4, "∂f/∂a");
    }

    @Test
    void flatValueGradientPlacesKerasArraysWhereTheValueGraphKeepsThem() {
        PixelEBM net = PixelEBM.create(new PixelEBM.ImageSpec(2, 32, 40, 3), 2, 24, 32, new DenseResnetValue(8, 2),
                5);
        Map<String, INDArray> values = new LinkedHashMap<>(net.params());
        values.keySet().removeIf(k -> k.startsWith("conv"));
        INDArray flat = net.flatValueGradient(values);
        long nEnc = net.numEncoderParams();
        assertEquals(0.0, flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(0, nEnc)).amaxNumber().doubleValue());
        assertEquals(net.flatParams().get(NDArrayIndex.point(0), NDArrayIndex.interval(nEnc, net.flatParams()
                .length())), flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(nEnc, flat.length())));
        // kerasGradients is the inverse, over the encoder's convs too.
        Map<String, INDArray> back = net.kerasGradients(net.flatParams());
        Map<String, INDArray> params = net.params();
        assertEquals(params.keySet(), back.keySet());
        params.forEach((k, v) -> assertEquals(v, back.get(k), k));
    }

    private static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
        double diff = expected.castTo(DataType.DOUBLE).reshape(expected.length())
                .sub(actual.castTo(DataType.DOUBLE).reshape(actual.length())).amaxNumber().doubleValue();
        assertTrue(diff <= tol * Math.max(1, expected.amaxNumber().doubleValue()), what + ": max |Δ| " + diff);
    }
}
