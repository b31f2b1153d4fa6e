package ibc4j.networks;

import java.util.LinkedHashMap;
import java.util.Map;

import ibc4j.networks.layers.ResNetLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link EbmKernel} for {@code ResNetPreActivationLayer} (networks/layers/resnet.py, IBC db89ddb) with any number
 * of blocks L; with IBC's particle shape (L = 1) a dE/da step is 2 big GEMMs.
 *
 * <pre>
 * forward   h0 = z0;  per block l = 1..L:  a1 = relu(h_{l-1});  z_l = a1·W1_l + b1_l;  a2 = relu(z_l);
 *                                         u_l = a2·W2_l + b2_l;  h_l = h_{l-1} + u_l;       f = h_L·wo + bo
 * backward  γ_L = wo^T (the same row for every sample, so δq_L = wo^T·W2_L^T is a cached row cq)
 *           l = L..1:  δq_l = γ_l·W2_l^T;  δz_l = [z_l > 0]⊙δq_l;  δr_l = δz_l·W1_l^T;
 *                      γ_{l-1} = γ_l + [h_{l-1} > 0]⊙δr_l
 *           ∂f/∂x = γ_0·Wp^T
 * </pre>
 * For the gradient alone the last block's u_L, h_L and the head are skipped: they do not feed ∂f/∂a. Biases and
 * the residual add keep TF's order (matmul, bias_add, then x_start_block + x).
 */
public final class PreActivationKernel extends EbmKernel {
    final int numBlocks;
    final int width;
    final INDArray[] w1;
    final INDArray[] b1;
    final INDArray[] w2;
    final INDArray[] b2;
    /** h[0] = z0 (the projection), h[l] the residual stream after block l. */
    final INDArray[] h;
    final INDArray[] a1;   // relu(h[l-1]) per block (index l-1)
    final INDArray[] z;    // dense1 pre-activation per block
    final INDArray[] a2;   // relu(z)
    final INDArray[] u;    // dense2 output
    /** δz_l and γ_l per block, kept for the penalty's double backward. */
    final INDArray[] dz;
    final INDArray[] gam;  // gam[l] = γ_l for l < L; gam[0] is gz0
    final INDArray scratch;
    /** cq = wo^T·W2_L^T [1, W], refreshed with the other weight-derived caches. */
    final INDArray cq;
    private PreActivationGradPenalty penalty;

    PreActivationKernel(MLPEBM net, int rows) {
        super(net, rows);
        this.numBlocks = net.numBlocks();
        this.width = firstWidth;
        w1 = new INDArray[numBlocks];
        b1 = new INDArray[numBlocks];
        w2 = new INDArray[numBlocks];
        b2 = new INDArray[numBlocks];
        h = new INDArray[numBlocks + 1];
        a1 = new INDArray[numBlocks];
        z = new INDArray[numBlocks];
        a2 = new INDArray[numBlocks];
        u = new INDArray[numBlocks];
        dz = new INDArray[numBlocks];
        gam = new INDArray[numBlocks];
        h[0] = z0;
        gam[0] = gz0;
        for (int l = 0; l < numBlocks; l++) {
            String p = ResNetLayer.blockPrefix(l, numBlocks);
            w1[l] = net.param(p + "_dense1_kernel");
            b1[l] = net.param(p + "_dense1_bias");
            w2[l] = net.param(p + "_dense2_kernel");
            b2[l] = net.param(p + "_dense2_bias");
            h[l + 1] = buf(rows, width);
            a1[l] = buf(rows, width);
            z[l] = buf(rows, width);
            a2[l] = buf(rows, width);
            u[l] = buf(rows, width);
            dz[l] = buf(rows, width);
            if (l > 0) {
                gam[l] = buf(rows, width);
            }
        }
        scratch = buf(rows, width);
        cq = buf(1, width);
    }

    @Override
    protected void refreshDerived() {
        super.refreshDerived();
        gemm(woRow, w2[numBlocks - 1], cq, false, true, 0.0);
    }

    @Override
    protected void trunkForward(boolean forEnergies) {
        for (int l = 0; l < numBlocks; l++) {
            relu(h[l], a1[l]);
            gemm(a1[l], w1[l], z[l], false, false, 0.0);
            z[l].addiRowVector(b1[l]);
            if (l == numBlocks - 1 && !forEnergies) {
                break; // u_L and h_L only feed the head
            }
            relu(z[l], a2[l]);
            gemm(a2[l], w2[l], u[l], false, false, 0.0);
            u[l].addiRowVector(b2[l]);
            h[l].add(u[l], h[l + 1]);
        }
    }

    @Override
    protected void trunkBackward() {
        for (int l = numBlocks - 1; l >= 0; l--) {
            step(z[l], dz[l]);
            if (l == numBlocks - 1) {
                dz[l].muliRowVector(cq);                       // δz_L = mask ⊙ (wo^T W2_L^T)
            } else {
                gemm(gam[l + 1], w2[l], scratch, false, true, 0.0); // δq_l
                dz[l].muli(scratch);
            }
            gemm(dz[l], w1[l], scratch, false, true, 0.0);     // δr_l
            step(h[l], gam[l]);
            gam[l].muli(scratch);
            if (l == numBlocks - 1) {
                gam[l].addiRowVector(woRow);                   // γ_L = wo^T
            } else {
                gam[l].addi(gam[l + 1]);
            }
        }
    }

    @Override
    protected INDArray top() {
        return h[numBlocks];
    }

    @Override
    public double gradPenaltyParamGradients(INDArray obs, INDArray act, double margin, double weight,
                                            INDArray gradOut) {
        if (penalty == null) {
            penalty = new PreActivationGradPenalty(this);
        }
        actionGradient(obs, act); // forward + backward, keeps dz and gam; ga = ∂f/∂a
        return penalty.run(margin, weight, gradOut);
    }

    /**
     * Views of the buffers after {@link #energies}, named as IBC's layers (net_input, projection, relu1, dense1, relu2,
     * dense2, residual, head), with a {@code block<l>/} prefix when there are several blocks. For parity checks.
     */
    public Map<String, INDArray> intermediates() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put("net_input", netInput());
        m.put("projection", h[0]);
        for (int l = 0; l < numBlocks; l++) {
            String p = numBlocks == 1 ? "" : "block" + l + "/";
            m.put(p + "relu1", a1[l]);
            m.put(p + "dense1", z[l]);
            m.put(p + "relu2", a2[l]);
            m.put(p + "dense2", u[l]);
            m.put(p + "residual", h[l + 1]);
        }
        m.put("head", lastEnergies().reshape(rows, 1));
        return m;
    }
}
