package ibc4j.agents;

import ibc4j.optimizers.KerasAdam;
import ibc4j.runtime.NoiseSource;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a training loop needs from a behavioral-cloning agent, whichever loss it trains with; mirrors the part of
 * tf-agents' {@code TFAgent} that IBC's {@code train_eval} drives ({@code agent.train}, {@code train_step_counter},
 * {@code agent.policy}). Implemented by {@link ImplicitBCAgent} ({@code loss_type='ebm'}) and {@link MseAgent}
 * ({@code 'mse'}).
 */
public interface BcAgent {
    /**
     * IBC's {@code agent.train(experience)} on one batch: loss, gradients, a NaN/Inf check, one Adam update of the
     * network in place; {@link #trainStep()} then advances.
     *
     * @param observations normalized, flattened observations {@code [B, obs]} (see {@link Observations})
     * @param actions      normalized target actions {@code [B, A]}
     * @param noise        where the step's random draws come from
     * @throws NonFiniteException if the loss, a gradient or an updated weight is NaN or infinite
     */
    Step train(INDArray observations, INDArray actions, NoiseSource noise);

    /**
     * {@link #train(INDArray, INDArray, NoiseSource)} on the normalized observation dict, per key {@code [B, T, d_k]}
     * (image keys flattened per frame); the networks over flat observations flatten it ({@link Observations}), the
     * pixel networks take the image.
     */
    default Step train(Map<String, INDArray> observations, INDArray actions, NoiseSource noise) {
        return train(Observations.flatten(observations), actions, noise);
    }

    /** Training steps done (IBC's {@code train_step_counter}). */
    long trainStep();

    /** The optimizer over {@link #flatParams()}. */
    KerasAdam optimizer();

    /** The network's parameters as the one flat array that is trained and checkpointed (a live view). */
    INDArray flatParams();

    /** The network's non-trainable state by name (live arrays), checkpointed with the parameters; maybe empty. */
    default Map<String, INDArray> networkState() {
        return Map.of();
    }

    /** IBC's {@code agent.policy}: the greedy evaluation policy on this agent's network. */
    BcPolicy policy();

    /** What one {@link #train} call reports. */
    interface Step {
        /** The step number this update was (0 for the first). */
        long step();

        /** The loss the gradient was taken of (IBC's {@code LossInfo.loss}). */
        float totalLoss();

        /** IBC's scalar summaries under {@code Losses/}, by their TensorBoard names. */
        Map<String, Float> summaries();
    }
}
