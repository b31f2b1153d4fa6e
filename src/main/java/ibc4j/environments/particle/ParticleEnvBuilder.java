package ibc4j.environments.particle;

/**
 * Builds a {@link ParticleEnv} ({@code environments/particle/particle.py}) from IBC's defaults, so that call
 * sites name what they change: {@code ParticleEnv.builder().nDim(16).seed(0L).build()}.
 */
public final class ParticleEnvBuilder {
    private int nSteps = 50;
    private int nDim = 2;
    private boolean hideVelocity = false;
    private Long seed = null;
    private double dt = 0.005;
    private int repeatActions = 10;
    private double kP = 10.0;
    private double kV = 5.0;
    private double goalDistance = 0.05;

    ParticleEnvBuilder() {
    }

    /** Control steps per episode; default 50. */
    public ParticleEnvBuilder nSteps(int v) {
        nSteps = v;
        return this;
    }

    /** Particle dimension N; default 2. */
    public ParticleEnvBuilder nDim(int v) {
        nDim = v;
        return this;
    }

    /** Drop {@code vel_agent} from the observation space (only there, as IBC); default false. */
    public ParticleEnvBuilder hideVelocity(boolean v) {
        hideVelocity = v;
        return this;
    }

    /** Constructor seed of the private {@code RandomState}; default null (OS entropy). */
    public ParticleEnvBuilder seed(Long v) {
        seed = v;
        return this;
    }

    /** Integration substep in seconds; default 0.005. */
    public ParticleEnvBuilder dt(double v) {
        dt = v;
        return this;
    }

    /** Substeps per control step; default 10. */
    public ParticleEnvBuilder repeatActions(int v) {
        repeatActions = v;
        return this;
    }

    /** PD position gain; default 10. */
    public ParticleEnvBuilder kP(double v) {
        kP = v;
        return this;
    }

    /** PD velocity gain; default 5. */
    public ParticleEnvBuilder kV(double v) {
        kV = v;
        return this;
    }

    /** Success radius around each goal; default 0.05. */
    public ParticleEnvBuilder goalDistance(double v) {
        goalDistance = v;
        return this;
    }

    /** The env; like IBC's constructor it has already reset once. */
    public ParticleEnv build() {
        return new ParticleEnv(nSteps, nDim, hideVelocity, seed, dt, repeatActions, kP, kV, goalDistance);
    }
}
