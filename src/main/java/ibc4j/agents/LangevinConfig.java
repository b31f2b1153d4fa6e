package ibc4j.agents;

/**
 * The gin parameters of IBC's {@code langevin_actions_given_obs} (ibc/agents/mcmc.py), defaults as in IBC:
 * num_iterations 25 (the particle configs bind 100), step size 0.1 → 1e-5 polynomial with power 2, noise 1.0,
 * no grad clip, delta_action_clip 0.1, inf-norm.
 */
public record LangevinConfig(int numIterations, float stepsizeInit, float stepsizeDecay, float noiseScale,
                             Float gradClip, float deltaActionClip, boolean usePolynomialRate, float stepsizeFinal,
                             float stepsizePower, boolean returnChain, String gradNormType) {

    public static LangevinConfig ibcDefaults() {
        return new LangevinConfig(25, 1e-1f, 0.8f, 1.0f, null, 0.1f, true, 1e-5f, 2.0f, false, "inf");
    }

    public LangevinConfig withNumIterations(int k) {
        return new LangevinConfig(k, stepsizeInit, stepsizeDecay, noiseScale, gradClip, deltaActionClip,
                usePolynomialRate, stepsizeFinal, stepsizePower, returnChain, gradNormType);
    }

    public LangevinConfig withReturnChain(boolean chain) {
        return new LangevinConfig(numIterations, stepsizeInit, stepsizeDecay, noiseScale, gradClip, deltaActionClip,
                usePolynomialRate, stepsizeFinal, stepsizePower, chain, gradNormType);
    }

    public LangevinConfig withNoiseScale(float sigma) {
        return new LangevinConfig(numIterations, stepsizeInit, stepsizeDecay, sigma, gradClip, deltaActionClip,
                usePolynomialRate, stepsizeFinal, stepsizePower, returnChain, gradNormType);
    }
}
