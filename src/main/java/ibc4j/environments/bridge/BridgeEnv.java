package ibc4j.environments.bridge;

import ibc4j.data.DType;
import ibc4j.data.TensorSpec;
import ibc4j.data.TensorValue;
import ibc4j.data.proto.TensorProto;
import ibc4j.environments.bridge.proto.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One of IBC's environments served by a bridge server (python/ibc4j_envs/envs.py): tf-agents' PyEnvironment
 * calls (seed, reset, step), the env's oracle ({@code data/policy_eval.py}), IBC's metrics and render.
 *
 * <p>A failed call leaves the env closed; the next {@link #open()} starts a fresh server and makes the env
 * again, so an evaluation that crashed or hung does not poison the next one.
 */
public final class BridgeEnv implements AutoCloseable {
    private final BridgeOptions options;
    private final Map<String, Object> makeArgs;
    private BridgeProcess process;
    private Specs specs;

    /** What the env declares: its name and tf-agents specs (observation keys sorted; one array: key ""). */
    public record Specs(String envName, SortedMap<String, TensorSpec> observation, TensorSpec action) {}

    /** A tf-agents TimeStep: {@code stepType} 0 FIRST, 1 MID, 2 LAST; observation by key as in {@link Specs}. */
    public record TimeStep(int stepType, SortedMap<String, TensorValue> observation, float reward, float discount) {
        public boolean isLast() {
            return stepType == 2;
        }

        /**
         * The observation as float32 arrays (what ibc4j's datasets and policies take); uint8 images (BlockPushRgb's
         * 'rgb') as their exact values 0..255, as {@link ibc4j.data.TrajectoryStep} holds them.
         */
        public SortedMap<String, float[]> floatObservation() {
            SortedMap<String, float[]> out = new TreeMap<>();
            observation.forEach((k, v) -> {
                if (v.dtype() == DType.UINT8) {
                    int[] px = v.ints();
                    float[] f = new float[px.length];
                    for (int i = 0; i < px.length; i++) {
                        f[i] = px[i];
                    }
                    out.put(k, f);
                    return;
                }
                if (v.dtype() != DType.FLOAT32) {
                    throw new BridgeException("observation '" + k + "' is " + v.dtype() + ", not float32 or uint8",
                            false);
                }
                out.put(k, v.floats());
            });
            return out;
        }
    }

    /**
     * @param task         IBC's task name (PUSH, PARTICLE, ...)
     * @param useImageObs  IBC's use_image_obs (the Rgb env variants)
     * @param goalTolerance train_eval.goal_tolerance for block tasks in training's eval; null: the env's default
     * @param policy       an oracle to serve (policy_eval's --policy), or null
     * @param ginBindings  gin bindings the server applies before making the env (e.g. ParticleEnv.n_dim=2)
     */
    public BridgeEnv(BridgeOptions options, String task, boolean useImageObs, Double goalTolerance, String policy,
                     List<String> ginBindings) {
        this.options = options;
        this.makeArgs = new LinkedHashMap<>();
        makeArgs.put("task", task);
        makeArgs.put("use_image_obs", useImageObs);
        makeArgs.put("goal_tolerance", goalTolerance);
        makeArgs.put("policy", policy);
        makeArgs.put("gin_bindings", ginBindings);
    }

    /** Starts the server and makes the env unless both are up; returns the env's specs. */
    @SuppressWarnings("unchecked")
    public Specs open() {
        if (process != null && process.isAlive()) {
            return specs;
        }
        discard();
        BridgeProcess p = BridgeProcess.start(options);
        try {
            Response r = p.call("make", Map.of(), BridgeJson.write(makeArgs), options.startupTimeout());
            Map<String, Object> json = BridgeJson.parse(r.getJson(), "make's answer");
            specs = new Specs((String) json.get("env_name"),
                    BridgeTensors.observationSpec((Map<String, Object>) json.get("observation_spec")),
                    BridgeTensors.spec((Map<String, Object>) json.get("action_spec")));
        } catch (RuntimeException e) {
            p.kill();
            throw e;
        }
        process = p;
        return specs;
    }

    public Specs specs() {
        return open();
    }

    public void seed(long seed) {
        call("seed", Map.of(), Map.of("seed", seed));
    }

    public TimeStep reset() {
        return timeStep(call("reset", Map.of(), Map.of()));
    }

    public TimeStep step(float[] action) {
        TensorSpec spec = open().action();
        // A length that does not fit the spec goes as it is: the server names both shapes.
        int[] shape = action.length == spec.size() ? spec.shape() : new int[] {action.length};
        TensorValue a = TensorValue.ofFloats(shape, action);
        return timeStep(call("step", Map.of("action", BridgeTensors.toProto(a)), Map.of()));
    }

    /** The oracle's action on the current time step ({@code policy.action(time_step)}). */
    public float[] oracleAction() {
        Response r = call("oracle_action", Map.of(), Map.of());
        return BridgeTensors.fromProto(r.getTensorsOrThrow("action"), "action").floats();
    }

    /** Starts IBC's eval metrics over the next {@code numEpisodes} episodes (fed by every {@link #step}). */
    public void metricsReset(int numEpisodes) {
        call("metrics_reset", Map.of(), Map.of("num_episodes", numEpisodes));
    }

    /** The metrics' results in IBC's order: AverageReturn, AverageEpisodeLength, then the env's own. */
    @SuppressWarnings("unchecked")
    public Map<String, Float> metrics() {
        Response r = call("metrics", Map.of(), Map.of());
        List<String> names = (List<String>) BridgeJson.parse(r.getJson(), "metrics' answer").get("names");
        Map<String, Float> out = new LinkedHashMap<>();
        for (String n : names) {
            out.put(n, (float) BridgeTensors.fromProto(r.getTensorsOrThrow(n), n).asDoubles()[0]);
        }
        return out;
    }

    /** {@code env.render('rgb_array')}: an {@code [H, W, 3]} uint8 image. */
    public TensorValue render() {
        return BridgeTensors.fromProto(call("render", Map.of(), Map.of()).getTensorsOrThrow("image"), "image");
    }

    /** The running server (for its pid and stderr), or null. */
    public BridgeProcess process() {
        return process;
    }

    private Response call(String op, Map<String, TensorProto> tensors, Map<String, Object> args) {
        open();
        try {
            return process.call(op, tensors, BridgeJson.write(new LinkedHashMap<>(args)));
        } catch (BridgeException e) {
            discard(); // the next open() restarts the server
            throw e;
        }
    }

    private static TimeStep timeStep(Response r) {
        SortedMap<String, TensorValue> obs = new TreeMap<>();
        r.getTensorsMap().forEach((k, v) -> {
            if (k.equals("observation")) {
                obs.put("", BridgeTensors.fromProto(v, k));
            } else if (k.startsWith("observation/")) {
                obs.put(k.substring("observation/".length()), BridgeTensors.fromProto(v, k));
            }
        });
        int stepType = BridgeTensors.fromProto(r.getTensorsOrThrow("step_type"), "step_type").ints()[0];
        float reward = BridgeTensors.fromProto(r.getTensorsOrThrow("reward"), "reward").floats()[0];
        float discount = BridgeTensors.fromProto(r.getTensorsOrThrow("discount"), "discount").floats()[0];
        return new TimeStep(stepType, obs, reward, discount);
    }

    /** Kills the server, if any; the next call starts a new one. */
    public void discard() {
        if (process != null) {
            process.kill();
            process = null;
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
            process = null;
        }
    }
}
