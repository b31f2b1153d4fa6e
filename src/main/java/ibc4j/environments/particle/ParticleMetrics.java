package ibc4j.environments.particle;

import java.util.List;

/**
 * IBC's particle metrics, {@code environments/particle/particle_metrics.py} as {@code ParticleEnv.get_metrics}
 * returns them: four {@link StreamingMetric}s that read the env at each episode's last step.
 *
 * <table>
 * <caption>What each appends per episode (a float32 value)</caption>
 * <tr><th>name</th><th>value</th></tr>
 * <tr><td>AverageFirstGoalDistance</td><td>the episode's minimum distance to goal 1, sampled at control-step
 * ends</td></tr>
 * <tr><td>AverageSecondGoalDistance</td><td>the same for goal 2</td></tr>
 * <tr><td>AverageFinalSecondGoalDistance</td><td>the distance to goal 2 at the final state</td></tr>
 * <tr><td>AverageSuccessMetric</td><td>1 if {@link ParticleEnv#succeeded()}, else 0 (the success rate)</td></tr>
 * </table>
 *
 * <p>Average return and episode length are not particle metrics: tf-agents' actor adds them
 * ({@link StreamingMetric#averageReturn}, {@link StreamingMetric#averageEpisodeLength}).
 */
public final class ParticleMetrics {
    private final List<StreamingMetric> all;
    private final StreamingMetric success;

    ParticleMetrics(ParticleEnv env, int numEpisodes) {
        success = StreamingMetric.atEpisodeEnd("AverageSuccessMetric", numEpisodes,
                () -> env.succeeded() ? 1.0 : 0.0);
        all = List.of(
                StreamingMetric.atEpisodeEnd("AverageFirstGoalDistance", numEpisodes, env::minDistToFirstGoal),
                StreamingMetric.atEpisodeEnd("AverageSecondGoalDistance", numEpisodes, env::minDistToSecondGoal),
                StreamingMetric.atEpisodeEnd("AverageFinalSecondGoalDistance", numEpisodes,
                        () -> env.dist(env.obsLog().get(0).posSecondGoal())),
                success);
    }

    /** The four metrics, in IBC's order (the success metric last). */
    public List<StreamingMetric> all() {
        return all;
    }

    /** {@code AverageSuccessMetric}, the one IBC reports as the success rate. */
    public StreamingMetric success() {
        return success;
    }

    /** Feeds one env step to all four (call after each {@link ParticleEnv#step}, before any reset). */
    public void observe(float reward, boolean isLast) {
        for (StreamingMetric m : all) {
            m.observe(reward, isLast);
        }
    }
}
