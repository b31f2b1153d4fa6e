package ibc4j.networks;

import java.util.Map;

import ibc4j.networks.layers.ResNetLayer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Parameter gradient of IBC's ∞-norm gradient penalty ({@code ibc/losses/gradient_loss.py grad_penalty}) for the
 * pre-activation ResNet, derived by hand (TF gets it by double backprop through {@code mcmc.gradient_wrt_act}).
 *
 * <p>The backward pass of {@link PreActivationKernel} is a function of the weights with the ReLU masks
 * m_l = [h_{l-1} > 0], n_l = [z_l > 0] held fixed. With G = ∂P/∂(∂f/∂a) [R, A], its reverse (bars are adjoints),
 * block by block in FORWARD order l = 1..L:
 * <pre>
 * ∂f/∂a = γ_0·Wp_a^T           →  dWp_a = G^T·γ_0            γ̄_0 = G·Wp_a
 * γ_{l-1} = γ_l + m_l⊙δr_l     →  δr̄_l = m_l⊙γ̄_{l-1}         (γ̄_l gets γ̄_{l-1})
 * δr_l = δz_l·W1_l^T           →  dW1_l = δr̄_l^T·δz_l        δz̄_l = δr̄_l·W1_l
 * δz_l = n_l⊙δq_l              →  δq̄_l = n_l⊙δz̄_l
 * δq_l = γ_l·W2_l^T            →  dW2_l = δq̄_l^T·γ_l         γ̄_l += δq̄_l·W2_l
 * γ_L = wo^T (every row)       →  dwo = colsum(γ̄_L)^T
 * </pre>
 * For the last block γ_L is one row, so dW2_L = colsum(δq̄_L)^T·wo^T and only colsum(γ̄_L) =
 * colsum(γ̄_{L-1}) + colsum(δq̄_L)·W2_L is needed. Biases, the observation rows of Wp and b_o get zero: they
 * reach ∂f/∂a only through the masks. With L = 1 this is 2 big GEMMs on top of the 2 of ∂f/∂a
 * (the lab's ManualGP, dl4j-lab.md §4B, is the same algebra for its net).
 *
 * <p>G: with n_r = max_i |g_ri| and c_r = max(n_r − margin, 0), P = weight/R·Σ_r c_r², so
 * G_ri = weight·2c_r/R·sign(g_ri)·[|g_ri| = n_r]/ties_r. Ties share the gradient equally, as TF's reduce_max
 * gradient does; sign(0) = 0 as tf.abs'. IBC's upper clip at 1e10 is never reached and is not modelled.
 */
final class PreActivationGradPenalty {
    private final PreActivationKernel k;
    private final int rows;
    private final int actDim;
    private final INDArray g;       // G [R, A]
    private final INDArray gbar;    // γ̄ [R, W]
    private final INDArray rbar;    // δr̄ [R, W]
    private final INDArray qbar;    // δq̄ [R, W]
    private final INDArray ones;    // [1, R]
    private final INDArray cs;      // colsum(δq̄_L) [1, W]
    private final INDArray cg;      // colsum(γ̄_L) [1, W]
    private final INDArray dWpA;    // [A, W]
    private INDArray lastGradOut;
    private INDArray gWpA;          // action rows of proj_kernel's gradient (strided view)
    private INDArray[] gW1t;        // dense1 kernel gradients, transposed: c-order [out, in] views
    private INDArray[] gW2t;
    private INDArray gWoRow;        // head_kernel gradient as a row [1, W]

    PreActivationGradPenalty(PreActivationKernel k) {
        this.k = k;
        this.rows = k.rows;
        this.actDim = k.actDim;
        g = k.buf(rows, actDim);
        gbar = k.buf(rows, k.width);
        rbar = k.buf(rows, k.width);
        qbar = k.buf(rows, k.width);
        ones = k.buf(1, rows).assign(1.0);
        cs = k.buf(1, k.width);
        cg = k.buf(1, k.width);
        dWpA = k.buf(actDim, k.width);
    }

    /** Needs the kernel's buffers from {@code actionGradient(obs, act)}; adds ∂P/∂θ (weight included) into gradOut. */
    double run(double margin, double weight, INDArray gradOut) {
        double p = outerGradient(margin, weight);
        bindGradient(gradOut);
        int last = k.numBlocks - 1;

        EbmKernel.gemm(g, k.wInActC, gbar, false, false, 0.0);        // γ̄_0 = G·Wp_a
        EbmKernel.gemm(g, k.gam[0], dWpA, true, false, 0.0);          // dWp_a = G^T·γ_0
        gWpA.addi(dWpA);

        for (int l = 0; l <= last; l++) {
            EbmKernel.step(k.h[l], rbar);
            rbar.muli(gbar);                                           // δr̄ = m⊙γ̄
            EbmKernel.gemm(k.dz[l], rbar, gW1t[l], true, false, 1.0);   // dW1^T = δz^T·δr̄
            EbmKernel.gemm(rbar, k.w1[l], k.scratch, false, false, 0.0); // δz̄ = δr̄·W1
            EbmKernel.step(k.z[l], qbar);
            qbar.muli(k.scratch);                                      // δq̄ = n⊙δz̄
            INDArray dW2t = gW2t[l];
            if (l < last) {
                EbmKernel.gemm(k.gam[l + 1], qbar, dW2t, true, false, 1.0); // dW2^T = γ_l^T·δq̄
                EbmKernel.gemm(qbar, k.w2[l], gbar, false, false, 1.0);     // γ̄_l += δq̄·W2
            } else {
                EbmKernel.gemm(ones, qbar, cs, false, false, 0.0);          // colsum(δq̄_L)
                EbmKernel.gemm(k.woRow, cs, dW2t, true, false, 1.0);        // dW2_L^T = wo·colsum(δq̄_L)
                EbmKernel.gemm(ones, gbar, cg, false, false, 0.0);
                EbmKernel.gemm(cs, k.w2[l], cg, false, false, 1.0);         // colsum(γ̄_L)
                gWoRow.addi(cg);
            }
        }
        return p;
    }

    /** Fills G from ∂f/∂a (in the kernel's ga) and returns P; a Java loop over [R, A], A is tiny. */
    private double outerGradient(double margin, double weight) {
        DataBuffer src = k.ga.data();
        DataBuffer dst = g.data();
        double sum = 0.0;
        for (int r = 0; r < rows; r++) {
            long base = (long) r * actDim;
            double n = 0.0;
            for (int i = 0; i < actDim; i++) {
                n = Math.max(n, Math.abs(src.getDouble(base + i)));
            }
            double c = n - margin;
            if (!(c > 0.0)) {
                for (int i = 0; i < actDim; i++) {
                    dst.put(base + i, 0.0);
                }
                continue;
            }
            sum += c * c;
            int ties = 0;
            for (int i = 0; i < actDim; i++) {
                ties += Math.abs(src.getDouble(base + i)) == n ? 1 : 0;
            }
            double coef = weight * 2.0 * c / rows / ties;
            for (int i = 0; i < actDim; i++) {
                double v = src.getDouble(base + i);
                dst.put(base + i, Math.abs(v) == n ? coef * Math.signum(v) : 0.0);
            }
        }
        return weight * sum / rows;
    }

    /** Views of gradOut for the nonzero pieces, made once per gradOut array. */
    private void bindGradient(INDArray gradOut) {
        if (gradOut == lastGradOut) {
            return;
        }
        if (gradOut.dataType() != k.dt) {
            throw new IllegalArgumentException("gradOut: expected " + k.dt + ", got " + gradOut.dataType());
        }
        Map<String, INDArray> d = k.net.viewsOf(gradOut);
        gWpA = d.get("proj_kernel").get(NDArrayIndex.interval(k.obsDim, k.inDim), NDArrayIndex.all());
        gW1t = new INDArray[k.numBlocks];
        gW2t = new INDArray[k.numBlocks];
        for (int l = 0; l < k.numBlocks; l++) {
            String pre = ResNetLayer.blockPrefix(l, k.numBlocks);
            // The kernels are 'f'-order [in, out]; their transposes are c-order [out, in] with ews 1, which
            // Nd4j.gemm can write into directly, so the dW^T products below need no temporary.
            gW1t[l] = d.get(pre + "_dense1_kernel").transpose();
            gW2t[l] = d.get(pre + "_dense2_kernel").transpose();
        }
        INDArray wo = d.get("head_kernel");
        gWoRow = wo.transpose();
        if (!EbmKernel.sameMemory(gWoRow, wo)) {
            throw new IllegalStateException("head_kernel gradient row is not a view");
        }
        lastGradOut = gradOut;
    }
}
