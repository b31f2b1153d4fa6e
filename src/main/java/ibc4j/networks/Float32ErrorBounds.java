package ibc4j.networks;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * How far two correct float32 implementations of {@link MLPEBM} may disagree, measured on the inputs at hand;
 * the tolerance model of the parity checks against TF.
 *
 * <p>u = 2^-24. One dot product of K terms summed in two different orders (Eigen in TF, OpenBLAS here) differs
 * by about √K·u·S, where S = Σ|terms| on these very inputs (rounding errors add like a random walk; the worst
 * case K·u·S is ~16× looser and never seen). An input error δ reaches an output as δ·‖W column‖₂. Each bound is
 * 4× that estimate, for the tail over ~10^5 elements. A real bug (a layer out of order, a transposed kernel, a
 * missing bias) moves values by ~|W|·|x| ≈ 1e-2, orders of magnitude above these bounds.
 *
 * <p>Needs a {@link PreActivationKernel} with one block whose buffers hold the last call's values.
 */
public final class Float32ErrorBounds {
    public static final double U = Math.pow(2, -24);
    private static final double SIGMAS = 4.0;

    /** Absolute bounds per tensor. */
    public final double projection;
    public final double dense1;
    public final double dense2;
    public final double residual;
    public final double head;

    private final PreActivationKernel k;

    /** Forward bounds; call after {@code energies(obs, act)} on {@code kernel}. */
    public Float32ErrorBounds(EbmKernel kernel) {
        if (!(kernel instanceof PreActivationKernel p) || p.numBlocks != 1) {
            throw new IllegalArgumentException("error bounds are derived for one ResNetPreActivation block");
        }
        k = p;
        projection = dot(k.netInput(), k.wIn, k.bIn);
        dense1 = dot(k.a1[0], k.w1[0], k.b1[0]) + projection * colNorm(k.w1[0]);
        dense2 = dot(k.a2[0], k.w2[0], k.b2[0]) + dense1 * colNorm(k.w2[0]);
        residual = projection + dense2 + U * k.h[1].amaxNumber().doubleValue();
        head = dot(k.h[1], k.net.forwardParam("head_kernel"), k.net.forwardParam("head_bias"))
                + residual * colNorm(k.net.forwardParam("head_kernel"));
    }

    /**
     * Bound on ∂f/∂a after an {@code actionGradient} call: cq = wo^T·W2^T, δr = δz·W1^T, γ0 = wo^T + m⊙δr,
     * ∂f/∂a = γ0·Wp_a^T, each step's own rounding plus the previous step's error through the next matrix.
     */
    public double actionGradient() {
        double tq = dot(k.woRow, k.w2[0].transpose(), null);
        double tr = dot(k.dz[0], k.w1[0].transpose(), null) + tq * colNorm(k.w1[0].transpose());
        return dot(k.gam[0], k.wInActC.transpose(), null) + tr * colNorm(k.wInActC.transpose());
    }

    /**
     * Rows whose ReLU inputs lie within their own error bound of 0: TF (ReluGrad uses x > 0) and ibc4j may then
     * pick different masks, which legitimately changes ∂f/∂a by a whole row of W1. Such rows are not compared.
     */
    public boolean[] ambiguousRows() {
        return ambiguousRows(1);
    }

    /** Rows with a ReLU input within {@code scale} times its error bound of 0 (for the rate of such rows). */
    public boolean[] ambiguousRows(double scale) {
        int rows = k.rows();
        boolean[] amb = new boolean[rows];
        INDArray nearH = Transforms.abs(k.h[0], true).lte(scale * projection);
        INDArray nearZ = Transforms.abs(k.z[0], true).lte(scale * dense1);
        for (int r = 0; r < rows; r++) {
            amb[r] = nearH.getRow(r).any() || nearZ.getRow(r).any();
        }
        return amb;
    }

    /** SIGMAS·√K·u·S for y = x·W (+ b), S = max over outputs of Σ_k |x_k·W_kj| + |b_j|. */
    public static double dot(INDArray x, INDArray w, INDArray b) {
        INDArray s = Nd4j.gemm(Transforms.abs(x, true), Transforms.abs(w, true), false, false);
        if (b != null) {
            s.addiRowVector(Transforms.abs(b, true).reshape(1, b.length()));
        }
        return SIGMAS * Math.sqrt(w.size(0)) * U * s.maxNumber().doubleValue();
    }

    /** Largest column 2-norm of W [in, out]: how much a random-sign input error grows. */
    public static double colNorm(INDArray w) {
        return Math.sqrt(Transforms.pow(w, 2, true).sum(0).maxNumber().doubleValue());
    }
}
