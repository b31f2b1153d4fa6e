package ibc4j.agents;

import ibc4j.networks.pixel.PixelEBM;
import ibc4j.optimizers.KerasAdam;
import ibc4j.runtime.NoiseSource;
import java.util.Map;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What {@link PixelMseAgent} and {@link PixelMdnAgent} share: IBC's explicit agents ({@code mse_agent.py},
 * {@code mdn_agent.py}, IBC db89ddb) on a pixel network, whose {@code _loss} differs and whose {@code _train}
 * (the observation check, the NaN/Inf checks, the Adam step) is the same. Image observations only; the evaluation
 * policy is given by the caller that knows the env's action spec.
 */
abstract class PixelBcAgent extends BehavioralCloningAgent {
    /** One {@code _loss}: the total, its per-example terms, ∂total/∂θ flat and IBC's {@code Losses/} summary. */
    protected record Loss(float total, INDArray perExample, INDArray gradient, Map<String, Float> summaries) {}

    /** One step's outcome. */
    public record TrainStep(long step, float totalLoss, INDArray perExampleLoss, Map<String, Float> summaries)
            implements BcAgent.Step {}

    private final String network;
    private final PixelObservations.LazyPolicy policy;

    /**
     * @param network the network's IBC name, for messages and as the name of its one flat tensor
     * @param policy  makes the evaluation policy on first use; null: none
     */
    protected PixelBcAgent(String network, KerasAdam optimizer, Object trainStepCounter, Supplier<BcPolicy> policy) {
        super(optimizer, trainStepCounter);
        this.network = network;
        this.policy = new PixelObservations.LazyPolicy(network, policy);
    }

    protected abstract PixelEBM.ImageSpec imageSpec();

    protected abstract int actionDim();

    /** {@code _loss} (training=True) on the checked image batch; dropout draws from {@code noise}. */
    protected abstract Loss loss(INDArray rgb, INDArray actions, NoiseSource noise);

    @Override
    public final BcPolicy policy() {
        return policy.get();
    }

    @Override
    public final Step train(INDArray observations, INDArray actions, NoiseSource noise) {
        throw PixelObservations.flatRefused(network);
    }

    @Override
    public final TrainStep train(Map<String, INDArray> observations, INDArray actions, NoiseSource noise) {
        INDArray rgb = PixelObservations.rgb(observations, imageSpec());
        if (actions.rank() != 2 || actions.size(0) != rgb.size(0) || actions.size(1) != actionDim()) {
            throw new IllegalArgumentException("actions: expected [" + rgb.size(0) + ", " + actionDim()
                    + "], got " + java.util.Arrays.toString(actions.shape()));
        }
        Loss loss = loss(rgb, actions, noise);
        long step = trainStep();
        applyGradients(loss.total(), loss.perExample(), loss.gradient());
        return new TrainStep(step, loss.total(), loss.perExample(), loss.summaries());
    }

    @Override
    protected final Map<String, INDArray> gradientViews(INDArray flatGradient) {
        return Map.of(network, flatGradient);
    }

    @Override
    protected final Map<String, INDArray> weights() {
        return Map.of(network, flatParams());
    }
}
