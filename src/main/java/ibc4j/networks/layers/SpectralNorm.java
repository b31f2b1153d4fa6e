package ibc4j.networks.layers;

import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The weight normalisation of IBC's spectral-norm dense layer; mirrors {@code DenseSN.call} in
 * {@code networks/layers/spectral_norm.py} (IBC db89ddb), reference: Miyato et al. 2018.
 *
 * <pre>
 * a = u·Wᵀ        v  = a / (‖a‖ + 1e-12)        u, u' [1, units], v [1, in], W [in, units]
 * b = v·W         u' = b / (‖b‖ + 1e-12)
 * σ = (v·W)·u'ᵀ   W̄  = W / σ                    the layer computes x·W̄ + bias
 * </pre>
 * One power iteration per call, from the stored {@code u}; DenseSN assigns {@code u ← u'} only when the call's
 * {@code training} argument is true. Nothing is stop-gradient'ed: the parameter gradient flows through σ, u' and
 * v, which {@link #backward} follows (σ's derivative alone would be the textbook {@code vᵀu'}; IBC's graph also
 * differentiates the normalisations).
 *
 * <p>Works in the arrays' own data type (float32 in training, float64 in the parity checks' reference runs).
 */
public final class SpectralNorm {
    /** DenseSN's {@code _l2normalize} epsilon. */
    public static final double EPS = 1e-12;

    private SpectralNorm() {}

    /** What one call computed; {@link #backward} needs all of it. */
    public record Iteration(INDArray u, INDArray a, double aNorm, INDArray v, INDArray b, double bNorm,
                            INDArray uNext, double sigma) {}

    /**
     * One call's power iteration: writes {@code W/σ} into {@code wBar}; {@code u} is left as it is (the caller
     * assigns {@link Iteration#uNext()} on training calls).
     *
     * @param w    kernel [in, units]
     * @param u    the layer's stored vector [1, units]
     * @param wBar [in, units], written
     */
    public static Iteration normalize(INDArray w, INDArray u, INDArray wBar) {
        Preconditions.checkArgument(w.rank() == 2 && u.rank() == 2 && u.size(0) == 1 && u.size(1) == w.size(1),
                "DenseSN: u must be [1, %s] for a kernel %s, got %s", w.size(1), w.shape(), u.shape());
        INDArray uu = u.dup('c');
        INDArray a = uu.mmul(w.transpose());
        double aNorm = norm(a);
        INDArray v = a.div(aNorm + EPS);
        INDArray b = v.mmul(w);
        double bNorm = norm(b);
        INDArray uNext = b.div(bNorm + EPS);
        double sigma = b.mmul(uNext.transpose()).getDouble(0);
        wBar.assign(w.div(sigma));
        return new Iteration(uu, a, aNorm, v, b, bNorm, uNext, sigma);
    }

    /**
     * dL/dW from dL/dW̄ through the whole call: {@code W/σ}, σ, both normalisations and both products with W.
     *
     * @param w     the kernel the iteration ran on [in, units]
     * @param it    that call's {@link #normalize} result
     * @param gWbar dL/dW̄ [in, units]
     * @return dL/dW [in, units], a new array
     */
    public static INDArray backward(INDArray w, Iteration it, INDArray gWbar) {
        double s = it.sigma();
        INDArray gW = gWbar.div(s);
        // TF's RealDiv gradient w.r.t. the divisor: Σ g·(−W/σ)/σ.
        double gSigma = gWbar.mul(w.div(-s).div(s)).sumNumber().doubleValue();
        // σ = c·u'ᵀ with c = v·W (= b): gc = gσ·u', gu' = gσ·c.
        INDArray gb = it.uNext().mul(gSigma);
        gb.addi(l2normalizeBackward(it.b(), it.bNorm(), it.b().mul(gSigma)));
        // Both v·W products (b and c): W gets vᵀ·g, v gets g·Wᵀ.
        gW.addi(it.v().transpose().mmul(gb));
        INDArray gv = gb.mmul(w.transpose());
        INDArray ga = l2normalizeBackward(it.a(), it.aNorm(), gv);
        gW.addi(ga.transpose().mmul(it.u())); // a = u·Wᵀ
        return gW;
    }

    /** Gradient of {@code z / (‖z‖ + ε)} w.r.t. z, given the upstream gradient g. */
    private static INDArray l2normalizeBackward(INDArray z, double norm, INDArray g) {
        double d = norm + EPS;
        double dot = g.mul(z).sumNumber().doubleValue();
        return g.div(d).subi(z.mul(dot / (d * d * norm)));
    }

    private static double norm(INDArray z) {
        return Math.sqrt(z.mul(z).sumNumber().doubleValue());
    }
}
