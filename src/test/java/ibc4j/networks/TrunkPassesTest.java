package ibc4j.networks;

import static ibc4j.networks.EbmKernelTest.cfg;
import static ibc4j.networks.EbmKernelTest.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.runtime.RestoresDefaultDataTypes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link TrunkPasses}: the kernel's trunk with its elementwise work fused between the GEMMs gives, bit for bit, what
 * the per-op ND4J path gives: energies, ∂f/∂a, ∂f/∂x and the parameter gradient, for 1 to 4 blocks and widths that
 * are and are not a multiple of the vector length.
 */
@ExtendWith(RestoresDefaultDataTypes.class)
class TrunkPassesTest {
    @BeforeEach
    void float32() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }

    private static int[] bits(INDArray a) {
        float[] v = a.dup('c').reshape(a.length()).toFloatVector();
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    @ParameterizedTest
    @CsvSource({"2,32", "4,20", "8,37", "8,64"})
    void theFusedTrunkIsBitwiseThePerOpTrunk(int depth, int width) {
        assertTrue(PreActivationKernel.fusedAvailable(), "the test runner passes --add-modules jdk.incubator.vector");
        MLPEBM net = MLPEBM.create(cfg("ResNetPreActivation", width, depth), 7, 3, 41);
        EbmKernelTest.scaleParams(net, 3.0); // ReLUs on both sides of 0 in every layer
        int rows = 300;
        INDArray obs = uniform(11, rows, 7, -2, 2);
        INDArray act = uniform(12, rows, 3, -1, 1);
        INDArray dLdf = uniform(13, rows, 1, -1, 1).reshape(rows);
        PreActivationKernel fused = new PreActivationKernel(net, rows, true);
        PreActivationKernel perOp = new PreActivationKernel(net, rows, false);

        assertArrayEquals(bits(perOp.energies(obs, act)), bits(fused.energies(obs, act)), "energies");
        INDArray gPerOp = Nd4j.create(DataType.FLOAT, net.graph().params().length());
        INDArray gFused = Nd4j.create(DataType.FLOAT, net.graph().params().length());
        perOp.paramGradient(dLdf, gPerOp);
        fused.paramGradient(dLdf, gFused);
        assertArrayEquals(bits(gPerOp), bits(gFused), "parameter gradient");
        assertNotEquals(0.0, gFused.norm2Number().doubleValue());

        assertArrayEquals(bits(perOp.actionGradient(obs, act)), bits(fused.actionGradient(obs, act)), "df/da");
        assertArrayEquals(bits(perOp.inputGradient(obs, act)), bits(fused.inputGradient(obs, act)), "df/dx");
        for (String name : perOp.intermediates().keySet()) {
            assertArrayEquals(bits(perOp.intermediates().get(name)), bits(fused.intermediates().get(name)), name);
        }
    }

    @Test
    void masksMultiplyAsTfReluGradDoesAndReluKeepsNaN() {
        int rows = 2;
        int width = 19; // a tail after the vector loop
        TrunkPasses t = new TrunkPasses(rows, width);
        INDArray x = Nd4j.create(DataType.FLOAT, rows, width).assign(1f);
        x.putScalar(0, 0, -1f);
        x.putScalar(0, 1, Float.NaN);
        x.putScalar(1, width - 1, 0f);
        INDArray q = Nd4j.create(DataType.FLOAT, rows, width).assign(2f);
        q.putScalar(0, 0, Float.POSITIVE_INFINITY);
        INDArray out = Nd4j.create(DataType.FLOAT, rows, width);
        t.maskMul(x, q, out);
        assertTrue(Float.isNaN(out.getFloat(0, 0)), "mask 0 times infinity is NaN, as g·(x > 0)");
        assertEquals(0f, out.getFloat(0, 1), "NaN input gives mask 0");
        assertEquals(0f, out.getFloat(1, width - 1));
        assertEquals(2f, out.getFloat(1, 0));

        INDArray z = x.dup();
        INDArray a = Nd4j.create(DataType.FLOAT, rows, width);
        t.biasRelu(z, Nd4j.zeros(DataType.FLOAT, width), a);
        assertEquals(0f, a.getFloat(0, 0));
        assertTrue(Float.isNaN(a.getFloat(0, 1)), "relu(NaN) stays NaN, as ND4J's and TF's");
        assertEquals(1f, a.getFloat(1, 3));
    }
}
