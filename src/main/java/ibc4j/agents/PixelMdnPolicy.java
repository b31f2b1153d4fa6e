package ibc4j.agents;

import ibc4j.networks.GaussianMixture;
import ibc4j.networks.pixel.ConvMLPMDN;
import ibc4j.runtime.NoiseSource;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The evaluation policy of {@link PixelMdnAgent}; mirrors {@code ibc/agents/mdn_policy.py} MdnPolicyWrapper, which
 * {@code MdnBehavioralCloningAgent} exposes without a GreedyPolicy (IBC db89ddb): uint8 'rgb' to [0, 1] and
 * {@code obs_norm_layer} ({@link PixelPolicies}), {@code ConvMLPMDN.call(training=False)} (test temperature,
 * act_denorm_layer), one sample of the mixture (draws from the given {@link NoiseSource}), clipped to the env's
 * action spec.
 */
public final class PixelMdnPolicy implements BcPolicy {
    private final ConvMLPMDN net;
    private final Object obsNormLayer;
    private final float[][] bounds;

    public PixelMdnPolicy(Object actionSpec, ConvMLPMDN net, Object obsNormLayer) {
        this.net = java.util.Objects.requireNonNull(net, "network");
        this.obsNormLayer = obsNormLayer;
        this.bounds = PixelPolicies.clipBounds(actionSpec, net.actionDim());
    }

    public ConvMLPMDN network() {
        return net;
    }

    /** The distribution the policy samples: {@code ConvMLPMDN(normalized obs, training=False)}. */
    public GaussianMixture distribution(Map<String, INDArray> observations) {
        return net.call(PixelPolicies.normalizedRgb(observations, obsNormLayer, net.imageSpec()), false);
    }

    /** One sampled action per row {@code [B, A]}, clipped; draws come from {@code noise}. */
    @Override
    public INDArray action(Map<String, INDArray> observations, NoiseSource noise) {
        return PixelPolicies.clip(distribution(observations).sample(noise), bounds);
    }
}
