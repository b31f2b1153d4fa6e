package ibc4j.agents;

import ibc4j.networks.pixel.ConvMLPMSE;
import ibc4j.runtime.NoiseSource;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The evaluation policy of {@link PixelMseAgent}; mirrors {@code ibc/agents/mse_policy.py} MsePolicyWrapper under
 * the GreedyPolicy {@code MseBehavioralCloningAgent} exposes (IBC db89ddb), over {@link ConvMLPMSE}: uint8 'rgb' to
 * [0, 1] and {@code obs_norm_layer} ({@link PixelPolicies}), {@code ConvMLPMSE.call(training=False)} (which applies
 * its act_denorm_layer), clipped to the env's action spec. Nothing is random.
 */
public final class PixelMsePolicy implements BcPolicy {
    private final ConvMLPMSE net;
    private final Object obsNormLayer;
    private final float[][] bounds;

    /**
     * @param actionSpec   the env's action spec; a bounded one clips, null or unbounded does not
     * @param obsNormLayer {@code Map<String, Normalizers.Std>} per key (nested_obs), or null
     */
    public PixelMsePolicy(Object actionSpec, ConvMLPMSE net, Object obsNormLayer) {
        this.net = java.util.Objects.requireNonNull(net, "network");
        this.obsNormLayer = obsNormLayer;
        this.bounds = PixelPolicies.clipBounds(actionSpec, net.actionDim());
    }

    public ConvMLPMSE network() {
        return net;
    }

    /** The greedy actions {@code [B, A]} for raw observations (per key {@code [B, T, d]}); {@code noise} is unused. */
    @Override
    public INDArray action(Map<String, INDArray> observations, NoiseSource noise) {
        return PixelPolicies.clip(modeAction(observations), bounds);
    }

    /** The network's denormalized output before the clip. */
    public INDArray modeAction(Map<String, INDArray> observations) {
        return net.call(PixelPolicies.normalizedRgb(observations, obsNormLayer, net.imageSpec()), false);
    }
}
