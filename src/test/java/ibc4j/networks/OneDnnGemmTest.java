package ibc4j.networks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** dnnl_sgemm on ND4J buffers against ND4J's own gemm, for every transpose and ordering the kernels use. */
class OneDnnGemmTest {
    private static INDArray rand(long r, long c, char order, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, r, c).subi(0.5).dup(order);
    }

    private static void same(int m, int n, int k, boolean ta, boolean tb, char oa, char ob, boolean bitwise) {
        INDArray a = ta ? rand(k, m, oa, 11) : rand(m, k, oa, 11);
        INDArray b = tb ? rand(n, k, ob, 12) : rand(k, n, ob, 12);
        INDArray c0 = rand(m, n, 'c', 13);
        INDArray expected = c0.dup('c');
        Nd4j.gemm(a, b, expected, ta, tb, 0.7, 0.3);
        INDArray got = c0.dup('c');
        OneDnnGemm.gemm(a, ta, b, tb, got, 0.7f, 0.3f);
        String what = m + "x" + n + "x" + k + " " + (ta ? "T" : "N") + (tb ? "T" : "N") + " " + oa + ob;
        if (bitwise) {
            assertArrayEquals(expected.toFloatVector(), got.toFloatVector(), what);
        } else {
            // Both sum K float32 products in different orders: each within ~K·u·Σ|a||b| of the exact sum.
            double bound = 2 * k * Math.ulp(1f) * 0.25 * k + 1e-6;
            double err = expected.sub(got).amaxNumber().doubleValue();
            assertTrue(err <= bound, what + ": max error " + err + " > " + bound);
        }
    }

    @Test
    void everyTransposeAndOrderingAgreesWithNd4j() {
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                for (char oa : new char[] {'c', 'f'}) {
                    for (char ob : new char[] {'c', 'f'}) {
                        same(64, 48, 18, ta, tb, oa, ob, false);
                        same(96, 32, 300, ta, tb, oa, ob, false);
                        same(1, 32, 16, ta, tb, oa, ob, false);   // a row (ND4J's stride 1 on size-1 dims)
                        same(40, 1, 16, ta, tb, oa, ob, false);   // a column, as the head's kernel
                    }
                }
            }
        }
    }

    @Test
    void aRowViewIsAddressedAtItsOffset() {
        INDArray big = rand(20, 16, 'c', 5);
        INDArray a = big.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(4, 12),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        INDArray b = rand(16, 8, 'c', 6);
        INDArray expected = a.dup('c').mmul(b);
        INDArray got = Nd4j.create(DataType.FLOAT, 8, 8);
        OneDnnGemm.gemm(a, false, b, false, got, 1f, 0f);
        assertTrue(expected.sub(got).amaxNumber().doubleValue() < 1e-5);
    }
}
