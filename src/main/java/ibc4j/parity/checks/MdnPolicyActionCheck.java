package ibc4j.parity.checks;

import ibc4j.agents.MdnPolicy;
import ibc4j.runtime.NoiseSource;
import ibc4j.agents.Observations;
import ibc4j.data.TensorSpec;
import ibc4j.networks.GaussianMixture;
import ibc4j.networks.MLPMDN;
import ibc4j.parity.Golden;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import ibc4j.normalizers.Normalizers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link MdnPolicy} against {@code mdn_policy.py:MdnPolicyWrapper.action} (IBC's MDN {@code agent.policy}, which
 * samples): the normalized observations, the inference mixture, and the sample and clipped action with TF's draws
 * (the components' N(0,1) draw and the chosen component) replayed.
 */
public final class MdnPolicyActionCheck implements ComponentCheck {
    @Override
    public String component() {
        return "mdn_policy_action";
    }

    @Override
    public List<TensorResult> run(Golden g) {
        MLPMDN net = GoldenMdn.network(g);
        @SuppressWarnings("unchecked")
        List<String> keys = (List<String>) g.param("obs_keys");
        Map<String, INDArray> raw = new LinkedHashMap<>();
        Map<String, Normalizers.Std> norms = new LinkedHashMap<>();
        for (String k : keys) {
            raw.put(k, g.tensor("raw_obs_" + k));
            norms.put(k, new Normalizers.Std(g.tensor("obs_mean_" + k).toFloatVector(),
                    g.tensor("obs_std_" + k).toFloatVector()));
        }
        TensorSpec spec = TensorSpec.bounded("action", (float) g.doubleParam("action_min"),
                (float) g.doubleParam("action_max"), net.actionDim());
        MdnPolicy policy = new MdnPolicy(spec, net, norms);
        List<TensorResult> out = new ArrayList<>();
        Map<String, INDArray> normalized = Observations.normalize(raw, norms);
        for (String k : keys) {
            out.add(TensorResult.compare(g, "norm_obs_" + k, normalized.get(k), Tolerance.exact(
                    "(x − mean) / max(std, eps): two correctly rounded float32 ops in TF's order")));
        }
        INDArray obs = Observations.normalizeAndFlatten(raw, norms);
        GoldenMdn.Bounds be = GoldenMdn.bounds(net, obs, false);
        GaussianMixture mix = policy.distribution(raw);
        double stdMax = GoldenMdn.maxStd(GoldenMdn.denorm(g));
        List<TensorResult> m = MlpMdnForwardCheck.mixture(g, "", mix, be, stdMax, "eval");
        out.addAll(m);

        INDArray z = g.tensor("component_normal");
        NoiseSource replay = NoiseSource.replay(List.of(), List.of(z), List.of(g.tensor("component_index")));
        INDArray sample = mix.sample(replay);
        double eLoc = m.get(1).tolerance().atol();
        double zs = z.mul(mix.scaleArray()).amaxNumber().doubleValue();
        Tolerance t = Tolerance.of(eLoc + zs * be.scaleRel() + 2 * GoldenMdn.U
                * sample.amaxNumber().doubleValue(), 0, "the chosen component's e(loc) + |z·s|·rel e(s), plus the "
                + "two roundings of s·z + loc (TF's draws and component replayed)");
        out.add(TensorResult.compare(g, "sample", sample, t));
        NoiseSource replay2 = NoiseSource.replay(List.of(), List.of(z), List.of(g.tensor("component_index")));
        out.add(TensorResult.compare(g, "action", policy.action(raw, replay2), Tolerance.of(t.atol(), 0,
                "clip is 1-Lipschitz: the sample's bound")).withNote(g.intParam("clipped_elements") + " of "
                + g.tensor("action").length() + " elements clipped by TF"));
        return out;
    }
}
