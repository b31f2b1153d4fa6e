package ibc4j.networks;

import ibc4j.networks.layers.ResNetLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The general {@link EbmKernel} path for {@code MLPDropoutLayer} (networks/layers/mlp_dropout.py) and
 * {@code ResNetOrigLayer} (networks/layers/resnet.py), IBC db89ddb; inference mode, so dropout is the identity.
 *
 * <pre>
 * MLPDropout  a_0 = relu(z0);  a_l = relu(a_{l-1}·W_l + b_l);  top = a_{D-1}
 *             backward: δz_{D-1} = [z_{D-1} > 0]⊙wo^T;  δz_{l-1} = [z_{l-1} > 0]⊙(δz_l·W_l^T);  ∂f/∂z0 = δz_0
 * ResNetOrig  h_0 = z0;  per block: z1 = h·W1 + b1;  u = relu(z1)·W2 + b2;  s = h + u;  h' = relu(s)
 *             backward: δs = [s > 0]⊙γ';  γ = δs + ([z1 > 0]⊙(δs·W2^T))·W1^T
 * </pre>
 * No gradient penalty here: every IBC EBM config uses ResNetPreActivation.
 */
final class LayeredKernel extends EbmKernel {
    private final boolean resnet;
    private final int n;           // dense layers after the first (MLP) or blocks (ResNet)
    private final INDArray[] w1;
    private final INDArray[] b1;
    private final INDArray[] w2;   // ResNet only
    private final INDArray[] b2;
    private final INDArray[] pre;  // MLP: z_l (pre[0] = z0); ResNet: z1 per block
    private final INDArray[] act;  // MLP: a_l; ResNet: h_l (act[0] = z0)
    private final INDArray[] sum;  // ResNet: s per block
    private final INDArray t1;
    private final INDArray t2;
    private final INDArray gamma;

    LayeredKernel(MLPEBM net, int rows) {
        super(net, rows);
        resnet = net.config().layers().equals("ResNetOrig");
        n = resnet ? net.numBlocks() : net.config().depth() - 1;
        int w = firstWidth;
        w1 = new INDArray[n];
        b1 = new INDArray[n];
        w2 = new INDArray[n];
        b2 = new INDArray[n];
        pre = new INDArray[n + 1];
        act = new INDArray[n + 1];
        sum = new INDArray[n];
        pre[0] = z0;
        act[0] = resnet ? z0 : buf(rows, w);
        for (int l = 0; l < n; l++) {
            if (resnet) {
                String p = ResNetLayer.blockPrefix(l, n);
                w1[l] = net.forwardParam(p + "_dense1_kernel");
                b1[l] = net.forwardParam(p + "_dense1_bias");
                w2[l] = net.forwardParam(p + "_dense2_kernel");
                b2[l] = net.forwardParam(p + "_dense2_bias");
                sum[l] = buf(rows, w);
            } else {
                w1[l] = net.forwardParam("dense" + (l + 1) + "_kernel");
                b1[l] = net.forwardParam("dense" + (l + 1) + "_bias");
            }
            pre[l + 1] = buf(rows, w);
            act[l + 1] = buf(rows, w);
        }
        t1 = buf(rows, w);
        t2 = buf(rows, w);
        gamma = buf(rows, w);
    }

    @Override
    protected void trunkForward(boolean forEnergies) {
        if (!resnet) {
            relu(z0, act[0]);
        }
        for (int l = 0; l < n; l++) {
            gemm(act[l], w1[l], pre[l + 1], false, false, 0.0);
            pre[l + 1].addiRowVector(b1[l]);
            if (!resnet) {
                relu(pre[l + 1], act[l + 1]);
                continue;
            }
            relu(pre[l + 1], t1);
            gemm(t1, w2[l], t2, false, false, 0.0);
            t2.addiRowVector(b2[l]);
            act[l].add(t2, sum[l]);
            relu(sum[l], act[l + 1]);
        }
    }

    @Override
    protected void trunkBackward() {
        // gamma holds ∂f/∂(output of stage l); the head row starts it.
        if (!resnet) {
            step(pre[n], gamma);
            gamma.muliRowVector(woRow);                 // δz at the last layer
            for (int l = n - 1; l >= 0; l--) {
                gemm(gamma, w1[l], t1, false, true, 0.0);
                step(pre[l], gamma);
                gamma.muli(t1);
            }
            gz0.assign(gamma);
            return;
        }
        for (int l = n - 1; l >= 0; l--) {
            step(sum[l], t2);
            if (l == n - 1) {
                t2.muliRowVector(woRow);                // δs
            } else {
                t2.muli(gamma);
            }
            gemm(t2, w2[l], t1, false, true, 0.0);
            step(pre[l + 1], gamma);
            t1.muli(gamma);                             // δz1
            gemm(t1, w1[l], gamma, false, true, 0.0);
            gamma.addi(t2);                             // γ at the block input
        }
        gz0.assign(gamma);
    }

    @Override
    protected INDArray top() {
        return act[n];
    }
}
