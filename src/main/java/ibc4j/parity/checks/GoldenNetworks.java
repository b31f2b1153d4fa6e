package ibc4j.parity.checks;

import ibc4j.networks.MLPEBM;
import ibc4j.parity.Golden;
import ibc4j.parity.TensorSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Shared by the network-based checks: the golden's MLPEBM with TF's weights, and row filtering. */
final class GoldenNetworks {
    private GoldenNetworks() {}

    /**
     * The network described by the golden's params, with every {@code weight} tensor loaded by its short name and,
     * for {@code dense_layer_type='spectral_norm'}, each DenseSN's u from {@code sn_u_<dense>}; in the default
     * data type (float32, or float64 for reference runs).
     */
    static MLPEBM network(Golden g) {
        Object type = g.params().get("dense_layer_type");
        MLPEBM.Config cfg = new MLPEBM.Config(g.intParam("width"), g.intParam("depth"), g.doubleParam("rate"),
                (String) g.param("activation"), (String) g.param("layers"), "normal", "normal",
                type == null ? "regular" : (String) type);
        MLPEBM net = MLPEBM.create(cfg, g.intParam("obs_dim"), g.intParam("action_dim"), 0);
        DataType dt = net.dataType();
        Map<String, INDArray> weights = new LinkedHashMap<>();
        for (TensorSpec t : g.tensorsWithRole("weight")) {
            weights.put(t.name(), g.tensor(t.name()).castTo(dt));
        }
        net.setParams(weights);
        for (Map.Entry<String, INDArray> u : net.spectralNormState().entrySet()) {
            u.getValue().assign(g.tensor("sn_u_" + u.getKey()).castTo(dt));
        }
        return net;
    }

    /** The golden's {@code obs_<key>} tensors (keys from its {@code obs_keys} param), flattened as MLPEBM does. */
    static INDArray flatObservations(Golden g) {
        @SuppressWarnings("unchecked")
        List<String> keys = (List<String>) g.param("obs_keys");
        Map<String, INDArray> obsDict = new LinkedHashMap<>();
        for (String key : keys) {
            obsDict.put(key, g.tensor("obs_" + key));
        }
        return ibc4j.agents.Observations.flatten(obsDict);
    }

    /** The rows of {@code a} (reshaped to {@code [drop.length, -1]}) whose flag is false. */
    static INDArray keepRows(INDArray a, boolean[] drop) {
        int kept = 0;
        for (boolean d : drop) {
            kept += d ? 0 : 1;
        }
        int cols = (int) (a.length() / drop.length);
        // float64 holds float32 and int32 values exactly; one bulk copy instead of a view per row.
        double[] src = a.dup('c').castTo(DataType.DOUBLE).data().asDouble();
        double[] dst = new double[kept * cols];
        for (int r = 0, o = 0; r < drop.length; r++) {
            if (!drop[r]) {
                System.arraycopy(src, r * cols, dst, o++ * cols, cols);
            }
        }
        return Nd4j.create(dst, new long[] {kept, cols}, 'c').castTo(a.dataType());
    }

    static int count(boolean[] flags) {
        int n = 0;
        for (boolean f : flags) {
            n += f ? 1 : 0;
        }
        return n;
    }
}
