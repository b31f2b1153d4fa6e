package ibc4j.train;

import ibc4j.environments.particle.ParticleEnv;
import ibc4j.environments.particle.ParticleMetrics;
import ibc4j.environments.particle.ParticleObservation;
import ibc4j.environments.particle.ParticleViz;
import ibc4j.environments.particle.StreamingMetric;
import ibc4j.runtime.NoiseSource;
import ibc4j.runtime.Seeds;
import ibc4j.runtime.StepMemory;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.IntConsumer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * IBC's evaluation of a policy on the particle env: {@code ibc/train/get_eval_actor.py} (tf-agents' Actor with
 * {@code eval_metrics} plus the env's metrics), {@code train_eval.evaluation_step} (episode i runs on
 * {@code env.seed(i)}, i = 0 .. eval_episodes−1) and {@code eval/eval_env.py}'s
 * {@code HistoryWrapper(history_length=sequence_length, tile_first_step_obs=True)}.
 *
 * <p>The policy is a function from the observation history (per key {@code [1, T, d]}) and a noise source to
 * the action {@code [1, A]}. Each episode draws its policy noise from its own seed, so an evaluation is
 * reproducible and does not depend on what ran before it.
 */
public final class EvalActor {
    private final ParticleEnv env;
    private final int sequenceLength;
    private final BiFunction<Map<String, INDArray>, NoiseSource, INDArray> policy;

    public EvalActor(ParticleEnv env, int sequenceLength,
                     BiFunction<Map<String, INDArray>, NoiseSource, INDArray> policy) {
        if (sequenceLength < 1) {
            throw new IllegalArgumentException("sequence_length must be at least 1, got " + sequenceLength);
        }
        this.env = env;
        this.sequenceLength = sequenceLength;
        this.policy = policy;
    }

    /** What one evaluation did: IBC's metric results by name, and the images or GIF it wrote. */
    public record Result(Map<String, Float> metrics, List<Path> images) {
        public float successRate() {
            Float s = metrics.get("AverageSuccessMetric");
            return s == null ? Float.NaN : s;
        }
    }

    /**
     * Runs {@code episodes} episodes on seeds 0 .. episodes−1.
     *
     * @param noiseSeed  seeds episode i's policy noise with {@link Seeds#derive(long, long)} from this and i
     * @param imgDir     with viz_img: where {@code <reset_counter>_2d.png / _nd.png} go at each episode's end;
     *                   null for none
     * @param onEpisode  called with the number of finished episodes
     */
    public Result evaluate(int episodes, long noiseSeed, Path imgDir, IntConsumer onEpisode) {
        StreamingMetric averageReturn = StreamingMetric.averageReturn(episodes);
        StreamingMetric averageLength = StreamingMetric.averageEpisodeLength(episodes);
        ParticleMetrics particle = env.getMetrics(episodes);
        List<Path> images = new ArrayList<>();
        for (int i = 0; i < episodes; i++) {
            env.seed((long) i);
            runEpisode(noiseSeed, i, (reward, last) -> {
                averageReturn.observe(reward, last);
                averageLength.observe(reward, last);
                particle.observe(reward, last);
            });
            if (imgDir != null) {
                images.addAll(ParticleViz.saveImages(env, imgDir));
            }
            onEpisode.accept(i + 1);
        }
        Map<String, Float> out = new LinkedHashMap<>();
        out.put(averageReturn.name(), averageReturn.result());
        out.put(averageLength.name(), averageLength.result());
        for (StreamingMetric m : particle.all()) {
            out.put(m.name(), m.result());
        }
        return new Result(out, images);
    }

    /**
     * {@code make_video}: one episode on {@code env.seed(envSeed)} (IBC: 42, spread-out goals) written as a GIF,
     * IBC's {@code videos/ttl=7d/vid_<step>.mp4} as {@code .gif}.
     */
    public Path writeVideo(Path rootDir, long step, long envSeed, long noiseSeed) {
        env.seed(envSeed);
        runEpisode(noiseSeed, -1, (r, last) -> { });
        Path gif = rootDir.resolve("videos").resolve("ttl=7d").resolve("vid_" + step + ".gif");
        ParticleViz.writeEpisodeGif(env, gif, 5);
        return gif;
    }

    interface StepObserver {
        void observe(float reward, boolean last);
    }

    private void runEpisode(long noiseSeed, int episode, StepObserver observer) {
        ParticleObservation obs = env.reset();
        Deque<ParticleObservation> history = new ArrayDeque<>();
        for (int t = 0; t < sequenceLength; t++) {
            history.addLast(obs); // tile_first_step_obs
        }
        NoiseSource noise = NoiseSource.seeded(Seeds.derive(noiseSeed, episode));
        boolean done = false;
        while (!done) {
            float[] action;
            try (StepMemory mem = StepMemory.open("policy_action")) { // the inference's arrays, reused next step
                action = policy.apply(stack(history), noise).dup('c').data().asFloat();
            }
            ParticleEnv.Step s = env.step(action);
            observer.observe(s.reward(), s.done());
            done = s.done();
            history.removeFirst();
            history.addLast(s.observation());
        }
    }

    /** The history as IBC's policy sees it: per key {@code [1, T, d]}, oldest frame first. */
    private static Map<String, INDArray> stack(Deque<ParticleObservation> history) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        int t = history.size();
        for (String key : ParticleObservation.SORTED_KEYS) {
            int d = history.peekFirst().get(key).length;
            float[] v = new float[t * d];
            int i = 0;
            for (ParticleObservation o : history) {
                System.arraycopy(o.get(key), 0, v, i * d, d);
                i++;
            }
            out.put(key, Nd4j.create(v, new long[] {1, t, d}, 'c'));
        }
        return out;
    }
}
