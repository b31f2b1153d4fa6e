package ibc4j.agents;

import ibc4j.optimizers.KerasAdam;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What every agent shares: mirrors {@code ibc/agents/base_agent.py} {@code BehavioralCloningAgent} (IBC db89ddb),
 * whose {@code _train} takes the subclass's {@code _loss}, checks it for NaN/Inf, applies the gradients and
 * advances {@code train_step_counter}. Subclasses compute the loss and its flat parameter gradient and call
 * {@link #applyGradients}.
 */
public abstract class BehavioralCloningAgent implements BcAgent {
    private final KerasAdam optimizer;
    private long trainStep;

    /**
     * @param trainStepCounter IBC's {@code train_step_counter}: the starting step (a number), or null for 0
     */
    protected BehavioralCloningAgent(KerasAdam optimizer, Object trainStepCounter) {
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.trainStep = trainStepCounter instanceof Number n ? n.longValue() : 0L;
    }

    @Override
    public final KerasAdam optimizer() {
        return optimizer;
    }

    /** Training steps done (IBC's {@code train_step_counter}). */
    @Override
    public final long trainStep() {
        return trainStep;
    }

    /** The flat gradient's views by parameter name (for messages naming the tensor). */
    protected abstract Map<String, INDArray> gradientViews(INDArray flatGradient);

    /** The network's weights by parameter name (live views). */
    protected abstract Map<String, INDArray> weights();

    /**
     * The rest of IBC's {@code _train} once the loss is known: a non-finite loss, gradient or updated weight stops
     * training with a {@link NonFiniteException} naming the step and tensor ({@code tf.debugging.check_numerics});
     * otherwise one Adam update of {@link #flatParams()} in place and the step counter advances.
     *
     * @param totalLoss    the loss the gradient is of
     * @param perExample   its per-example terms (named in the message when the total is not finite)
     * @param flatGradient ∂total/∂θ in {@link #flatParams()}' layout
     */
    protected final void applyGradients(float totalLoss, INDArray perExample, INDArray flatGradient) {
        long step = trainStep;
        if (!Float.isFinite(totalLoss)) {
            throw NonFiniteException.of(step, "total_loss", Nd4j.scalar(totalLoss),
                    firstNonFinite(step, "per_example_loss", perExample));
        }
        for (Map.Entry<String, INDArray> e : gradientViews(flatGradient).entrySet()) {
            NonFiniteException.check(step, "gradient of " + e.getKey(), e.getValue());
        }
        optimizer.apply(flatParams(), flatGradient);
        for (Map.Entry<String, INDArray> e : weights().entrySet()) {
            NonFiniteException.check(step, "weight " + e.getKey() + " after the Adam update", e.getValue());
        }
        trainStep++;
    }

    /**
     * The flat batch {@code _loss} takes: normalized, flattened observations {@code [B, obsDim]} and normalized
     * actions {@code [B, actionDim]}; returns B.
     */
    protected static int checkFlatBatch(INDArray observations, INDArray actions, long obsDim, long actionDim) {
        if (observations.rank() != 2 || observations.size(1) != obsDim) {
            throw new IllegalArgumentException("observations: expected [B, " + obsDim + "] (normalized, "
                    + "flattened; see Observations.flatten), got " + java.util.Arrays.toString(observations.shape()));
        }
        if (actions.rank() != 2 || actions.size(0) != observations.size(0) || actions.size(1) != actionDim) {
            throw new IllegalArgumentException("actions: expected [" + observations.size(0) + ", " + actionDim
                    + "], got " + java.util.Arrays.toString(actions.shape()));
        }
        return (int) observations.size(0);
    }

    private static String firstNonFinite(long step, String name, INDArray x) {
        try {
            NonFiniteException.check(step, name, x);
            return null;
        } catch (NonFiniteException e) {
            return e.getMessage();
        }
    }
}
