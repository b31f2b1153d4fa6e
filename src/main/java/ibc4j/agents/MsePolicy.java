package ibc4j.agents;

import ibc4j.networks.MLPMSE;
import ibc4j.runtime.NoiseSource;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The MSE agent's evaluation policy; mirrors {@code ibc/agents/mse_policy.py} MsePolicyWrapper (an ActorPolicy
 * that normalizes observations first) under the tf-agents GreedyPolicy that {@code MseBehavioralCloningAgent}
 * exposes as {@code agent.policy} (IBC db89ddb).
 *
 * <p>Raw observations per key {@code [B, T, d]} → {@code obs_norm_layer} per key → MLPMSE's flatten (sorted
 * keys, time-major) → {@code MLPMSE.call(training=False)}, which applies the network's {@code act_denorm_layer}
 * → the Deterministic distribution's mode → clipped to the action spec when it is bounded (tf-agents
 * {@code TFPolicy.action} with {@code clip=True}). Nothing is random.
 */
public final class MsePolicy implements BcPolicy {
    private final MLPMSE net;
    private final Object obsNormLayer;
    private final float[][] bounds; // null: no bounded action spec, no clip

    /**
     * @param actionSpec   the env's action spec; a bounded one clips the actions, null or unbounded does not
     * @param net          the MLPMSE (with its act_denorm_layer)
     * @param obsNormLayer {@code Map<String, Normalizers.Std>} per key, a {@code Normalizers.Std}, or null
     */
    public MsePolicy(Object actionSpec, MLPMSE net, Object obsNormLayer) {
        this.net = java.util.Objects.requireNonNull(net, "network");
        this.obsNormLayer = obsNormLayer;
        boolean bounded = actionSpec != null
                && !(actionSpec instanceof ibc4j.data.TensorSpec t && !t.isBounded());
        this.bounds = bounded ? Specs.bounds(actionSpec, net.actionDim(), "action_spec") : null;
    }

    public MLPMSE network() {
        return net;
    }

    /** The obs_norm_layer given at construction, or null. */
    public Object obsNormLayer() {
        return obsNormLayer;
    }

    /** {@code {min, max}} of the clip, or null when nothing is clipped. */
    public float[][] clipBounds() {
        return bounds == null ? null : new float[][] {bounds[0].clone(), bounds[1].clone()};
    }

    /** The greedy actions {@code [B, A]} for raw observations (per key {@code [B, T, d]}); {@code noise} is unused. */
    @Override
    public INDArray action(Map<String, INDArray> observations, NoiseSource noise) {
        return clip(modeAction(observations));
    }

    /** MsePolicyWrapper's distribution mode: the network's denormalized output, before the clip. */
    public INDArray modeAction(Map<String, INDArray> observations) {
        return net.call(Observations.normalizeAndFlatten(observations, obsNormLayer), false);
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
