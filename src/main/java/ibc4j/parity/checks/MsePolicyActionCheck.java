package ibc4j.parity.checks;

import ibc4j.agents.MsePolicy;
import ibc4j.agents.Observations;
import ibc4j.data.TensorSpec;
import ibc4j.networks.MLPMSE;
import ibc4j.normalizers.Normalizers;
import ibc4j.parity.Golden;
import ibc4j.parity.ParityCheck;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import ibc4j.runtime.NoiseSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link MsePolicy} against the MSE agent's {@code agent.policy.action} (GreedyPolicy over
 * {@code mse_policy.py:MsePolicyWrapper}): raw observations → per-key normalization → MLPMSE(training=False)
 * with its StdDenormalizationLayer → clip to the action spec.
 */
public final class MsePolicyActionCheck implements ComponentCheck {
    @Override
    public String component() {
        return "mse_policy_action";
    }

    @Override
    public List<TensorResult> run(Golden g) {
        MLPMSE net = GoldenMse.network(g);
        @SuppressWarnings("unchecked")
        List<String> keys = (List<String>) g.param("obs_keys");
        Map<String, INDArray> raw = new LinkedHashMap<>();
        Map<String, Normalizers.Std> norms = new LinkedHashMap<>();
        for (String k : keys) {
            raw.put(k, g.tensor("raw_obs_" + k));
            norms.put(k, new Normalizers.Std(g.tensor("obs_mean_" + k).toFloatVector(),
                    g.tensor("obs_std_" + k).toFloatVector()));
        }
        float lo = (float) g.doubleParam("action_min");
        float hi = (float) g.doubleParam("action_max");
        TensorSpec spec = TensorSpec.bounded("action", lo, hi, net.actionDim());
        MsePolicy policy = new MsePolicy(spec, net, norms);
        List<TensorResult> out = new ArrayList<>();
        Map<String, INDArray> normalized = Observations.normalize(raw, norms);
        for (String k : keys) {
            out.add(TensorResult.compare(g, "norm_obs_" + k, normalized.get(k), Tolerance.exact(
                    "(x − mean) / max(std, eps): two correctly rounded float32 ops in TF's order")));
        }
        INDArray obs = Observations.normalizeAndFlatten(raw, norms);
        double eHead = GoldenMse.headBound(net, obs, false);
        INDArray mode = policy.modeAction(raw);
        Tolerance t = Tolerance.of(GoldenMse.denormBound(eHead, GoldenMse.denorm(g), mode), 0,
                "the network's head bound × max std, plus the rounding of y·std + mean (GraphErrorBounds)");
        out.add(TensorResult.compare(g, "mode_action", mode, t));
        int clipped = g.intParam("clipped_elements");
        out.add(TensorResult.compare(g, "action", policy.action(raw, NoiseSource.nd4jGlobal()), Tolerance.of(
                t.atol(), 0, "clip is 1-Lipschitz: the mode's bound")).withNote(clipped + " of "
                + g.tensor("action").length() + " elements clipped by TF"));
        return out;
    }
}
