package ibc4j.parity.checks;

import ibc4j.agents.IbcPolicy;
import ibc4j.agents.Observations;
import ibc4j.agents.mcmc.LangevinConfig;
import ibc4j.agents.mcmc.Mcmc;
import ibc4j.configurables.IbcConfigurables;
import ibc4j.data.TensorSpec;
import ibc4j.gin.GinConfig;
import ibc4j.networks.EbmKernel;
import ibc4j.networks.Float32ErrorBounds;
import ibc4j.networks.MLPEBM;
import ibc4j.normalizers.Normalizers;
import ibc4j.parity.ChainComparison;
import ibc4j.parity.Golden;
import ibc4j.parity.ParityCheck;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import ibc4j.runtime.NoiseSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link IbcPolicy} against {@code ibc/agents/ibc_policy.py:IbcPolicy._distribution} and the GreedyPolicy IBC
 * evaluates with: one eval action from raw observations, the policy built through gin with the golden's
 * bindings and TF's noise replayed. The chain inside is compared step by step as in {@code langevin_chain}
 * ({@link LangevinGolden}); what follows it (logits, probabilities, argmax, denormalize, clip) on ibc4j's own
 * free-running samples, with the chain's drift budget carried through.
 */
public final class IbcPolicyInferenceCheck implements ComponentCheck {
    private static final double U = Float32ErrorBounds.U;

    @Override
    public String component() {
        return "ibc_policy_inference";
    }

    @Override
    public List<TensorResult> run(Golden g) {
        MLPEBM net = GoldenNetworks.network(g);
        int n = g.intParam("num_action_samples");
        int k = g.intParam("num_iterations");
        int a = net.actionDim();
        float lo = g.tensor("sampling_lo").getFloat(0);
        float hi = g.tensor("sampling_hi").getFloat(0);
        @SuppressWarnings("unchecked")
        List<String> keys = (List<String>) g.param("obs_keys");
        // The observation statistics of this case's dataset (the policy golden records the raw observation only).
        Golden stats = g.manifest().golden("obs_flatten", g.caseName());
        Map<String, INDArray> raw = new LinkedHashMap<>();
        Map<String, Normalizers.Std> norms = new LinkedHashMap<>();
        for (String key : keys) {
            raw.put(key, g.tensor("raw_obs_" + key));
            norms.put(key, new Normalizers.Std(stats.tensor("mean_" + key).toFloatVector(),
                    stats.tensor("std_" + key).toFloatVector()));
        }
        float[] mid = g.tensor("act_mid").toFloatVector();
        float[] half = g.tensor("act_half").toFloatVector();
        // MinMaxDenormalizationLayer: vector * half_range + mean_range, float32.
        UnaryOperator<INDArray> denorm = y -> {
            float[] v = y.castTo(DataType.FLOAT).dup('c').data().asFloat();
            for (int i = 0; i < v.length; i++) {
                v[i] = v[i] * half[i % a] + mid[i % a];
            }
            return Nd4j.create(v, y.shape(), 'c');
        };
        GinConfig gin = IbcConfigurables.newGinConfig();
        gin.parse(String.join("\n",
                "IbcPolicy.num_action_samples = " + n,
                "IbcPolicy.use_langevin = " + py((Boolean) g.param("use_langevin")),
                "IbcPolicy.use_dfo = " + py((Boolean) g.param("use_dfo")),
                "IbcPolicy.optimize_again = " + py((Boolean) g.param("optimize_again")),
                "langevin_actions_given_obs.num_iterations = " + k), "ibc_policy_inference golden");
        Map<String, Object> args = new HashMap<>();
        args.put("time_step_spec", null);
        // ParticleEnv's action spec: BoundedTensorSpec [A] in [0, 1] (particle.py), what GreedyPolicy clips to.
        args.put("action_spec", TensorSpec.bounded("action", 0f, 1f, a));
        args.put("action_sampling_spec", new ibc4j.normalizers.SamplingSpec(null, null, lo, hi));
        args.put("actor_network", net);
        args.put("obs_norm_layer", norms);
        args.put("act_denorm_layer", denorm);
        IbcPolicy policy = gin.make(IbcPolicy.class, args);
        List<INDArray> normals = ChainComparison.unstack(g.tensor("step_noise"));
        IbcPolicy.Inference inf = policy.infer(raw, NoiseSource.replay(List.of(g.tensor("init_uniform")), normals));

        List<TensorResult> out = new ArrayList<>();
        Map<String, INDArray> normalized = Observations.normalize(raw, norms);
        Tolerance copy = Tolerance.exact("(x − mean)/max(std, eps) and copies: the same float32 ops as TF");
        for (String key : keys) {
            out.add(TensorResult.compare(g, "norm_obs_" + key, normalized.get(key), copy));
            out.add(TensorResult.compare(g, "tiled_obs_" + key, Observations.tile(normalized.get(key), n), copy));
        }
        Map<String, INDArray> tfTiled = new LinkedHashMap<>();
        keys.forEach(key -> tfTiled.put(key, g.tensor("tiled_obs_" + key)));
        out.add(TensorResult.of(g, "tiled_obs_" + keys.get(0), Observations.flatten(tfTiled), inf.tiled(), copy)
                .withNote("the policy's tiled network input = TF's tiled observations, flattened"));
        out.add(TensorResult.compare(g, "init_actions", inf.initialActions(), Tolerance.exact(
                "U·(hi−lo)+lo: tf.random.uniform's two float32 ops on the recorded U")));

        // The chain, noise_scale 1.0 as IbcPolicy passes it.
        LangevinConfig cfg = LangevinConfig.ibcDefaults().withNumIterations(k).withNoiseScale(1.0);
        LangevinGolden.Outcome chain = LangevinGolden.compare(g, net, inf.tiled(), g.tensor("init_actions"),
                inf.initialActions(), cfg, Mcmc.bounds(lo, a), Mcmc.bounds(hi, a));
        out.addAll(chain.results());
        out.add(TensorResult.of(g, "step_actions", chain.freeRunningFinal(), inf.samples(), Tolerance.exact(
                "the same float32 steps as the free-running comparison")).withNote(
                "the policy's chain (through gin, noise replayed) = the stepwise free-running chain"));

        // After the chain: on ibc4j's own samples, within the chain's budget D of TF's (rows that left it: out).
        boolean[] gone = chain.diverged();
        double d = chain.budget();
        double gmax = g.tensor("step_grad_norms").maxNumber().doubleValue();
        double tolLogit = chain.energyBound() + a * gmax * d;
        out.add(TensorResult.of(g, "logits", GoldenNetworks.keepRows(g.tensor("logits"), gone),
                GoldenNetworks.keepRows(inf.logits(), gone), Tolerance.of(tolLogit, 0,
                        "network bound + ‖∂f/∂a‖₁·D: the samples are within the chain budget D of TF's"))
                .excusing(LangevinGolden.divergedRows(gone)));
        // Teacher-forced: f at TF's final samples.
        EbmKernel kernel = EbmKernel.create(net, n);
        INDArray tfFinal = g.tensor("step_actions").slice(k - 1).dup('c');
        INDArray atTf = kernel.energies(inf.tiled(), tfFinal).dup();
        out.add(TensorResult.of(g, "logits", g.tensor("logits"), atTf, Tolerance.of(
                new Float32ErrorBounds(kernel).head, 0, "4·√K·u·Σ|terms| through the network at TF's samples"))
                .withNote("teacher-forced at TF's final samples"));
        double tolP = 2 * tolLogit + 8 * U;
        out.add(TensorResult.compare(g, "probs", inf.distribution().probabilities(), Tolerance.of(1e-12, tolP,
                "softmax: an error ε in every logit moves each p by ≤ 2ε relative; plus exp/sum/divide ulps")));
        float[] p = g.tensor("probs").toFloatVector();
        int tfArg = g.tensor("argmax_index").getInt(0);
        double second = 0;
        for (int i = 0; i < p.length; i++) {
            second = i == tfArg ? second : Math.max(second, p[i]);
        }
        out.add(TensorResult.compare(g, "argmax_index", Nd4j.scalar(inf.argmax()[0]), Tolerance.exact(
                "argmax over the probabilities, first index on ties")).withNote(String.format(Locale.ROOT,
                "top probability %.6g, runner-up %.6g: a margin of %.2g relative vs a tolerance of %.2g", p[tfArg],
                second, (p[tfArg] - second) / p[tfArg], tolP)));
        double maxHalf = 0;
        for (float h : half) {
            maxHalf = Math.max(maxHalf, h);
        }
        double maxMid = 0;
        for (float m : mid) {
            maxMid = Math.max(maxMid, Math.abs(m));
        }
        Tolerance tDen = Tolerance.of(maxHalf * d + 2 * U * (maxHalf * Math.abs(hi) + maxMid), 0,
                "half·D: the chain budget through y·half + mid, plus its two roundings");
        out.add(TensorResult.of(g, "denormalized_samples", GoldenNetworks.keepRows(g.tensor("denormalized_samples"),
                gone), GoldenNetworks.keepRows(inf.distribution().actions(), gone), tDen)
                .excusing(LangevinGolden.divergedRows(gone)));
        out.add(TensorResult.compare(g, "mode_action", inf.modeActions(), tDen));
        out.add(TensorResult.compare(g, "action", inf.actions(), Tolerance.of(tDen.atol(), 0,
                "the mode action's bound; the clip to [0, 1] is 1-Lipschitz")));
        return out;
    }

    private static String py(boolean b) {
        return b ? "True" : "False";
    }
}
