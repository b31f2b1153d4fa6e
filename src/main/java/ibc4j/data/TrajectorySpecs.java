package ibc4j.data;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Trajectory specs derived from others: tf-agents' {@code Trajectory.from_transition} applied to a
 * {@code Transition} spec (halfcheetah's sidecar is one, which IBC's {@code data/dataset.py} cannot window), and
 * a block-pushing spec with the {@code rgb} image IBC's {@code BlockPush(image_size=...)} adds to its
 * observation dict ({@code environments/block_pushing/block_pushing.py}).
 */
public final class TrajectorySpecs {
    private TrajectorySpecs() {
    }

    /**
     * {@code Trajectory.from_transition(time_step, action_step, next_time_step)}'s spec: step_type and
     * observation of the time step, the action, policy_info from the policy step's info, and next_step_type,
     * reward and discount of the next time step.
     */
    public static SpecNode.NamedTuple fromTransition(SpecNode transition) {
        if (!(transition instanceof SpecNode.NamedTuple t) || !t.typeName().equals("Transition")) {
            throw new IllegalArgumentException("expected a tf-agents Transition spec");
        }
        SpecNode.NamedTuple ts = namedTuple(t.field("time_step"), "Transition.time_step");
        SpecNode.NamedTuple ps = namedTuple(t.field("action_step"), "Transition.action_step");
        SpecNode.NamedTuple next = namedTuple(t.field("next_time_step"), "Transition.next_time_step");
        Map<String, SpecNode> fields = new LinkedHashMap<>();
        fields.put("step_type", ts.field("step_type"));
        fields.put("observation", ts.field("observation"));
        fields.put("action", ps.field("action"));
        fields.put("policy_info", ps.field("info"));
        fields.put("next_step_type", next.field("step_type"));
        fields.put("reward", next.field("reward"));
        fields.put("discount", next.field("discount"));
        return new SpecNode.NamedTuple("Trajectory", fields);
    }

    /**
     * {@code trajectory} with {@code observation/rgb}: uint8 {@code [height, width, 3]} bounded [0, 255], as
     * {@code BlockPush._create_observation_space} declares it when given an image size (IBC's pixel configs use
     * 240×320; small sizes keep tests fast).
     */
    public static SpecNode.NamedTuple withRgb(SpecNode trajectory, int height, int width) {
        if (!(trajectory instanceof SpecNode.NamedTuple t) || !t.typeName().equals("Trajectory")
                || !(t.field("observation") instanceof SpecNode.Dict obs)) {
            throw new IllegalArgumentException("an rgb image is added to a Trajectory whose observation is a dict "
                    + "(block pushing's); this spec's is not");
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("image size " + height + "x" + width + " must be positive");
        }
        if (obs.fields().containsKey("rgb")) {
            throw new IllegalArgumentException("the observation already has 'rgb'");
        }
        TreeMap<String, SpecNode> o = new TreeMap<>(obs.fields());
        o.put("rgb", new TensorSpec("observation/rgb", new int[] {height, width, 3}, DType.UINT8,
                TensorValue.ofInts(DType.UINT8, new int[0], 0), TensorValue.ofInts(DType.UINT8, new int[0], 255)));
        Map<String, SpecNode> fields = new LinkedHashMap<>(t.fields());
        fields.put("observation", new SpecNode.Dict(o));
        return new SpecNode.NamedTuple("Trajectory", fields);
    }

    private static SpecNode.NamedTuple namedTuple(SpecNode n, String where) {
        if (n instanceof SpecNode.NamedTuple t) {
            return t;
        }
        throw new IllegalArgumentException(where + " is not a namedtuple");
    }
}
