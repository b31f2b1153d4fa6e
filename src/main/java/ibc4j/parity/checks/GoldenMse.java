package ibc4j.parity.checks;

import ibc4j.networks.GraphErrorBounds;
import ibc4j.networks.MLPMSE;
import ibc4j.normalizers.Normalizers;
import ibc4j.parity.Golden;
import ibc4j.parity.TensorSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Shared by the MSE checks: the golden's MLPMSE with TF's weights and act_denorm_layer, and its error bounds. */
final class GoldenMse {
    private GoldenMse() {}

    /** The network the golden's params describe, with every {@code weight} tensor loaded by its short name. */
    static MLPMSE network(Golden g) {
        MLPMSE.Config cfg = new MLPMSE.Config(g.intParam("width"), g.intParam("depth"), g.doubleParam("rate"),
                (String) g.param("layers"));
        MLPMSE net = MLPMSE.create(cfg, g.intParam("obs_dim"), g.intParam("action_dim"), 0, denorm(g),
                WorkspaceMode.ENABLED);
        Map<String, INDArray> weights = new LinkedHashMap<>();
        for (TensorSpec t : g.tensorsWithRole("weight")) {
            weights.put(t.name(), g.tensor(t.name()));
        }
        net.setParams(weights);
        return net;
    }

    /** IBC's act_denorm_layer under mlp_mse.gin: a StdDenormalizationLayer (act_mean, act_std). */
    static Normalizers.Std denorm(Golden g) {
        return g.has("act_mean") ? new Normalizers.Std(g.tensor("act_mean").toFloatVector(),
                g.tensor("act_std").toFloatVector()) : null;
    }

    /** The head's bound for one pass of {@code net} on {@code obs} (inference, or training with the current noise). */
    static double headBound(MLPMSE net, INDArray obs, boolean training) {
        Map<String, INDArray> acts = net.graph().feedForward(new INDArray[] {obs}, training, false);
        double e = GraphErrorBounds.of(net.graph(), acts, training).get("head");
        net.graph().clearLayersStates();
        return e;
    }

    /** StdDenormalizationLayer {@code y·max(std, eps) + mean}: the head's error times max std, plus two roundings. */
    static double denormBound(double headBound, Normalizers.Std std, INDArray out) {
        double s = 0;
        for (float v : std.std()) {
            s = Math.max(s, Math.max(v, Normalizers.EPS));
        }
        return headBound * s + 2 * ibc4j.networks.Float32ErrorBounds.U * out.amaxNumber().doubleValue();
    }
}
