package ibc4j.parity.checks;

import ibc4j.networks.MLPEBM;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * How much the info_nce parameter gradient may legitimately differ between TF and ibc4j because of ReLU masks:
 * a unit whose input lies within float32 rounding δ of 0 may be on for one side and off for the other. Row
 * exclusions cannot help here (a parameter gradient sums over every row), so each possible flip's effect is added
 * to the tolerance of the elements it reaches, per element.
 *
 * <p>Network (MLPEBM, ResNetPreActivation, one block): h = x·Wp + bp, z = relu(h)·W1 + b1,
 * y = relu(z)·W2 + b2, f = (h + y)·wh + bh. With d_r = dL/df_r, the backward pass is g_x = d·whᵀ,
 * g_rz = g_x·W2ᵀ, g_z = g_rz ⊙ [z &gt; 0], g_rh = g_z·W1ᵀ, g_h = g_x + g_rh ⊙ [h &gt; 0]. A flip of z-unit (r, j)
 * changes g_z[r, j] by at most C = |g_rz[r, j]|, hence g_rh[r, :] by C·|W1[:, j]|; a flip of h-unit (r, k) changes
 * g_h[r, k] by at most |g_rh[r, k]| plus the z-flips' share. Bounds add up over flips (a sum of absolute
 * values bounds every subset of flips). Forward, a flipped unit's output moves by at most δ (its input is within
 * δ of 0): relu(z) by δz into W2 and the head, relu(h) by δh into W1.
 */
final class MaskFlipBound {
    private MaskFlipBound() {}

    /**
     * Per parameter (the network's short names), the elementwise bound, or null when the network is not one
     * ResNetPreActivation block (the goldens' MLPEBM is).
     *
     * @param obs    the network's observation input [R, obs] (tiled, flattened, normalized)
     * @param act    the actions [R, A]
     * @param dLdf   dL/df per row [R] (the 1/B of the batch mean included)
     * @param deltaH the rounding bound of the projection's outputs (which rows are near a kink)
     * @param deltaZ the rounding bound of the block's first dense outputs
     */
    static Map<String, INDArray> infoNce(MLPEBM net, INDArray obs, INDArray act, INDArray dLdf, double deltaH,
                                         double deltaZ) {
        if (!net.config().layers().equals("ResNetPreActivation") || net.numBlocks() != 1) {
            return null;
        }
        Map<String, INDArray> p = net.forwardParams();
        INDArray wp = d(p.get("proj_kernel"));
        INDArray w1 = d(p.get("block_dense1_kernel"));
        INDArray w2 = d(p.get("block_dense2_kernel"));
        INDArray wh = d(p.get("head_kernel"));
        int rows = (int) obs.size(0);
        INDArray in = Nd4j.hstack(d(obs), d(act));
        INDArray h = in.mmul(wp).addiRowVector(d(p.get("proj_bias")).reshape(1, -1));
        INDArray rh = Transforms.relu(h, true);
        INDArray z = rh.mmul(w1).addiRowVector(d(p.get("block_dense1_bias")).reshape(1, -1));
        INDArray mh = h.gt(0).castTo(DataType.DOUBLE);
        INDArray mz = z.gt(0).castTo(DataType.DOUBLE);
        INDArray ah = Transforms.abs(h, true).lte(deltaH).castTo(DataType.DOUBLE);
        INDArray az = Transforms.abs(z, true).lte(deltaZ).castTo(DataType.DOUBLE);
        // The backward pass itself in float64 with ibc4j's masks; only the sums over flips take absolute values.
        INDArray dSigned = d(dLdf).reshape(rows, 1);
        INDArray dcol = Transforms.abs(dSigned, true);
        INDArray gxSigned = dSigned.mmul(wh.reshape(1, -1));
        INDArray grzSigned = gxSigned.mmul(w2.transpose());
        INDArray gx = Transforms.abs(gxSigned, true);                             // |g_x|
        INDArray grz = Transforms.abs(grzSigned, true);                           // |g_rz|
        INDArray gz = grz.mul(mz);                                                 // |g_z|
        INDArray grh = Transforms.abs(grzSigned.mul(mz).mmul(w1.transpose()), true); // |g_rh|
        INDArray c = grz.mul(az);                                                  // z-flips
        INDArray cw = c.mmul(Transforms.abs(w1, true).transpose());                // their change of g_rh
        INDArray e = grh.add(cw).muli(ah);                                         // h-flips
        INDArray dh = e.add(cw.mul(mh.mul(ah.rsub(1.0))));                        // change of g_h per row
        INDArray drz = az.mul(deltaZ);                                             // forward: relu(z) moves
        INDArray drh = ah.mul(deltaH);                                             // forward: relu(h) moves
        Map<String, INDArray> out = new LinkedHashMap<>();
        out.put("proj_kernel", Transforms.abs(in, true).transpose().mmul(dh));
        out.put("proj_bias", dh.sum(0));
        out.put("block_dense1_kernel", rh.transpose().mmul(c).addi(drh.transpose().mmul(gz)));
        out.put("block_dense1_bias", c.sum(0));
        out.put("block_dense2_kernel", drz.transpose().mmul(gx));
        out.put("block_dense2_bias", Nd4j.zeros(DataType.DOUBLE, w2.size(1)));
        out.put("head_kernel", drz.mmul(Transforms.abs(w2, true)).transpose().mmul(dcol));
        out.put("head_bias", Nd4j.zeros(DataType.DOUBLE, 1));
        return out;
    }

    private static INDArray d(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c');
    }
}
