package ibc4j.agents.mcmc;

/**
 * The gin parameters of IBC's {@code langevin_actions_given_obs} (ibc/agents/mcmc.py), defaults as in IBC:
 * num_iterations 25 (the particle configs bind 100), step size 0.1 → 1e-5 polynomial with power 2, noise 1.0,
 * no grad clip, delta_action_clip 0.1, inf-norm.
 *
 * <p>The real-valued parameters are Python floats in IBC, so they are kept as doubles here: TF turns each into a
 * float32 only where it meets a tensor ({@link Mcmc} does the same conversions at the same places), and some are
 * combined in float64 first ({@code init − final} of the schedule, {@code 0.1·0.5} of the delta clip).
 */
public record LangevinConfig(int numIterations, double stepsizeInit, double stepsizeDecay, double noiseScale,
                             Double gradClip, double deltaActionClip, boolean usePolynomialRate, double stepsizeFinal,
                             double stepsizePower, boolean returnChain, String gradNormType) {

    public static LangevinConfig ibcDefaults() {
        return new LangevinConfig(25, 1e-1, 0.8, 1.0, null, 0.1, true, 1e-5, 2.0, false, "inf");
    }

    public LangevinConfig withNumIterations(int k) {
        return new LangevinConfig(k, stepsizeInit, stepsizeDecay, noiseScale, gradClip, deltaActionClip,
                usePolynomialRate, stepsizeFinal, stepsizePower, returnChain, gradNormType);
    }

    public LangevinConfig withReturnChain(boolean chain) {
        return new LangevinConfig(numIterations, stepsizeInit, stepsizeDecay, noiseScale, gradClip, deltaActionClip,
                usePolynomialRate, stepsizeFinal, stepsizePower, chain, gradNormType);
    }

    public LangevinConfig withNoiseScale(double sigma) {
        return new LangevinConfig(numIterations, stepsizeInit, stepsizeDecay, sigma, gradClip, deltaActionClip,
                usePolynomialRate, stepsizeFinal, stepsizePower, returnChain, gradNormType);
    }

    /** The schedule of IbcPolicy's {@code optimize_again} chain: another init and final step size. */
    public LangevinConfig withStepsizes(double init, double fin) {
        return new LangevinConfig(numIterations, init, stepsizeDecay, noiseScale, gradClip, deltaActionClip,
                usePolynomialRate, fin, stepsizePower, returnChain, gradNormType);
    }

    public LangevinConfig withGradNormType(String type) {
        return new LangevinConfig(numIterations, stepsizeInit, stepsizeDecay, noiseScale, gradClip, deltaActionClip,
                usePolynomialRate, stepsizeFinal, stepsizePower, returnChain, type);
    }
}
