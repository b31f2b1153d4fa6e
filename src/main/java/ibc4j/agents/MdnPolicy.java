package ibc4j.agents;

import ibc4j.networks.GaussianMixture;
import ibc4j.networks.MLPMDN;
import ibc4j.runtime.NoiseSource;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The MDN agent's evaluation policy; mirrors {@code ibc/agents/mdn_policy.py} MdnPolicyWrapper (MSE's
 * MsePolicyWrapper, an ActorPolicy that normalizes observations first), which {@code MdnBehavioralCloningAgent}
 * exposes as {@code agent.policy} WITHOUT a GreedyPolicy (IBC db89ddb): evaluation samples the mixture.
 *
 * <p>Raw observations per key → {@code obs_norm_layer} → flatten → {@code MLPMDN.call(training=False)} (test
 * temperature, variance exponent, act_denorm_layer) → one sample of the mixture ({@link GaussianMixture#sample},
 * its draws from the given {@link NoiseSource}) → clipped to the action spec when it is bounded (tf-agents
 * {@code TFPolicy.action}, {@code clip=True}).
 */
public final class MdnPolicy implements BcPolicy {
    private final MLPMDN net;
    private final Object obsNormLayer;
    private final float[][] bounds; // null: no bounded action spec, no clip

    public MdnPolicy(Object actionSpec, MLPMDN net, Object obsNormLayer) {
        this.net = java.util.Objects.requireNonNull(net, "network");
        this.obsNormLayer = obsNormLayer;
        boolean bounded = actionSpec != null
                && !(actionSpec instanceof ibc4j.data.TensorSpec t && !t.isBounded());
        this.bounds = bounded ? Specs.bounds(actionSpec, net.actionDim(), "action_spec") : null;
    }

    public MLPMDN network() {
        return net;
    }

    /** The distribution the policy samples: {@code MLPMDN(normalized obs, training=False)}. */
    public GaussianMixture distribution(Map<String, INDArray> observations) {
        return net.call(Observations.normalizeAndFlatten(observations, obsNormLayer), false);
    }

    /** One sampled action per row {@code [B, A]}, clipped; draws come from {@code noise}. */
    @Override
    public INDArray action(Map<String, INDArray> observations, NoiseSource noise) {
        return clip(distribution(observations).sample(noise));
    }

    /** {@code common.clip_to_spec}: elementwise to [minimum, maximum] (nothing without a bounded spec). */
    public INDArray clip(INDArray actions) {
        if (bounds == null) {
            return actions;
        }
        int a = net.actionDim();
        float[] x = actions.castTo(DataType.FLOAT).dup('c').data().asFloat();
        for (int i = 0; i < x.length; i++) {
            int j = i % a;
            x[i] = Math.min(Math.max(x[i], bounds[0][j]), bounds[1][j]);
        }
        return Nd4j.create(x, actions.shape(), 'c');
    }
}
