package ibc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ibc4j.data.SpecFile;
import ibc4j.data.SyntheticRecords;
import ibc4j.data.TrajectorySpecs;
import ibc4j.train.TensorBoardReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pixel run stopped after 2 steps and resumed for 2 more logs the same 4 losses as 4 steps in one go: the
 * checkpoint carries the pixel network's weights and Adam state, and the data order and dropout / counter-example
 * draws are functions of (seed, step).
 */
class PixelResumeTest {
    private static final Path PUSH_SPEC = Path.of("..", "shared", "ibc", "test_data", "PUSH",
            "oracle_push_0.tfrecord.spec");

    private static int train(String config, Path data, Path root, String... extra) {
        List<String> args = new ArrayList<>(List.of("--gin_file=configs/pushing_pixels/" + config, "--task=PUSH",
                "--skip_eval", "--checkpoint_interval=1",
                "--gin_bindings=train_eval.dataset_path='" + data + "'",
                "--gin_bindings=train_eval.root_dir='" + root + "'",
                "--gin_bindings=train_eval.num_iterations = 4", "--gin_bindings=train_eval.batch_size = 8",
                "--gin_bindings=train_eval.fused_train_steps = 1", "--gin_bindings=train_eval.replay_capacity = 32",
                "--gin_bindings=get_normalizers.num_samples = 32"));
        String net = config.contains("mse") ? "ConvMLPMSE" : "ConvMLPMDN";
        for (String b : config.contains("ebm")
                ? List.of("PixelEBM.target_height = 16", "PixelEBM.target_width = 16", "DenseResnetValue.width = 16",
                        "ImplicitBCAgent.num_counter_examples = 4")
                : List.of(net + ".width = 16", net + ".depth = 2", net + ".target_height = 16",
                        net + ".target_width = 16")) {
            args.add("--gin_bindings=" + b);
        }
        args.addAll(List.of(extra));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = TrainCommand.run(args.toArray(String[]::new), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        return rc;
    }

    private static List<Float> losses(Path root) throws IOException {
        return TensorBoardReader.readScalars(root.resolve("train")).get("reduced_loss").stream()
                .map(TensorBoardReader.Scalar::value).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"pixel_mse_best.gin", "pixel_ebm_best.gin", "pixel_mdn_best.gin"})
    void stoppedAndResumedEqualsOneRun(String config, @TempDir Path dir) throws IOException {
        Path data = dir.resolve("push_rgb_0.tfrecord");
        new SyntheticRecords(TrajectorySpecs.withRgb(SpecFile.read(PUSH_SPEC), 16, 16), 0).write(data, 4, 10);
        train(config, data, dir.resolve("once"));
        train(config, data, dir.resolve("twice"), "--stop_after=2");
        assertEquals(2, losses(dir.resolve("twice")).size());
        train(config, data, dir.resolve("twice"));
        List<Float> once = losses(dir.resolve("once"));
        assertEquals(4, once.size());
        assertEquals(once, losses(dir.resolve("twice")));
    }
}
