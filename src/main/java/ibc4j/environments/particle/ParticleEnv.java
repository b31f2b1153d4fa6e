package ibc4j.environments.particle;

import ibc4j.gin.Configurable;
import ibc4j.gin.Param;
import ibc4j.gin.Positive;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * IBC's N-D particle environment, {@code environments/particle/particle.py} ({@code ParticleEnv}, gym id
 * {@code Particle-v0}): go to the green goal, then the blue one.
 *
 * <p>State, observation and arithmetic follow the Python line by line, in float32 as numpy computes it for the
 * float32 actions every IBC policy produces: each substep is {@code u = k_p (a - x) - k_v v;
 * x' = x + v dt; v' = v + u dt} (explicit Euler, the position uses the old velocity), with {@code k_p, k_v, dt}
 * rounded to float32 as numpy does for Python scalars beside float32 arrays. Nothing is clipped. Distances are
 * {@link Float32Norm}; the thresholds are compared in float64 ({@code (double) d < goal_distance}), as numpy 1.x
 * compares a float32 scalar with a Python float.
 *
 * <p>RNG: {@link #seed(Long)} replaces the generator with {@code RandomState(seed)}; {@link #reset()} draws
 * {@code pos_agent}, {@code pos_first_goal}, {@code pos_second_goal} (N draws each, in that order). The constructor
 * resets once, as IBC's does, so with constructor seeding the first episode a caller sees after its own reset
 * uses draws 3N..6N-1. IBC's eval seeds episode k with {@code env.seed(k)} and then resets.
 *
 * <p>{@code hide_velocity} is mirrored as IBC's code does it: only {@link #observationSpaceKeys()} drops
 * {@code vel_agent}; observations still carry it.
 */
@Configurable("ParticleEnv")
public final class ParticleEnv {
    private final int nSteps;
    private final int nDim;
    private final boolean hideVelocity;
    private final double dt;
    private final int repeatActions;
    private final double kP;
    private final double kV;
    private final double goalDistance;

    private NumpyRandomState rng;
    private int resetCounter;
    private int steps;
    private final List<ParticleObservation> obsLog = new ArrayList<>();
    private final List<float[]> actLog = new ArrayList<>();
    private final List<Integer> newActions = new ArrayList<>();
    private float minDistToFirstGoal;
    private float minDistToSecondGoal;

    /** The result of {@link #step(float[])}: IBC's {@code (state, reward, done, info)}; info is always empty. */
    public record Step(ParticleObservation observation, float reward, boolean done, Map<String, Object> info) {
    }

    /**
     * {@code ParticleEnv.__init__}, every gin parameter in IBC's order; {@link #builder()} has IBC's defaults.
     *
     * @param nSteps control steps per episode (50)
     * @param nDim N, the dimension of positions, velocities, goals and actions (2)
     * @param hideVelocity drop {@code vel_agent} from the observation space only (false)
     * @param seed seed of the private {@code RandomState}, or null for OS entropy (null)
     * @param dt integration substep in seconds (0.005, i.e. 200 Hz)
     * @param repeatActions substeps per control step (10, i.e. 20 Hz control); must divide {@code int(1/dt)}
     * @param kP proportional gain of the PD controller (10)
     * @param kV velocity gain of the PD controller (5)
     * @param goalDistance success radius around both goals (0.05)
     */
    public ParticleEnv(
            @Positive @Param(value = "n_steps", dflt = "50", doc = "control steps per episode") int nSteps,
            @Positive @Param(value = "n_dim", dflt = "2", doc = "N, the particle dimension") int nDim,
            @Param(value = "hide_velocity", dflt = "False", doc = "drop vel_agent from the observation space only")
            boolean hideVelocity,
            @Param(value = "seed", dflt = "None", doc = "RandomState seed; None: OS entropy") Long seed,
            @Positive @Param(value = "dt", dflt = "0.005", doc = "integration substep in seconds") double dt,
            @Positive
            @Param(value = "repeat_actions", dflt = "10", doc = "substeps per control step") int repeatActions,
            @Param(value = "k_p", dflt = "10.0", doc = "PD position gain") double kP,
            @Param(value = "k_v", dflt = "5.0", doc = "PD velocity gain") double kV,
            @Param(value = "goal_distance", dflt = "0.05", doc = "success radius around each goal")
            double goalDistance) {
        if (nDim < 1) {
            throw new IllegalArgumentException("n_dim must be >= 1, got " + nDim);
        }
        if (repeatActions < 1 || (int) (1 / dt) % repeatActions != 0) {
            throw new IllegalArgumentException("repeat_actions must divide int(1/dt) (IBC asserts "
                    + "int(1/self.dt) % self.repeat_actions == 0): dt=" + dt + " gives " + (int) (1 / dt)
                    + ", repeat_actions=" + repeatActions);
        }
        this.nSteps = nSteps;
        this.nDim = nDim;
        this.hideVelocity = hideVelocity;
        this.dt = dt;
        this.repeatActions = repeatActions;
        this.kP = kP;
        this.kV = kV;
        this.goalDistance = goalDistance;
        this.rng = new NumpyRandomState(seed);
        reset();
    }

    /** A builder holding IBC's defaults. */
    public static ParticleEnvBuilder builder() {
        return new ParticleEnvBuilder();
    }

    /** {@code get_metrics(num_episodes)}: IBC's four particle metrics, each averaging the last numEpisodes. */
    public ParticleMetrics getMetrics(int numEpisodes) {
        return new ParticleMetrics(this, numEpisodes);
    }

    /** {@code seed(seed)}: a fresh {@code RandomState(seed)} (null: OS entropy). */
    public void seed(Long seed) {
        rng = new NumpyRandomState(seed);
    }

    /** {@code reset()}: new agent position and goals (3N uniform draws), zero velocity, empty logs. */
    public ParticleObservation reset() {
        resetCounter++;
        steps = 0;
        obsLog.clear();
        actLog.clear();
        newActions.clear();
        float[] posAgent = rng.randFloat32(nDim);
        float[] velAgent = new float[nDim];
        float[] posFirstGoal = rng.randFloat32(nDim);
        float[] posSecondGoal = rng.randFloat32(nDim);
        obsLog.add(new ParticleObservation(posAgent, velAgent, posFirstGoal, posSecondGoal));
        minDistToFirstGoal = Float.POSITIVE_INFINITY;
        minDistToSecondGoal = Float.POSITIVE_INFINITY;
        return state();
    }

    /** {@code _get_state}: a deep copy of the newest observation. */
    private ParticleObservation state() {
        return obsLog.get(obsLog.size() - 1).copy();
    }

    /** {@code _internal_step}: one substep of the PD-controlled point mass towards the setpoint. */
    private void internalStep(float[] action, boolean newAction) {
        if (newAction) {
            newActions.add(actLog.size());
        }
        actLog.add(action);
        ParticleObservation obs = obsLog.get(obsLog.size() - 1);
        float kp = (float) kP;
        float kv = (float) kV;
        float dt32 = (float) dt;
        float[] x = obs.posAgent();
        float[] v = obs.velAgent();
        float[] newX = new float[nDim];
        float[] newV = new float[nDim];
        for (int i = 0; i < nDim; i++) {
            float u = kp * (action[i] - x[i]) - kv * v[i];
            newX[i] = x[i] + v[i] * dt32;
            newV[i] = v[i] + u * dt32;
        }
        obsLog.add(new ParticleObservation(newX, newV, obs.posFirstGoal(), obs.posSecondGoal()));
    }

    /** {@code dist(goal)}: the float32 Euclidean distance from the current agent position to {@code goal}. */
    public float dist(float[] goal) {
        return Float32Norm.normOfDifference(obsLog.get(obsLog.size() - 1).posAgent(), goal);
    }

    /** {@code _get_reward}: updates the minimum goal distances; 1 iff done and both minima are within range. */
    private float reward(boolean done) {
        ParticleObservation first = obsLog.get(0);
        minDistToFirstGoal = pyMin(dist(first.posFirstGoal()), minDistToFirstGoal);
        minDistToSecondGoal = pyMin(dist(first.posSecondGoal()), minDistToSecondGoal);
        boolean rewardFirst = minDistToFirstGoal < goalDistance;
        boolean rewardSecond = minDistToSecondGoal < goalDistance;
        return rewardFirst && rewardSecond && done ? 1f : 0f;
    }

    /** Python's {@code min(a, b)}: {@code a} unless {@code b < a} (so a NaN distance propagates as in IBC). */
    private static float pyMin(float a, float b) {
        return b < a ? b : a;
    }

    /**
     * {@code succeeded}: both goals were reached (minimum distance below {@code goal_distance}) and the agent is
     * within {@code goal_distance} of goal 2 now. The order of the visits is not checked (nor is it in IBC).
     */
    public boolean succeeded() {
        boolean hitFirst = minDistToFirstGoal < goalDistance;
        boolean hitSecond = minDistToSecondGoal < goalDistance;
        boolean stillAtSecond = dist(obsLog.get(0).posSecondGoal()) < goalDistance;
        return hitFirst && hitSecond && stillAtSecond;
    }

    /**
     * {@code step(action)}: {@code repeat_actions} substeps towards the absolute position setpoint {@code action}.
     * Like IBC there is no guard against stepping past {@code done}.
     *
     * @param action float32 setpoint of length N (kept by reference in the action log: do not mutate it)
     */
    public Step step(float[] action) {
        if (action.length != nDim) {
            throw new IllegalArgumentException("action has length " + action.length + ", n_dim is " + nDim);
        }
        steps++;
        internalStep(action, true);
        for (int i = 0; i < repeatActions - 1; i++) {
            internalStep(action, false);
        }
        ParticleObservation state = state();
        boolean done = steps >= nSteps;
        float reward = reward(done);
        return new Step(state, reward, done, Map.of());
    }

    /** The observation space's keys in declaration order; {@code hide_velocity} drops {@code vel_agent} here only. */
    public List<String> observationSpaceKeys() {
        return hideVelocity
                ? List.of(ParticleObservation.POS_AGENT, ParticleObservation.POS_FIRST_GOAL,
                        ParticleObservation.POS_SECOND_GOAL)
                : ParticleObservation.KEYS;
    }

    /** {@code obs_log}: the reset state, then one entry per substep (1 + repeat_actions * steps entries). */
    public List<ParticleObservation> obsLog() {
        return Collections.unmodifiableList(obsLog);
    }

    /** {@code act_log}: the setpoint of every substep. */
    public List<float[]> actLog() {
        return Collections.unmodifiableList(actLog);
    }

    /** {@code new_actions}: indices into {@link #actLog()} where a control step began. */
    public List<Integer> newActions() {
        return Collections.unmodifiableList(newActions);
    }

    public float minDistToFirstGoal() {
        return minDistToFirstGoal;
    }

    public float minDistToSecondGoal() {
        return minDistToSecondGoal;
    }

    /** Control steps since the last reset. */
    public int steps() {
        return steps;
    }

    /** Resets so far, the constructor's included (IBC names saved images after it). */
    public int resetCounter() {
        return resetCounter;
    }

    public int nSteps() {
        return nSteps;
    }

    public int nDim() {
        return nDim;
    }

    public boolean hideVelocity() {
        return hideVelocity;
    }

    public double dt() {
        return dt;
    }

    public int repeatActions() {
        return repeatActions;
    }

    public double kP() {
        return kP;
    }

    public double kV() {
        return kV;
    }

    public double goalDistance() {
        return goalDistance;
    }
}
