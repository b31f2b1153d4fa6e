package ibc4j.train;

import ibc4j.data.TensorSpec;
import ibc4j.data.TensorValue;
import ibc4j.environments.bridge.BridgeEnv;
import ibc4j.environments.bridge.BridgeException;
import ibc4j.environments.bridge.BridgeOptions;
import ibc4j.environments.particle.AnimatedGif;
import ibc4j.runtime.NoiseSource;
import ibc4j.runtime.Seeds;
import ibc4j.runtime.StepMemory;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.BiFunction;
import java.util.function.IntConsumer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Evaluation in one of IBC's own environments served by the bridge: {@code ibc/train/get_eval_actor.py} (IBC's
 * metrics: tf-agents' eval metrics and the env's {@code get_metrics}, computed by IBC's code in the server),
 * {@code train_eval.evaluation_step} (episode i on {@code env.seed(i)}), {@code eval/eval_env.py}
 * ({@code set_goal_dist_tolerance(goal_tolerance)} for block tasks, {@code HistoryWrapper(sequence_length,
 * tile_first_step_obs=True)}, here stacked on this side as {@link EvalActor} does) and {@code make_video}.
 *
 * <p>tf-agents' actor takes one more step after each LAST time step (the env's auto-reset, a transition no
 * metric counts); the next episode's seed and reset follow anyway, so it is not taken here.
 */
public final class BridgeEval implements AutoCloseable {
    private final BridgeEnv env;
    private final int sequenceLength;
    private final BridgeEnv.Specs specs;

    private BridgeEval(BridgeEnv env, int sequenceLength) {
        this.env = env;
        this.sequenceLength = sequenceLength;
        this.specs = env.open();
    }

    /**
     * Starts the server and makes the env now, so that a setup problem is reported before training starts.
     *
     * @param goalTolerance train_eval.goal_tolerance (block tasks only)
     */
    public static BridgeEval open(BridgeOptions options, String task, int sequenceLength, double goalTolerance) {
        return open(options, task, sequenceLength, goalTolerance, false);
    }

    /**
     * {@link #open(BridgeOptions, String, int, double)} with train_eval's {@code image_obs}: true evaluates in the
     * env IBC's {@code get_env_name(task, use_image_obs=True)} names (BlockPushRgb-v0), whose uint8 'rgb' the pixel
     * policies stack and convert as they do.
     */
    public static BridgeEval open(BridgeOptions options, String task, int sequenceLength, double goalTolerance,
                                  boolean useImageObs) {
        if (sequenceLength < 1) {
            throw new IllegalArgumentException("sequence_length must be at least 1, got " + sequenceLength);
        }
        return new BridgeEval(new BridgeEnv(options, task, useImageObs, goalTolerance, null, List.of()),
                sequenceLength);
    }

    /** The env's gym id, e.g. BlockPush-v0: the actor's summaries go to {@code eval/<id>}. */
    public String envName() {
        return specs.envName();
    }

    public TensorSpec actionSpec() {
        return specs.action();
    }

    /** The env's spec of observation {@code key}. */
    public TensorSpec observationSpec(String key) {
        TensorSpec s = specs.observation().get(key);
        if (s == null) {
            throw new IllegalArgumentException(envName() + " has no observation '" + key + "'; it has "
                    + observationKeys());
        }
        return s;
    }

    public Set<String> observationKeys() {
        return specs.observation().keySet();
    }

    /** The dataset must hold the env's kind of observations and actions (train_eval trains on what it evaluates). */
    public void checkDataset(java.util.Collection<String> dataKeys, int actionDim) {
        if (!observationKeys().containsAll(dataKeys)) {
            throw new IllegalArgumentException("the dataset's observations " + dataKeys + " are not all in "
                    + envName() + "'s " + observationKeys());
        }
        if (specs.action().size() != actionDim) {
            throw new IllegalArgumentException("the dataset's actions have " + actionDim + " dimensions, "
                    + envName() + "'s have " + specs.action().size());
        }
    }

    /** The env's action minimum ({@code max=false}) or maximum per dimension (a scalar bound broadcast). */
    public float[] actionBound(boolean max, int actionDim) {
        TensorSpec a = specs.action();
        if (!a.isBounded()) {
            float[] inf = new float[actionDim];
            java.util.Arrays.fill(inf, max ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY);
            return inf;
        }
        float[] b = (max ? a.maximum() : a.minimum()).floats();
        if (b.length == actionDim) {
            return b;
        }
        float[] out = new float[actionDim];
        java.util.Arrays.fill(out, b[0]);
        return out;
    }

    /**
     * Runs {@code episodes} episodes on seeds 0 .. episodes−1 with the policy seeing only {@code keys}; IBC's
     * metrics by name. A crash or hang of the server raises a {@link BridgeException} (with its stderr tail); the
     * next call starts a fresh server.
     */
    public EvalActor.Result evaluate(BiFunction<Map<String, INDArray>, NoiseSource, INDArray> policy,
                                     Set<String> keys, int episodes, long noiseSeed, IntConsumer onEpisode) {
        env.metricsReset(episodes);
        for (int i = 0; i < episodes; i++) {
            env.seed(i);
            runEpisode(policy, keys, Seeds.derive(noiseSeed, i), null);
            onEpisode.accept(i + 1);
        }
        return new EvalActor.Result(env.metrics(), List.of());
    }

    /** {@code make_video}: one episode on {@code env.seed(envSeed)}, rendered by the env, as a GIF. */
    public Path writeVideo(BiFunction<Map<String, INDArray>, NoiseSource, INDArray> policy, Set<String> keys,
                           Path rootDir, long step, long envSeed, long noiseSeed) {
        env.seed(envSeed);
        List<BufferedImage> frames = new ArrayList<>();
        runEpisode(policy, keys, noiseSeed, frames);
        Path gif = rootDir.resolve("videos").resolve("ttl=7d").resolve("vid_" + step + ".gif");
        AnimatedGif.write(frames.size(), frames::get, 10, gif);
        return gif;
    }

    private void runEpisode(BiFunction<Map<String, INDArray>, NoiseSource, INDArray> policy, Set<String> keys,
                            long noiseSeed, List<BufferedImage> frames) {
        BridgeEnv.TimeStep ts = env.reset();
        Deque<SortedMap<String, float[]>> history = new ArrayDeque<>();
        for (int t = 0; t < sequenceLength; t++) {
            history.addLast(ts.floatObservation()); // tile_first_step_obs
        }
        NoiseSource noise = NoiseSource.seeded(noiseSeed);
        if (frames != null) {
            frames.add(image(env.render()));
        }
        while (!ts.isLast()) {
            float[] action;
            try (StepMemory mem = StepMemory.open("policy_action")) { // the inference's arrays, reused next step
                action = policy.apply(stack(history, keys), noise).dup('c').data().asFloat();
            }
            ts = env.step(action);
            history.removeFirst();
            history.addLast(ts.floatObservation());
            if (frames != null) {
                frames.add(image(env.render()));
            }
        }
    }

    /** Per key {@code [1, T, d]}, oldest frame first (the HistoryWrapper's stacking). */
    static Map<String, INDArray> stack(Deque<SortedMap<String, float[]>> history, Set<String> keys) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        int t = history.size();
        for (String key : keys) {
            float[] first = history.peekFirst().get(key);
            if (first == null) {
                throw new IllegalArgumentException("the policy needs observation '" + key + "', the env has "
                        + history.peekFirst().keySet());
            }
            int d = first.length;
            float[] v = new float[t * d];
            int i = 0;
            for (SortedMap<String, float[]> o : history) {
                System.arraycopy(o.get(key), 0, v, i * d, d);
                i++;
            }
            out.put(key, Nd4j.create(v, new long[] {1, t, d}, 'c'));
        }
        return out;
    }

    private static BufferedImage image(TensorValue rgb) {
        int[] s = rgb.shape();
        if (s.length != 3 || s[2] != 3) {
            throw new BridgeException("render gave an image of shape " + java.util.Arrays.toString(s)
                    + ", expected [H, W, 3]", false);
        }
        int[] px = rgb.ints();
        BufferedImage img = new BufferedImage(s[1], s[0], BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < s[0]; y++) {
            for (int x = 0; x < s[1]; x++) {
                int o = (y * s[1] + x) * 3;
                img.setRGB(x, y, (px[o] << 16) | (px[o + 1] << 8) | px[o + 2]);
            }
        }
        return img;
    }

    @Override
    public void close() {
        env.close();
    }
}
