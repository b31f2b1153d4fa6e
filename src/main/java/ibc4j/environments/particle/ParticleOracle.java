package ibc4j.environments.particle;

import java.util.Random;

/**
 * The "green then blue" expert, IBC's {@code environments/particle/particle_oracles.py} ({@code ParticleOracle}),
 * with which IBC collects its particle data ({@code data/policy_eval.py}, defaults only).
 *
 * <p>Each step it measures the observed agent's float32 distance to the first goal; the first time that is below
 * {@code goal_threshold} (0.01, compared in float64) the counter {@code steps_at_first_goal} goes up, and once it
 * reaches {@code wait_at_first_goal} (1) the action is goal 2 from that same step on, for good. Before, the action
 * is goal 1. The action is the goal position itself (the env's setpoint), copied; the goals are read from the
 * env's {@code obs_log[0]}, as IBC's oracle does, not from the observation. No noise, no gains.
 *
 * <p>{@code multimodal=True} shuffles the goal order per episode with Python's unseeded global {@code random}; here
 * with a {@link Random} the caller may seed. IBC's unused {@code np.random.RandomState(0)} is left out.
 */
public final class ParticleOracle {
    private final ParticleEnv env;
    private final int waitAtFirstGoal;
    private final boolean multimodal;
    private final double goalThreshold;
    private final Random shuffleRandom;

    private int stepsAtFirstGoal;
    private boolean secondGoalFirst;

    /** The oracle with IBC's defaults (wait_at_first_goal=1, multimodal=False, goal_threshold=0.01). */
    public ParticleOracle(ParticleEnv env) {
        this(env, 1, false, 0.01, new Random());
    }

    /**
     * {@code ParticleOracle.__init__}.
     *
     * @param env the env whose {@code obs_log[0]} holds the goals
     * @param waitAtFirstGoal control steps within the threshold of goal 1 before heading to goal 2 (&gt; 0)
     * @param multimodal visit the goals in a random order per episode
     * @param goalThreshold distance counted as "at goal 1" (&gt; 0)
     * @param shuffleRandom the source of the multimodal order (Python: the global {@code random.shuffle})
     */
    public ParticleOracle(ParticleEnv env, int waitAtFirstGoal, boolean multimodal, double goalThreshold,
                          Random shuffleRandom) {
        if (waitAtFirstGoal <= 0) {
            throw new IllegalArgumentException("wait_at_first_goal must be > 0, got " + waitAtFirstGoal);
        }
        if (!(goalThreshold > 0)) {
            throw new IllegalArgumentException("goal_threshold must be > 0, got " + goalThreshold);
        }
        this.env = env;
        this.waitAtFirstGoal = waitAtFirstGoal;
        this.multimodal = multimodal;
        this.goalThreshold = goalThreshold;
        this.shuffleRandom = shuffleRandom;
        reset();
    }

    /** {@code reset()}: forget the time spent at the first goal; with multimodal, draw a new goal order. */
    public void reset() {
        stepsAtFirstGoal = 0;
        // random.shuffle of two items swaps them with probability 1/2.
        secondGoalFirst = multimodal && shuffleRandom.nextBoolean();
    }

    /**
     * {@code _action(time_step)}: the setpoint for this observation.
     *
     * @param observation the time step's observation (its {@code pos_agent} is used)
     * @param isFirst {@code time_step.is_first()}: the episode's first step, which resets the oracle
     */
    public float[] action(ParticleObservation observation, boolean isFirst) {
        if (isFirst) {
            reset();
        }
        ParticleObservation gtGoals = env.obsLog().get(0);
        float[] firstGoal = secondGoalFirst ? gtGoals.posSecondGoal() : gtGoals.posFirstGoal();
        float[] secondGoal = secondGoalFirst ? gtGoals.posFirstGoal() : gtGoals.posSecondGoal();
        float dist = Float32Norm.normOfDifference(observation.posAgent(), firstGoal);
        if (dist < goalThreshold) {
            stepsAtFirstGoal++;
        }
        return (stepsAtFirstGoal < waitAtFirstGoal ? firstGoal : secondGoal).clone();
    }

    /** Steps counted within the threshold of the first goal this episode. */
    public int stepsAtFirstGoal() {
        return stepsAtFirstGoal;
    }

    /** Whether this episode's goal order is reversed (only ever with multimodal). */
    public boolean secondGoalFirst() {
        return secondGoalFirst;
    }
}
