package ibc4j.agents;

import ibc4j.losses.MdnLoss;
import ibc4j.networks.MLPMDN;
import ibc4j.networks.layers.KerasDropout;
import ibc4j.networks.pixel.ConvMLPMDN;
import ibc4j.networks.pixel.PixelEBM;
import ibc4j.optimizers.KerasAdam;
import ibc4j.runtime.NoiseSource;
import java.util.Map;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * MdnBehavioralCloningAgent ({@code ibc/agents/mdn_agent.py}, {@code _loss}; IBC db89ddb) over the pixel network
 * {@link ConvMLPMDN}, as {@code configs/pushing_pixels/pixel_mdn_best.gin} trains it: the training-mode mixture
 * {@code ConvMLPMDN(obs, training=True)} on the normalized {@code obs['rgb']}, per-example {@code −log_prob(action)},
 * total {@code Σ_b / B} ({@link MdnLoss}), its gradient by DL4J backprop through the same dropout masks, one Keras
 * Adam step ({@link PixelBcAgent}). IBC logs the total as {@code Losses/mdn_total_loss}.
 *
 * <p>The same loss as {@link MdnAgent}; a separate class because that one takes flat observations and an MLPMDN.
 * Its evaluation policy is {@link PixelMdnPolicy}, given by the caller that knows the env's action spec.
 */
public final class PixelMdnAgent extends PixelBcAgent {
    private final ConvMLPMDN net;

    public PixelMdnAgent(ConvMLPMDN net, KerasAdam optimizer, Object trainStepCounter) {
        this(net, optimizer, trainStepCounter, null);
    }

    /** @param policy makes the evaluation policy ({@link PixelMdnPolicy}) on first use; null: none */
    public PixelMdnAgent(ConvMLPMDN net, KerasAdam optimizer, Object trainStepCounter, Supplier<BcPolicy> policy) {
        super("ConvMLPMDN", optimizer, trainStepCounter, policy);
        this.net = java.util.Objects.requireNonNull(net, "cloning_network");
    }

    public ConvMLPMDN network() {
        return net;
    }

    @Override
    public INDArray flatParams() {
        return net.graph().params();
    }

    @Override
    protected PixelEBM.ImageSpec imageSpec() {
        return net.imageSpec();
    }

    @Override
    protected int actionDim() {
        return net.actionDim();
    }

    @Override
    protected Loss loss(INDArray rgb, INDArray actions, NoiseSource noise) {
        MdnLoss.Result[] result = new MdnLoss.Result[1];
        MLPMDN.TrainingPass pass;
        try (KerasDropout.Binding s = net.dropoutNoise(noise)) {
            pass = net.trainingPass(rgb, (mu, logvar, pi) -> {
                result[0] = MdnLoss.compute(net.head(), mu, logvar, pi, actions);
                return new INDArray[] {result[0].gradMu(), result[0].gradLogvar(), result[0].gradPi()};
            });
        }
        return new Loss(result[0].total(), result[0].perExample(), pass.gradient(),
                Map.of("Losses/mdn_total_loss", result[0].total()));
    }
}
