package ibc4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.environments.bridge.BridgeEnv;
import ibc4j.environments.bridge.BridgeOptions;
import ibc4j.environments.bridge.BridgePolicyEval;
import ibc4j.gin.GinConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * train_eval on a PUSH-shaped task whose env is the stdlib fake bridge server: the server crashes in the first
 * eval; that eval is logged as failed with the child's stderr, training goes on, the next eval runs in a fresh
 * server and its metrics land under IBC's tags.
 */
class BridgeTrainEvalTest {
    private static final List<String> TINY = List.of(
            "train_eval.loss_type = 'ebm'", "train_eval.network = 'MLPEBM'", "train_eval.batch_size = 8",
            "ImplicitBCAgent.num_counter_examples = 4", "train_eval.num_iterations = 8",
            "train_eval.replay_capacity = 64", "train_eval.eval_interval = 4", "train_eval.eval_episodes = 2",
            "train_eval.fused_train_steps = 2", "train_eval.seed = 0", "train_eval.sequence_length = 2",
            "IbcPolicy.num_action_samples = 16", "get_normalizers.nested_obs = True",
            "get_normalizers.num_samples = 100", "compute_dataset_statistics.min_max_actions = True",
            "MLPEBM.layers = 'ResNetPreActivation'", "MLPEBM.width = 16", "MLPEBM.depth = 2", "MLPEBM.rate = 0.0",
            "ImplicitBCAgent.compute_mse = True", "langevin_actions_given_obs.num_iterations = 3");

    private static BridgeOptions fake(String... args) {
        return new BridgeOptions("python3", null, BridgeOptions.FAKE_SERVER, List.of("PUSH"), List.of(args),
                Path.of("python").toAbsolutePath(), Duration.ofSeconds(30), Duration.ofSeconds(10));
    }

    @Test
    void aCrashedEvalFailsAloneAndTheNextEvalRunsInAFreshServer(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data").resolve("oracle_push.tfrecord");
        Files.createDirectories(data.getParent());
        try (BridgeEnv env = new BridgeEnv(fake(), "PUSH", false, null, "oracle_push", List.of())) {
            BridgePolicyEval.collect(env, data, 8, 0L, n -> { });
        }
        Path root = dir.resolve("run");
        GinConfig gin = ibc4j.configurables.IbcConfigurables.newGinConfig();
        List<String> bindings = new java.util.ArrayList<>(TINY);
        bindings.add("train_eval.dataset_path = '" + data + "'");
        bindings.add("train_eval.root_dir = '" + root + "'");
        gin.parseBindings(bindings);
        gin.finalizeConfig();
        // The fake crashes at its 3rd step (in the eval at step 4), once.
        BridgeOptions bridge = fake("--crash_on_step", "3", "--once", dir.resolve("crashed").toString());
        TrainEval.Options opt = new TrainEval.Options(false, 4, null, false, 0, null, bridge);
        Map<String, Object> args = new java.util.LinkedHashMap<>();
        args.put("task", List.of("PUSH"));
        TrainEval.Result r = TrainEval.run(gin, (TrainEvalConfig) gin.call("train_eval", args), opt);

        assertFalse(r.failed(), r.failure());
        assertEquals(8, r.step());
        assertTrue(Files.exists(dir.resolve("crashed")), "the fake crashed");
        List<String> lines = Files.readAllLines(root.resolve("eval").resolve("metrics.jsonl"));
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("\"step\":4") && lines.get(0).contains("\"failed\""), lines.get(0));
        assertTrue(lines.get(0).contains("exited with status 7") && lines.get(0).contains("fake env: crash at step 3"),
                lines.get(0));
        assertEquals(1, r.evals().size());
        assertEquals(8, r.evals().get(0).step());
        Map<String, Float> m = r.evals().get(0).metrics();
        assertEquals(List.of("AverageReturn", "AverageEpisodeLength", "AverageFinalGoalDistance",
                "AverageSuccessMetric"), List.copyOf(m.keySet()));
        Map<String, List<TensorBoardReader.Scalar>> actor = TensorBoardReader.readScalars(
                root.resolve("eval").resolve("BlockPush-v0"));
        assertEquals(8, actor.get("Metrics/AverageSuccessMetric").get(0).step());
        Map<String, List<TensorBoardReader.Scalar>> agg = TensorBoardReader.readScalars(root.resolve("eval"));
        assertEquals(m.get("AverageEpisodeLength"), agg.get("AggregatedMetrics/AverageEpisodeLength").get(0).value(),
                0f);
    }
}
