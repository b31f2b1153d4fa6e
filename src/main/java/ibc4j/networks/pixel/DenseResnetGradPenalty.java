package ibc4j.networks.pixel;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * ∂f/∂a of a {@link DenseResnetValue} and the parameter gradient of a penalty on it, derived by hand: what TF gets
 * by double backprop when IBC's {@code grad_penalty} ({@code ibc/losses/gradient_loss.py}) calls
 * {@code mcmc.gradient_wrt_act} on a PixelEBM under the training tape ({@code ibc/agents/ibc_agent.py},
 * {@code networks/layers/dense_resnet_value.py}, IBC db89ddb). DL4J has no second derivative, so the algebra is
 * written out here on plain ND4J arrays (any floating type: float32 for training, float64 for the
 * finite-difference test).
 *
 * <p>Rows r, Keras kernels K [in, out], x = [e, a] (encoding, action):
 * <pre>
 * forward   h = x·K0 + b0;  per block: y0 = relu(h)·V0 + c0, y1 = relu(y0)·V1 + c1, y2 = relu(y1)·V2 + c2,
 *           h ← h + y2;  f = h·k1 + b1.   Masks m0 = [h &gt; 0], m1 = [y0 &gt; 0], m2 = [y1 &gt; 0] (TF's ReluGrad).
 * backward  δh = k1ᵀ (every row); per block, last first: δy1 = (δh·V2ᵀ)⊙m2, δy0 = (δy1·V1ᵀ)⊙m1,
 *           δh ← δh + (δy0·V0ᵀ)⊙m0;  ∂f/∂a = δh·K0[a rows]ᵀ.
 * </pre>
 * With the masks fixed (ReLU's second derivative is 0 almost everywhere; TF's ReluGradGrad gives the features a
 * zero gradient), ∂f/∂a is linear in the kernels and free of the biases and of x. For G = ∂P/∂(∂f/∂a) [R, A],
 * φ = Σ_r G_r·∂f/∂a_r is the directional derivative of f along u_r = [0, G_r], i.e. a forward TANGENT pass:
 * <pre>
 * t = G·K0[a rows];  per block: s0 = t⊙m0, s1 = (s0·V0)⊙m1, s2 = (s1·V1)⊙m2, t ← t + s2·V2;   φ = Σ_r t_r·k1
 * </pre>
 * The tangent pass is the same masked linear map as the forward one, so its adjoints are the backward δ's above,
 * and ∂φ/∂θ is one outer product per kernel:
 * <pre>
 * ∂φ/∂k1 = Σ_r t_rᵀ (t after the last block)     ∂φ/∂V2 = s2ᵀ·δh_after   ∂φ/∂V1 = s1ᵀ·δy1   ∂φ/∂V0 = s0ᵀ·δy0
 * ∂φ/∂K0[a rows] = Gᵀ·δh_0 (δh before the first block),  ∂φ/∂K0[e rows] = 0,  every bias: 0
 * </pre>
 * and ∂φ/∂e = 0: the penalty sends nothing into the encoder, even though TF's tape sees the encoding (the
 * penalty's PixelEBM call encodes the observations inside the tape). The biases' and the encoder's penalty
 * gradients are exact zeros in TF as well. {@code DenseResnetGradPenaltyTest} checks ∂f/∂a and ∂φ/∂θ against
 * central differences in float64.
 */
public final class DenseResnetGradPenalty {
    private final DenseResnetValue cfg;
    private final Map<String, INDArray> w; // Keras names → kernels [in, out] and biases [out]
    private final INDArray encoding;
    private final INDArray actions;
    private final int encWidth;
    private final INDArray[][] masks;       // [block][m0, m1, m2]
    private final INDArray[] deltaAfter;    // δh after block i (= δy2 of block i)
    private final INDArray[][] deltaIn;     // [block][δy0, δy1]
    private final INDArray deltaH0;         // δh before the first block
    private final INDArray energies;
    private final INDArray dfDa;

    /**
     * The forward and backward pass at {@code encoding} [R, E], {@code actions} [R, A] with {@code params} in
     * Keras layout ({@link PixelEBM#params()}: {@code dense0_kernel}, {@code block<i>_dense<d>_kernel}, ...).
     */
    public DenseResnetGradPenalty(DenseResnetValue cfg, Map<String, INDArray> params, INDArray encoding,
                                  INDArray actions) {
        Preconditions.checkArgument(encoding.size(0) == actions.size(0), "encoding %s and actions %s: one row each",
                encoding.shapeInfoToString(), actions.shapeInfoToString());
        this.cfg = cfg;
        this.encoding = encoding;
        this.actions = actions;
        this.encWidth = (int) encoding.size(1);
        this.w = new LinkedHashMap<>();
        for (String d : cfg.denseNames()) {
            INDArray k = params.get(d + "_kernel");
            INDArray b = params.get(d + "_bias");
            Preconditions.checkArgument(k != null && b != null, "DenseResnetValue: missing %s_kernel or %s_bias", d, d);
            w.put(d + "_kernel", k.castTo(encoding.dataType()));
            w.put(d + "_bias", b.castTo(encoding.dataType()).reshape(1, b.length()));
        }
        int blocks = cfg.numBlocks();
        INDArray x = Nd4j.concat(1, encoding, actions.castTo(encoding.dataType()));
        INDArray h = dense("dense0", x);
        masks = new INDArray[blocks][3];
        for (int i = 0; i < blocks; i++) {
            String p = "block" + i + "_dense";
            INDArray y0 = dense(p + 0, relu(h, masks[i], 0));
            INDArray y1 = dense(p + 1, relu(y0, masks[i], 1));
            INDArray y2 = dense(p + 2, relu(y1, masks[i], 2));
            h = h.add(y2);
        }
        energies = dense("dense1", h).reshape(h.size(0));
        int rows = (int) x.size(0);
        deltaAfter = new INDArray[blocks];
        deltaIn = new INDArray[blocks][2];
        INDArray dh = w.get("dense1_kernel").transpose().broadcast(rows, cfg.width()).dup('c');
        for (int i = blocks - 1; i >= 0; i--) {
            String p = "block" + i + "_dense";
            deltaAfter[i] = dh;
            INDArray dy1 = dh.mmul(w.get(p + 2 + "_kernel").transpose()).muli(masks[i][2]);
            INDArray dy0 = dy1.mmul(w.get(p + 1 + "_kernel").transpose()).muli(masks[i][1]);
            deltaIn[i][0] = dy0;
            deltaIn[i][1] = dy1;
            dh = dh.add(dy0.mmul(w.get(p + 0 + "_kernel").transpose()).muli(masks[i][0]));
        }
        deltaH0 = dh;
        dfDa = dh.mmul(actionRows().transpose());
    }

    private INDArray dense(String name, INDArray in) {
        return in.mmul(w.get(name + "_kernel")).addiRowVector(w.get(name + "_bias"));
    }

    private static INDArray relu(INDArray in, INDArray[] masks, int i) {
        masks[i] = in.gt(0).castTo(in.dataType());
        return in.mul(masks[i]);
    }

    private INDArray actionRows() {
        INDArray k0 = w.get("dense0_kernel");
        return k0.get(NDArrayIndex.interval(encWidth, k0.size(0)), NDArrayIndex.all());
    }

    /** f {@code [R]}. */
    public INDArray energies() {
        return energies;
    }

    /** ∂f/∂a {@code [R, A]} (IBC's gradient_wrt_act returns its negative). */
    public INDArray dfDa() {
        return dfDa;
    }

    /**
     * ∂(Σ_r G_r·∂f/∂a_r)/∂θ for every value-network parameter, Keras names and layouts (zeros for the biases and
     * the encoding rows of {@code dense0_kernel}).
     */
    public Map<String, INDArray> paramGradient(INDArray g) {
        Preconditions.checkArgument(g.size(0) == actions.size(0) && g.size(1) == actions.size(1),
                "G: expected %s, got %s", actions.shapeInfoToString(), g.shapeInfoToString());
        INDArray gg = g.castTo(encoding.dataType());
        Map<String, INDArray> out = new LinkedHashMap<>();
        INDArray dK0 = Nd4j.zeros(encoding.dataType(), w.get("dense0_kernel").shape());
        dK0.get(NDArrayIndex.interval(encWidth, dK0.size(0)), NDArrayIndex.all()).assign(gg.transpose()
                .mmul(deltaH0));
        out.put("dense0_kernel", dK0);
        out.put("dense0_bias", zerosLike("dense0_bias"));
        INDArray t = gg.mmul(actionRows());
        for (int i = 0; i < cfg.numBlocks(); i++) {
            String p = "block" + i + "_dense";
            INDArray s0 = t.mul(masks[i][0]);
            INDArray s1 = s0.mmul(w.get(p + 0 + "_kernel")).muli(masks[i][1]);
            INDArray s2 = s1.mmul(w.get(p + 1 + "_kernel")).muli(masks[i][2]);
            out.put(p + 0 + "_kernel", s0.transpose().mmul(deltaIn[i][0]));
            out.put(p + 0 + "_bias", zerosLike(p + 0 + "_bias"));
            out.put(p + 1 + "_kernel", s1.transpose().mmul(deltaIn[i][1]));
            out.put(p + 1 + "_bias", zerosLike(p + 1 + "_bias"));
            out.put(p + 2 + "_kernel", s2.transpose().mmul(deltaAfter[i]));
            out.put(p + 2 + "_bias", zerosLike(p + 2 + "_bias"));
            t = t.add(s2.mmul(w.get(p + 2 + "_kernel")));
        }
        out.put("dense1_kernel", t.sum(0).reshape(t.size(1), 1));
        out.put("dense1_bias", zerosLike("dense1_bias"));
        return out;
    }

    private INDArray zerosLike(String bias) {
        return Nd4j.zeros(encoding.dataType(), w.get(bias).length());
    }
}
