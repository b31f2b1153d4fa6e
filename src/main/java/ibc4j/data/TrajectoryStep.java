package ibc4j.data;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One record of an IBC dataset: tf-agents' {@code Trajectory} ({@code tf_agents/trajectories/trajectory.py}),
 * as {@code Trajectory.from_transition(ts, action, next_ts)} fills it.
 *
 * @param stepType     {@link #FIRST}, {@link #MID} or {@link #LAST}: the step type of the observed time step
 * @param observation  float32 observation arrays (C-order, flattened) by key, sorted as tf.nest sorts a dict.
 *                     Keys are the path below {@code observation}: {@code pos_agent} for
 *                     {@code observation/pos_agent}; an observation that is a single array (the D4RL tasks) has
 *                     the one key {@link #WHOLE_OBSERVATION}
 * @param action       the float32 action, flattened
 * @param policyInfo   policy_info leaves by path below {@code policy_info}; empty for IBC's data ({@code ()})
 * @param nextStepType step type of the time step the action led to
 * @param reward       reward of that next time step
 * @param discount     discount of that next time step (0 on the transition into LAST)
 */
public record TrajectoryStep(int stepType, SortedMap<String, float[]> observation, float[] action,
                             Map<String, TensorValue> policyInfo, int nextStepType, float reward, float discount) {
    /** tf-agents' {@code StepType.FIRST}. */
    public static final int FIRST = 0;
    /** tf-agents' {@code StepType.MID}. */
    public static final int MID = 1;
    /** tf-agents' {@code StepType.LAST}. */
    public static final int LAST = 2;
    /** The observation key when the observation spec is one array rather than a dict. */
    public static final String WHOLE_OBSERVATION = "";

    public TrajectoryStep {
        checkStepType("step_type", stepType);
        checkStepType("next_step_type", nextStepType);
        TreeMap<String, float[]> obs = new TreeMap<>();
        observation.forEach((k, v) -> obs.put(k, v.clone()));
        observation = Collections.unmodifiableSortedMap(obs);
        action = action.clone();
        policyInfo = Collections.unmodifiableMap(new LinkedHashMap<>(policyInfo));
    }

    /** A step with no policy_info, as IBC's oracles and D4RL conversions write. */
    public TrajectoryStep(int stepType, SortedMap<String, float[]> observation, float[] action, int nextStepType,
                          float reward, float discount) {
        this(stepType, observation, action, Map.of(), nextStepType, reward, discount);
    }

    private static void checkStepType(String field, int t) {
        if (t < FIRST || t > LAST) {
            throw new IllegalArgumentException(field + " " + t + " is not a tf-agents StepType (0 FIRST, 1 MID, 2 LAST)");
        }
    }

    @Override
    public SortedMap<String, float[]> observation() {
        TreeMap<String, float[]> copy = new TreeMap<>();
        observation.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    /** The observation array under {@code key}, or an error listing the keys there are. */
    public float[] observation(String key) {
        float[] v = observation.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no observation '" + key + "'; there are " + observation.keySet());
        }
        return v.clone();
    }

    @Override
    public float[] action() {
        return action.clone();
    }

    public boolean isFirst() {
        return stepType == FIRST;
    }

    public boolean isLast() {
        return stepType == LAST;
    }

    /** tf-agents' {@code Trajectory.is_boundary()}: this record starts at a LAST step (the auto-reset record). */
    public boolean isBoundary() {
        return stepType == LAST;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TrajectoryStep t) || stepType != t.stepType || nextStepType != t.nextStepType
                || Float.compare(reward, t.reward) != 0 || Float.compare(discount, t.discount) != 0
                || !Arrays.equals(action, t.action) || !policyInfo.equals(t.policyInfo)
                || !observation.keySet().equals(t.observation.keySet())) {
            return false;
        }
        return observation.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), t.observation.get(e.getKey())));
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(stepType, nextStepType, reward, discount, Arrays.hashCode(action), policyInfo);
        for (Map.Entry<String, float[]> e : observation.entrySet()) {
            h = 31 * h + e.getKey().hashCode() * 17 + Arrays.hashCode(e.getValue());
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder obs = new StringBuilder();
        observation.forEach((k, v) -> obs.append(obs.length() == 0 ? "" : ", ").append(k.isEmpty() ? "<whole>" : k)
                .append('=').append(v.length <= 8 ? Arrays.toString(v) : "float32[" + v.length + "]"));
        return "TrajectoryStep(step_type=" + stepType + ", observation={" + obs + "}, action="
                + (action.length <= 8 ? Arrays.toString(action) : "float32[" + action.length + "]")
                + (policyInfo.isEmpty() ? "" : ", policy_info=" + policyInfo) + ", next_step_type=" + nextStepType
                + ", reward=" + reward + ", discount=" + discount + ")";
    }
}
