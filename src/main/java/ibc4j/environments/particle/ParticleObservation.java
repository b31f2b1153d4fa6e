package ibc4j.environments.particle;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One entry of {@code obs_log} in IBC's {@code environments/particle/particle.py}: the observation dict
 * {@code {pos_agent, vel_agent, pos_first_goal, pos_second_goal}}, each a float32 vector of length N.
 *
 * <p>Two key orders matter. The env's own dict (and {@code particle_viz.make_vector}) uses declaration order,
 * {@link #KEYS}. Everything that goes through {@code tf.nest} (Example encoding, dataset decoding, the network's
 * input concat) sorts the keys, {@link #SORTED_KEYS}: {@code pos_agent, pos_first_goal, pos_second_goal,
 * vel_agent}.
 *
 * <p>The arrays are shared, not copied: treat them as read-only. {@link #copy()} is IBC's {@code deepcopy}.
 */
public record ParticleObservation(float[] posAgent, float[] velAgent, float[] posFirstGoal, float[] posSecondGoal) {
    public static final String POS_AGENT = "pos_agent";
    public static final String VEL_AGENT = "vel_agent";
    public static final String POS_FIRST_GOAL = "pos_first_goal";
    public static final String POS_SECOND_GOAL = "pos_second_goal";

    /** The env's declaration (insertion) order. */
    public static final List<String> KEYS = List.of(POS_AGENT, VEL_AGENT, POS_FIRST_GOAL, POS_SECOND_GOAL);

    /** {@code tf.nest}'s sorted order. */
    public static final List<String> SORTED_KEYS = List.of(POS_AGENT, POS_FIRST_GOAL, POS_SECOND_GOAL, VEL_AGENT);

    /** Checks that all four vectors have one length. */
    public ParticleObservation {
        int n = posAgent.length;
        if (velAgent.length != n || posFirstGoal.length != n || posSecondGoal.length != n) {
            throw new IllegalArgumentException("observation vectors differ in length: pos_agent " + n
                    + ", vel_agent " + velAgent.length + ", pos_first_goal " + posFirstGoal.length
                    + ", pos_second_goal " + posSecondGoal.length);
        }
    }

    /** N, the particle dimension. */
    public int nDim() {
        return posAgent.length;
    }

    /** The vector under an IBC key. */
    public float[] get(String key) {
        return switch (key) {
            case POS_AGENT -> posAgent;
            case VEL_AGENT -> velAgent;
            case POS_FIRST_GOAL -> posFirstGoal;
            case POS_SECOND_GOAL -> posSecondGoal;
            default -> throw new IllegalArgumentException("no observation key '" + key + "'; keys are " + KEYS);
        };
    }

    /** The env's dict, in declaration order (an unmodifiable view over this observation's arrays). */
    public Map<String, float[]> toMap() {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (String k : KEYS) {
            m.put(k, get(k));
        }
        return Collections.unmodifiableMap(m);
    }

    /** The dict in {@code tf.nest} order (an unmodifiable view over this observation's arrays). */
    public SortedMap<String, float[]> toSortedMap() {
        return Collections.unmodifiableSortedMap(new TreeMap<>(toMap()));
    }

    /** The given keys' vectors concatenated, e.g. {@code flatten(SORTED_KEYS)} for the network input order. */
    public float[] flatten(List<String> keys) {
        int n = nDim();
        float[] out = new float[n * keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            System.arraycopy(get(keys.get(i)), 0, out, i * n, n);
        }
        return out;
    }

    /** A deep copy ({@code copy.deepcopy} of the dict). */
    public ParticleObservation copy() {
        return new ParticleObservation(posAgent.clone(), velAgent.clone(), posFirstGoal.clone(),
                posSecondGoal.clone());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParticleObservation p && Arrays.equals(posAgent, p.posAgent)
                && Arrays.equals(velAgent, p.velAgent) && Arrays.equals(posFirstGoal, p.posFirstGoal)
                && Arrays.equals(posSecondGoal, p.posSecondGoal);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new int[] {Arrays.hashCode(posAgent), Arrays.hashCode(velAgent),
            Arrays.hashCode(posFirstGoal), Arrays.hashCode(posSecondGoal)});
    }

    @Override
    public String toString() {
        return "{pos_agent=" + Arrays.toString(posAgent) + ", vel_agent=" + Arrays.toString(velAgent)
                + ", pos_first_goal=" + Arrays.toString(posFirstGoal) + ", pos_second_goal="
                + Arrays.toString(posSecondGoal) + "}";
    }
}
