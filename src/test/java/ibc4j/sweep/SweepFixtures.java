package ibc4j.sweep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A particle config shrunk so one point trains in seconds (B 8, width 16, 4 steps, one 5-step eval episode). */
public final class SweepFixtures {
    public static final String TINY = String.join("\n",
            "train_eval.loss_type = 'ebm'",
            "train_eval.network = 'MLPEBM'",
            "train_eval.batch_size = 8",
            "ImplicitBCAgent.num_counter_examples = 4",
            "train_eval.num_iterations = 4",
            "train_eval.replay_capacity = 64",
            "train_eval.eval_interval = 4",
            "train_eval.eval_episodes = 1",
            "train_eval.fused_train_steps = 2",
            "train_eval.sequence_length = 2",
            "IbcPolicy.num_action_samples = 16",
            "get_normalizers.nested_obs = True",
            "get_normalizers.num_samples = 100",
            "compute_dataset_statistics.min_max_actions = True",
            "MLPEBM.layers = 'ResNetPreActivation'",
            "MLPEBM.width = 16",
            "MLPEBM.depth = 2",
            "MLPEBM.rate = 0.0",
            "ImplicitBCAgent.compute_mse = True",
            "langevin_actions_given_obs.num_iterations = 3",
            "ParticleEnv.n_steps = 5",
            "ParticleEnv.n_dim = 2",
            "");

    private SweepFixtures() {}

    public static Path tinyGin(Path dir) throws IOException {
        Path gin = dir.resolve("tiny.gin");
        Files.writeString(gin, TINY);
        return gin;
    }

    /** Sweep flags over the tiny config: root, gin file, 2 x 3 episodes of data, checkpoints every 2 steps. */
    public static String[] args(Path root, Path gin, String... more) {
        List<String> a = new ArrayList<>(List.of("--sweep_root=" + root, "--gin_file=" + gin,
                "--collect_episodes=3", "--collect_replicas=2", "--checkpoint_interval=2"));
        a.addAll(Arrays.asList(more));
        return a.toArray(String[]::new);
    }
}
