package ibc4j.agents;

import ibc4j.optimizers.KerasAdam;
import ibc4j.runtime.NoiseSource;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ImplicitBCAgent over a PixelEBM ({@code ibc/agents/ibc_agent.py}, IBC db89ddb) as the training loop drives it:
 * the step of {@link PixelImplicitBC} (uniform or Langevin counter examples, InfoNCE, the gradient penalty) on the
 * normalized {@code obs['rgb']}, with IBC's {@code Losses/} summaries. Its evaluation policy is
 * {@link PixelIbcPolicy} (DFO or Langevin over images), given by the caller that knows the specs.
 */
public final class PixelEbmAgent implements BcAgent {
    private final PixelImplicitBC step;
    private final PixelObservations.LazyPolicy policy;

    public PixelEbmAgent(PixelImplicitBC step) {
        this(step, null);
    }

    /** @param policy makes the evaluation policy ({@link PixelIbcPolicy}) on first use; null: none */
    public PixelEbmAgent(PixelImplicitBC step, java.util.function.Supplier<BcPolicy> policy) {
        this.step = java.util.Objects.requireNonNull(step, "step");
        this.policy = new PixelObservations.LazyPolicy("PixelEBM", policy);
    }

    public PixelImplicitBC implicitBc() {
        return step;
    }

    /** One step's outcome. */
    public record TrainStep(long step, float totalLoss, Map<String, Float> summaries) implements BcAgent.Step {}

    @Override
    public Step train(INDArray observations, INDArray actions, NoiseSource noise) {
        throw PixelObservations.flatRefused("PixelEBM");
    }

    @Override
    public TrainStep train(Map<String, INDArray> observations, INDArray actions, NoiseSource noise) {
        INDArray rgb = PixelObservations.rgb(observations, step.network().imageSpec());
        PixelImplicitBC.Step s = step.train(rgb, actions, noise);
        return new TrainStep(s.step(), s.loss(), s.detail().summaries());
    }

    @Override
    public long trainStep() {
        return step.trainStep();
    }

    @Override
    public KerasAdam optimizer() {
        return step.optimizer();
    }

    @Override
    public INDArray flatParams() {
        return step.network().flatParams();
    }

    @Override
    public BcPolicy policy() {
        return policy.get();
    }
}
