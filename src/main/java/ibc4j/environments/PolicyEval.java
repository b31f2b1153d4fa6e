package ibc4j.environments;

import ibc4j.data.SpecNode;
import ibc4j.data.TFRecordObserver;
import ibc4j.data.TensorSpec;
import ibc4j.data.TrajectoryCodec;
import ibc4j.data.TrajectoryStep;
import ibc4j.environments.particle.ParticleEnv;
import ibc4j.environments.particle.ParticleMetrics;
import ibc4j.environments.particle.ParticleObservation;
import ibc4j.environments.particle.ParticleOracle;
import ibc4j.environments.particle.StreamingMetric;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntConsumer;

/**
 * Oracle data collection for the particle task; mirrors {@code data/policy_eval.py} {@code evaluate} with
 * tf-agents' {@code PyDriver} and {@code TFRecordObserver} (IBC db89ddb).
 *
 * <p>The driver resets once, then loops: action from the oracle, env step (a step on a LAST time step resets
 * and ignores the action, as tf-agents' auto-reset does), one Trajectory record per transition. An episode is
 * counted at its LAST→FIRST record, so each 50-step episode writes 51 records; the last one carries the oracle's
 * action on the final observation, never executed. Every episode is written (IBC has no success filter).
 */
public final class PolicyEval {
    private PolicyEval() {}

    /** The collect_data_spec IBC's particle files carry: a dict of bounded float32 observations, action in [0,1]. */
    public static SpecNode.NamedTuple particleTrajectorySpec(int nDim) {
        TreeMap<String, SpecNode> obs = new TreeMap<>();
        for (String key : ParticleObservation.SORTED_KEYS) {
            boolean velocity = key.equals(ParticleObservation.VEL_AGENT);
            obs.put(key, TensorSpec.bounded("observation/" + key, velocity ? -100f : 0f, velocity ? 100f : 1f, nDim));
        }
        return TrajectoryCodec.trajectorySpec(new SpecNode.Dict(obs), TensorSpec.bounded("action", 0f, 1f, nDim));
    }

    /**
     * Runs the oracle for {@code numEpisodes} episodes and writes them to {@code datasetPath} (+ its .spec).
     *
     * @param env        a fresh env (constructed as IBC's gin would: its constructor already reset once)
     * @param onEpisode  called with the number of finished episodes (progress reporting)
     * @return IBC's logged metrics: AverageReturn, AverageEpisodeLength and the four particle metrics
     */
    public static Map<String, Float> collectParticle(ParticleEnv env, Path datasetPath, int numEpisodes,
                                                     IntConsumer onEpisode) throws IOException {
        ParticleOracle oracle = new ParticleOracle(env);
        ParticleMetrics metrics = env.getMetrics(numEpisodes);
        StreamingMetric averageReturn = StreamingMetric.averageReturn(numEpisodes);
        StreamingMetric averageLength = StreamingMetric.averageEpisodeLength(numEpisodes);
        try (TFRecordObserver out = new TFRecordObserver(datasetPath, particleTrajectorySpec(env.nDim()))) {
            ParticleObservation obs = env.reset();
            int stepType = TrajectoryStep.FIRST;
            int episodes = 0;
            while (episodes < numEpisodes) {
                float[] action = oracle.action(obs, stepType == TrajectoryStep.FIRST);
                ParticleObservation next;
                int nextType;
                float reward;
                float discount;
                if (stepType == TrajectoryStep.LAST) {
                    next = env.reset();
                    nextType = TrajectoryStep.FIRST;
                    reward = 0f;
                    discount = 1f;
                } else {
                    ParticleEnv.Step s = env.step(action);
                    next = s.observation();
                    nextType = s.done() ? TrajectoryStep.LAST : TrajectoryStep.MID;
                    reward = s.reward();
                    discount = s.done() ? 0f : 1f;
                    metrics.observe(reward, s.done());
                    averageReturn.observe(reward, s.done());
                    averageLength.observe(reward, s.done());
                }
                out.write(new TrajectoryStep(stepType, obs.toSortedMap(), action, nextType, reward, discount));
                if (stepType == TrajectoryStep.LAST) {
                    episodes++;
                    onEpisode.accept(episodes);
                }
                obs = next;
                stepType = nextType;
            }
        }
        Map<String, Float> results = new LinkedHashMap<>();
        results.put(averageReturn.name(), averageReturn.result());
        results.put(averageLength.name(), averageLength.result());
        for (StreamingMetric m : metrics.all()) {
            results.put(m.name(), m.result());
        }
        return results;
    }
}
