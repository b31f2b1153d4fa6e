package ibc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ibc4j.train.TensorBoardReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * IBC's unmodified d4rl configs, whose observations are flat ({@code get_normalizers.nested_obs = False}: one
 * normalizer over D4RL's Box observation), train on IBC's own door-human and kitchen records (shared/ beside the
 * checkout), shrunk by bindings only, with finite losses.
 */
class D4rlTrainTest {
    private static final Path DATA = Path.of("..", "shared", "ibc", "test_data");

    @ParameterizedTest
    @CsvSource({"mlp_ebm_langevin_best.gin, door-human-v0", "mlp_ebm_langevin_best.gin, kitchen-complete-v0",
            "mlp_mse_best.gin, door-human-v0"})
    void flatObservationConfigsTrainOnIbcsRecords(String config, String task, @TempDir Path root) throws Exception {
        Path shard = DATA.resolve(task).resolve(task + "_0.tfrecord");
        assumeTrue(Files.isRegularFile(shard), "IBC test data not found at " + shard.toAbsolutePath());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = TrainCommand.run(new String[] {"--gin_file=configs/d4rl/" + config, "--task=" + task, "--skip_eval",
                "--gin_bindings=train_eval.dataset_path='" + shard + "'",
                "--gin_bindings=train_eval.root_dir='" + root + "'",
                "--gin_bindings=train_eval.batch_size = 8", "--gin_bindings=train_eval.num_iterations = 4",
                "--gin_bindings=train_eval.fused_train_steps = 2", "--gin_bindings=train_eval.replay_capacity = 64",
                "--gin_bindings=get_normalizers.num_samples = 64", "--gin_bindings=MLPEBM.width = 16",
                "--gin_bindings=MLPEBM.depth = 2", "--gin_bindings=MLPMSE.width = 16",
                "--gin_bindings=MLPMSE.depth = 2", "--gin_bindings=langevin_actions_given_obs.num_iterations = 3"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, rc, err.toString());
        Map<String, List<TensorBoardReader.Scalar>> s = TensorBoardReader.readScalars(root.resolve("train"));
        List<TensorBoardReader.Scalar> loss = s.get("reduced_loss");
        assertEquals(List.of(2L, 4L), loss.stream().map(TensorBoardReader.Scalar::step).toList());
        assertTrue(loss.stream().allMatch(x -> Float.isFinite(x.value())), "finite losses: " + loss);
    }
}
