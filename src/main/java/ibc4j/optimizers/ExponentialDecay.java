package ibc4j.optimizers;

/**
 * Keras {@code ExponentialDecay(initial_learning_rate, decay_steps, decay_rate, staircase=False)} as IBC's
 * {@code get_agent.py} uses it: {@code lr(t) = lr0 · rate^(t / decay_steps)} in float32, continuous, where t is the
 * optimizer's update count before the update (the first update uses lr0). IBC's configs use decay_steps = 100
 * and rate 0.99, so lr(10k) ≈ 3.66e-4 and training effectively freezes after 30–40k steps.
 */
public record ExponentialDecay(float initialLearningRate, float decaySteps, float decayRate) {

    public float learningRate(long step) {
        float p = (float) step / decaySteps;
        return initialLearningRate * (float) Math.pow(decayRate, p);
    }
}
