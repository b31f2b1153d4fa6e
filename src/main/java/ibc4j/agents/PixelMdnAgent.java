package ibc4j.agents;

import ibc4j.losses.MdnLoss;
import ibc4j.networks.MLPMDN;
import ibc4j.networks.layers.KerasDropout;
import ibc4j.networks.pixel.ConvMLPMDN;
import ibc4j.optimizers.KerasAdam;
import ibc4j.runtime.NoiseSource;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * MdnBehavioralCloningAgent ({@code ibc/agents/mdn_agent.py}, {@code _loss}; IBC db89ddb) over the pixel network
 * {@link ConvMLPMDN}, as {@code configs/pushing_pixels/pixel_mdn_best.gin} trains it: the training-mode mixture
 * {@code ConvMLPMDN(obs, training=True)} on the normalized {@code obs['rgb']}, per-example {@code −log_prob(action)},
 * total {@code Σ_b / B} ({@link MdnLoss}), its gradient by DL4J backprop through the same dropout masks, one Keras
 * Adam step ({@link BehavioralCloningAgent}). IBC logs the total as {@code Losses/mdn_total_loss}.
 *
 * <p>The same loss as {@link MdnAgent}; a separate class because that one takes flat observations and an MLPMDN.
 * Its evaluation policy is {@link PixelMdnPolicy}, given by the caller that knows the env's action spec.
 */
public final class PixelMdnAgent extends BehavioralCloningAgent {
    private final ConvMLPMDN net;
    private final PixelObservations.LazyPolicy policy;

    public PixelMdnAgent(ConvMLPMDN net, KerasAdam optimizer, Object trainStepCounter) {
        this(net, optimizer, trainStepCounter, null);
    }

    /** @param policy makes the evaluation policy ({@link PixelMdnPolicy}) on first use; null: none */
    public PixelMdnAgent(ConvMLPMDN net, KerasAdam optimizer, Object trainStepCounter,
                         java.util.function.Supplier<BcPolicy> policy) {
        super(optimizer, trainStepCounter);
        this.net = java.util.Objects.requireNonNull(net, "cloning_network");
        this.policy = new PixelObservations.LazyPolicy("ConvMLPMDN", policy);
    }

    public ConvMLPMDN network() {
        return net;
    }

    @Override
    public INDArray flatParams() {
        return net.graph().params();
    }

    @Override
    public BcPolicy policy() {
        return policy.get();
    }

    /** One step's outcome. */
    public record TrainStep(long step, MdnLoss.Result loss, Map<String, Float> summaries) implements BcAgent.Step {
        @Override
        public float totalLoss() {
            return loss.total();
        }
    }

    @Override
    public Step train(INDArray observations, INDArray actions, NoiseSource noise) {
        throw PixelObservations.flatRefused("ConvMLPMDN");
    }

    @Override
    public TrainStep train(Map<String, INDArray> observations, INDArray actions, NoiseSource noise) {
        INDArray rgb = PixelObservations.rgb(observations, net.imageSpec());
        if (actions.rank() != 2 || actions.size(0) != rgb.size(0) || actions.size(1) != net.actionDim()) {
            throw new IllegalArgumentException("actions: expected [" + rgb.size(0) + ", " + net.actionDim()
                    + "], got " + java.util.Arrays.toString(actions.shape()));
        }
        MdnLoss.Result[] result = new MdnLoss.Result[1];
        MLPMDN.TrainingPass pass;
        try (KerasDropout.Binding s = net.dropoutNoise(noise)) {
            pass = net.trainingPass(rgb, (mu, logvar, pi) -> {
                result[0] = MdnLoss.compute(net.head(), mu, logvar, pi, actions);
                return new INDArray[] {result[0].gradMu(), result[0].gradLogvar(), result[0].gradPi()};
            });
        }
        Map<String, Float> summaries = new LinkedHashMap<>();
        summaries.put("Losses/mdn_total_loss", result[0].total());
        long step = trainStep();
        applyGradients(result[0].total(), result[0].perExample(), pass.gradient());
        return new TrainStep(step, result[0], summaries);
    }

    @Override
    protected Map<String, INDArray> gradientViews(INDArray flatGradient) {
        return Map.of("ConvMLPMDN", flatGradient);
    }

    @Override
    protected Map<String, INDArray> weights() {
        return Map.of("ConvMLPMDN", flatParams());
    }
}
