package ibc4j.environments.bridge;

import ibc4j.data.SpecNode;
import ibc4j.data.TFRecordObserver;
import ibc4j.data.TrajectoryCodec;
import ibc4j.data.TrajectoryStep;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntConsumer;

/**
 * Oracle data collection through the bridge: IBC's {@code data/policy_eval.py} {@code evaluate} with a static
 * oracle policy, tf-agents' {@code PyDriver} and {@code TFRecordObserver}. The env and the oracle run in the
 * server; this side drives and writes.
 *
 * <p>PyDriver's loop: the oracle acts on the current time step, the env steps (on a LAST time step the
 * tf-agents env resets instead, ignoring the action), one Trajectory record per transition, an episode counted
 * at its LAST→FIRST record. IBC's metrics see every transition, as the driver's observers do.
 */
public final class BridgePolicyEval {
    private BridgePolicyEval() {}

    /** The collect_data_spec of an oracle on this env: the env's observation and action specs in a Trajectory. */
    public static SpecNode.NamedTuple trajectorySpec(BridgeEnv.Specs specs) {
        SpecNode obs;
        if (specs.observation().size() == 1 && specs.observation().containsKey("")) {
            obs = specs.observation().get("");
        } else {
            obs = new SpecNode.Dict(new TreeMap<>(specs.observation()));
        }
        return TrajectoryCodec.trajectorySpec(obs, specs.action());
    }

    /**
     * Runs the env's oracle for {@code numEpisodes} episodes into {@code datasetPath} and its {@code .spec}.
     *
     * @param seed null: the env's own seeding (IBC: OS entropy); else {@code env.seed(seed)} before the first reset
     * @return IBC's logged metrics (AverageReturn, AverageEpisodeLength and the env's)
     */
    public static Map<String, Float> collect(BridgeEnv env, Path datasetPath, int numEpisodes, Long seed,
                                             IntConsumer onEpisode) throws IOException {
        return collect(env, datasetPath, numEpisodes, seed, onEpisode, true);
    }

    /**
     * {@link #collect(BridgeEnv, Path, int, Long, IntConsumer)} with tf-agents' {@code compress_image} given:
     * policy_eval.py's observer always has it on (uint8 {@code [h, w, c]} observations as JPEG, quality 95).
     */
    public static Map<String, Float> collect(BridgeEnv env, Path datasetPath, int numEpisodes, Long seed,
                                             IntConsumer onEpisode, boolean compressImage) throws IOException {
        BridgeEnv.Specs specs = env.open();
        try (TFRecordObserver out = new TFRecordObserver(datasetPath, trajectorySpec(specs), compressImage)) {
            env.metricsReset(numEpisodes);
            if (seed != null) {
                env.seed(seed);
            }
            BridgeEnv.TimeStep ts = env.reset();
            int episodes = 0;
            while (episodes < numEpisodes) {
                float[] action = env.oracleAction();
                BridgeEnv.TimeStep next = env.step(action);
                out.write(new TrajectoryStep(ts.stepType(), ts.floatObservation(), action, next.stepType(),
                        next.reward(), next.discount()));
                if (ts.isLast()) {
                    episodes++;
                    onEpisode.accept(episodes);
                }
                ts = next;
            }
        }
        return env.metrics();
    }
}
