package ibc4j.networks;

import static ibc4j.networks.EbmKernelTest.cfg;
import static ibc4j.networks.EbmKernelTest.uniform;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
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

/** MLPEBM's training pass on the kernel against the same pass on the DL4J graph. */
@ExtendWith(RestoresDefaultDataTypes.class)
class KernelTrainingPassTest {
    private record Pass(INDArray energies, INDArray gradient) {}

    private static Pass run(MLPEBM.TrainingPass p, INDArray dLdf) {
        try (p) {
            INDArray f = p.energies().dup();
            return new Pass(f, p.paramGradient(dLdf).dup());
        }
    }

    @ParameterizedTest
    @CsvSource({"2,regular", "4,regular", "8,regular", "4,spectral_norm"})
    void inDoubleTheKernelGradientIsTheGraphGradient(int depth, String denseType) {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        MLPEBM.Config c = cfg("ResNetPreActivation", 24, depth);
        c = new MLPEBM.Config(c.width(), c.depth(), c.rate(), c.activation(), c.layers(), c.kernelInitializer(),
                c.biasInitializer(), denseType);
        MLPEBM net = MLPEBM.create(c, 5, 3, 17);
        EbmKernelTest.scaleParams(net, 4.0); // ReLUs on both sides of 0 in every layer
        int rows = 90;
        INDArray obs = uniform(3, rows, 5, -2, 2);
        INDArray act = uniform(4, rows, 3, -1, 1);
        INDArray dLdf = uniform(5, rows, 1, -1, 1).reshape(rows);
        net.call(true);
        assertTrue(net.kernelTrains());
        Pass graph = run(net.graphTrainingPass(obs, act), dLdf);
        Pass kernel = run(net.trainingPass(obs, act), dLdf);
        // float64 on both paths, the same sums in other orders: relative 1e-12 is ~5,000 ulps of headroom.
        EbmKernelTest.assertClose("energies", graph.energies(), kernel.energies(), 1e-12, 1e-12);
        assertPerTensor(net, graph.gradient(), kernel.gradient(), 1e-12);
    }

    @Test
    void inFloat32TheKernelGradientIsAsCloseToTheTruthAsTheGraphs() {
        MLPEBM.Config c = cfg("ResNetPreActivation", 64, 6);
        int rows = 600;
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        MLPEBM truthNet = MLPEBM.create(c, 8, 2, 29);
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        MLPEBM net = MLPEBM.create(c, 8, 2, 29);
        net.graph().params().assign(truthNet.graph().params().castTo(DataType.FLOAT));
        INDArray obs = uniform(6, rows, 8, -2, 2);
        INDArray act = uniform(7, rows, 2, -1, 1);
        INDArray dLdf = uniform(8, rows, 1, -1, 1).reshape(rows);
        Pass truth = run(truthNet.graphTrainingPass(obs.castTo(DataType.DOUBLE), act.castTo(DataType.DOUBLE)),
                dLdf.castTo(DataType.DOUBLE));
        Pass kernel = run(net.trainingPass(obs, act), dLdf);
        Pass graph = run(net.graphTrainingPass(obs, act), dLdf);
        // Each gradient entry sums R = 600 float32 products: the error of any summation order is at most
        // R·2^-24·Σ|terms| ≈ 3.6e-5·Σ|terms|; relative to the tensor's largest entry 1e-4 holds unless a tensor's
        // entries cancel by more than 3x, which these random weights do not (the graph path is held to the same).
        assertPerTensor(net, truth.gradient(), graph.gradient(), 1e-4);
        assertPerTensor(net, truth.gradient(), kernel.gradient(), 1e-4);
        EbmKernelTest.assertClose("energies", truth.energies(), kernel.energies(), 1e-5, 1e-5);
    }

    @Test
    void theTrainingPassAndThePenaltyShareOneKernelPerRowCount() {
        MLPEBM net = MLPEBM.create(cfg("ResNetPreActivation", 16, 2), 4, 2, 1);
        assertSame(net.kernel(12), net.kernel(12));
        EbmKernel twelve = net.kernel(12);
        net.kernel(20);
        assertSame(twelve, net.kernel(12), "the last two row counts stay");
        net.kernel(30);
        net.kernel(20);
        assertFalse(twelve == net.kernel(12), "a third row count evicts the eldest");
    }

    @Test
    void dropoutAndOtherTrunksStayOnTheGraph() {
        assertFalse(MLPEBM.create(cfg("ResNetPreActivation", 16, 2).withRate(0.1), 4, 2, 1).kernelTrains());
        assertFalse(MLPEBM.create(cfg("MLPDropout", 16, 2).withRate(0.0), 4, 2, 1).kernelTrains());
        assertFalse(MLPEBM.create(cfg("ResNetOrig", 16, 2), 4, 2, 1).kernelTrains());
    }

    /** Per named tensor: |actual − expected| ≤ tol·max|expected| elementwise. */
    private static void assertPerTensor(MLPEBM net, INDArray expected, INDArray actual, double tol) {
        Map<String, INDArray> e = net.viewsOf(expected.castTo(net.dataType()));
        Map<String, INDArray> a = net.viewsOf(actual);
        for (Map.Entry<String, INDArray> t : e.entrySet()) {
            double scale = Math.max(1e-30, t.getValue().amaxNumber().doubleValue());
            EbmKernelTest.assertClose(t.getKey(), t.getValue(), a.get(t.getKey()), tol * scale, 0.0);
        }
    }
}
