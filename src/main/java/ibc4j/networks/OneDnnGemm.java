package ibc4j.networks;

import java.lang.ref.Reference;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code C = alpha·op(A)·op(B) + beta·C} by oneDNN's {@code dnnl_sgemm} directly on ND4J's float32 buffers: the GEMM
 * lab measured it 2× OpenBLAS on the kernels' A·B and A·Bᵀ, 7.5× on the weight gradient's Aᵀ·B (K = 4096) and
 * 11× on the first layer's K = 18, bitwise equal on A·B, A·Bᵀ and K = 18. No IBC counterpart (TF's MatMul runs
 * oneDNN too).
 * <p>
 * dnnl_sgemm is row-major; an 'f' matrix is the row-major transpose of itself, so its transpose flag flips and its
 * leading dimension is its row count. {@code C} must be a row-major ('c') matrix with unit column stride.
 */
public final class OneDnnGemm {
    private OneDnnGemm() {}

    public static void gemm(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c, float alpha,
                            float beta) {
        check(a, "A");
        check(b, "B");
        check(c, "C");
        Preconditions.checkArgument(c.ordering() == 'c' && (c.stride(1) == 1 || c.size(1) == 1),
                "C must be 'c' with unit column stride");
        long m = transA ? a.size(1) : a.size(0);
        long k = transA ? a.size(0) : a.size(1);
        long kb = transB ? b.size(1) : b.size(0);
        long n = transB ? b.size(0) : b.size(1);
        Preconditions.checkArgument(k == kb && c.size(0) == m && c.size(1) == n,
                "shapes: op(A) [%s, %s], op(B) [%s, %s], C %s", m, k, kb, n, c.shape());
        boolean ta = transA ^ (a.ordering() == 'f');
        boolean tb = transB ^ (b.ordering() == 'f');
        long lda = leading(a);
        long ldb = leading(b);
        try {
            // addressPointer() already includes a view's offset.
            int status = dnnl.dnnl_sgemm(ta ? (byte) 'T' : (byte) 'N', tb ? (byte) 'T' : (byte) 'N', m, n, k, alpha,
                    new FloatPointer(a.data().addressPointer()).position(0), lda,
                    new FloatPointer(b.data().addressPointer()).position(0), ldb, beta,
                    new FloatPointer(c.data().addressPointer()).position(0), c.size(0) == 1 ? n : c.stride(0));
            Preconditions.checkState(status == dnnl.dnnl_success, "dnnl_sgemm failed with status %s", status);
        } finally {
            // A raw pointer does not keep the arrays alive; the collector must not free them mid-call.
            Reference.reachabilityFence(a);
            Reference.reachabilityFence(b);
            Reference.reachabilityFence(c);
        }
    }

    private static void check(INDArray x, String name) {
        Preconditions.checkArgument(x.rank() == 2 && x.dataType() == DataType.FLOAT, "%s: a float32 matrix", name);
    }

    /**
     * The row-major leading dimension: the row stride of 'c', the column stride of 'f'. ND4J reports a stride of 1
     * for a dimension of size 1, which dnnl refuses as a leading dimension; there any value at least the row length
     * is right, since that stride is never stepped.
     */
    private static long leading(INDArray x) {
        if (x.ordering() == 'c') {
            Preconditions.checkArgument(x.stride(1) == 1 || x.size(1) == 1, "a 'c' matrix with unit column stride");
            return x.size(0) == 1 ? x.size(1) : x.stride(0);
        }
        Preconditions.checkArgument(x.stride(0) == 1 || x.size(0) == 1, "an 'f' matrix with unit row stride");
        return x.size(1) == 1 ? x.size(0) : x.stride(1);
    }
}
