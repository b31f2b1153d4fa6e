package ibc4j.agents;

import ibc4j.losses.MseLoss;
import ibc4j.networks.MLPMSE;
import ibc4j.networks.layers.KerasDropout;
import ibc4j.networks.pixel.ConvMLPMSE;
import ibc4j.networks.pixel.PixelEBM;
import ibc4j.optimizers.KerasAdam;
import ibc4j.runtime.NoiseSource;
import java.util.Map;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * MseBehavioralCloningAgent ({@code ibc/agents/mse_agent.py}, {@code _loss}; IBC db89ddb) over the pixel network
 * {@link ConvMLPMSE}, as {@code configs/pushing_pixels/pixel_mse_best.gin} trains it: {@code y = ConvMLPMSE(obs,
 * training=True)} on the normalized {@code obs['rgb']}, per-example {@code mean_a (y − t)²}, total {@code Σ_b / B}
 * ({@link MseLoss}), its gradient by DL4J backprop through the same dropout masks, one Keras Adam step
 * ({@link PixelBcAgent}). IBC logs the total as {@code Losses/mse_total_loss}.
 *
 * <p>The same loss as {@link MseAgent}; a separate class because that one takes flat observations and an MLPMSE.
 * Its evaluation policy is {@link PixelMsePolicy}, given by the caller that knows the env's action spec.
 */
public final class PixelMseAgent extends PixelBcAgent {
    private final ConvMLPMSE net;

    public PixelMseAgent(ConvMLPMSE net, KerasAdam optimizer, Object trainStepCounter) {
        this(net, optimizer, trainStepCounter, null);
    }

    /** @param policy makes the evaluation policy ({@link PixelMsePolicy}) on first use; null: none */
    public PixelMseAgent(ConvMLPMSE net, KerasAdam optimizer, Object trainStepCounter, Supplier<BcPolicy> policy) {
        super("ConvMLPMSE", optimizer, trainStepCounter, policy);
        this.net = java.util.Objects.requireNonNull(net, "cloning_network");
    }

    public ConvMLPMSE network() {
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
        MseLoss.Result[] result = new MseLoss.Result[1];
        MLPMSE.TrainingPass pass;
        try (KerasDropout.Binding s = net.dropoutNoise(noise)) {
            pass = net.trainingPass(rgb, y -> {
                result[0] = MseLoss.compute(y, actions);
                return result[0].gradOutput();
            });
        }
        return new Loss(result[0].total(), result[0].perExample(), pass.gradient(),
                Map.of("Losses/mse_total_loss", result[0].total()));
    }
}
