package ibc4j.agents;

import ibc4j.losses.MseLoss;
import ibc4j.networks.MLPMSE;
import ibc4j.networks.layers.KerasDropout;
import ibc4j.networks.pixel.ConvMLPMSE;
import ibc4j.optimizers.KerasAdam;
import ibc4j.runtime.NoiseSource;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * MseBehavioralCloningAgent ({@code ibc/agents/mse_agent.py}, {@code _loss}; IBC db89ddb) over the pixel network
 * {@link ConvMLPMSE}, as {@code configs/pushing_pixels/pixel_mse_best.gin} trains it: {@code y = ConvMLPMSE(obs,
 * training=True)} on the normalized {@code obs['rgb']}, per-example {@code mean_a (y − t)²}, total {@code Σ_b / B}
 * ({@link MseLoss}), its gradient by DL4J backprop through the same dropout masks, one Keras Adam step
 * ({@link BehavioralCloningAgent}). IBC logs the total as {@code Losses/mse_total_loss}.
 *
 * <p>The same loss as {@link MseAgent}; a separate class because that one takes flat observations and an MLPMSE.
 * Its evaluation policy is {@link PixelMsePolicy}, given by the caller that knows the env's action spec.
 */
public final class PixelMseAgent extends BehavioralCloningAgent {
    private final ConvMLPMSE net;
    private final PixelObservations.LazyPolicy policy;

    public PixelMseAgent(ConvMLPMSE net, KerasAdam optimizer, Object trainStepCounter) {
        this(net, optimizer, trainStepCounter, null);
    }

    /** @param policy makes the evaluation policy ({@link PixelMsePolicy}) on first use; null: none */
    public PixelMseAgent(ConvMLPMSE net, KerasAdam optimizer, Object trainStepCounter,
                         java.util.function.Supplier<BcPolicy> policy) {
        super(optimizer, trainStepCounter);
        this.net = java.util.Objects.requireNonNull(net, "cloning_network");
        this.policy = new PixelObservations.LazyPolicy("ConvMLPMSE", policy);
    }

    public ConvMLPMSE network() {
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
    public record TrainStep(long step, float totalLoss, INDArray perExampleLoss, Map<String, Float> summaries)
            implements BcAgent.Step {}

    @Override
    public Step train(INDArray observations, INDArray actions, NoiseSource noise) {
        throw PixelObservations.flatRefused("ConvMLPMSE");
    }

    @Override
    public TrainStep train(Map<String, INDArray> observations, INDArray actions, NoiseSource noise) {
        INDArray rgb = PixelObservations.rgb(observations, net.imageSpec());
        if (actions.rank() != 2 || actions.size(0) != rgb.size(0) || actions.size(1) != net.actionDim()) {
            throw new IllegalArgumentException("actions: expected [" + rgb.size(0) + ", " + net.actionDim()
                    + "], got " + java.util.Arrays.toString(actions.shape()));
        }
        MseLoss.Result[] result = new MseLoss.Result[1];
        MLPMSE.TrainingPass pass;
        try (KerasDropout.Binding s = net.dropoutNoise(noise)) {
            pass = net.trainingPass(rgb, y -> {
                result[0] = MseLoss.compute(y, actions);
                return result[0].gradOutput();
            });
        }
        Map<String, Float> summaries = new LinkedHashMap<>();
        summaries.put("Losses/mse_total_loss", result[0].total());
        long step = trainStep();
        applyGradients(result[0].total(), result[0].perExample(), pass.gradient());
        return new TrainStep(step, result[0].total(), result[0].perExample(), summaries);
    }

    @Override
    protected Map<String, INDArray> gradientViews(INDArray flatGradient) {
        return Map.of("ConvMLPMSE", flatGradient);
    }

    @Override
    protected Map<String, INDArray> weights() {
        return Map.of("ConvMLPMSE", flatParams());
    }
}
