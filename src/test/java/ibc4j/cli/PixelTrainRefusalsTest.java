package ibc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ibc4j.data.SpecFile;
import ibc4j.data.SpecNode;
import ibc4j.data.SyntheticRecords;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code ibc4j train} says for the pixel configs where it cannot train them. */
class PixelTrainRefusalsTest {
    private static final Path CONFIG = Path.of("configs", "pushing_pixels", "pixel_mse_best.gin");
    private static final Path PUSH_SPEC = Path.of("..", "shared", "ibc", "test_data", "PUSH",
            "oracle_push_0.tfrecord.spec");

    private record Run(int rc, String err) {
    }

    private static Run train(Path dataset, Path root, boolean skipEval, String... bindings) {
        List<String> args = new ArrayList<>(List.of("--gin_file=" + CONFIG, "--task=PUSH",
                "--gin_bindings=train_eval.dataset_path='" + dataset + "'",
                "--gin_bindings=train_eval.root_dir='" + root + "'"));
        if (skipEval) {
            args.add("--skip_eval");
        }
        for (String b : bindings) {
            args.add("--gin_bindings=" + b);
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = TrainCommand.run(args.toArray(String[]::new), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(rc, err.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void imagesAreEvaluatedThroughTheBridgeOnly(@TempDir Path dir) {
        Run r = train(dir.resolve("none.tfrecord"), dir.resolve("run"), false);
        assertEquals(2, r.rc, r.err);
        assertEquals("train: evaluating task [PUSH] runs IBC's own env in the env bridge: pass --ibc_root=<IBC "
                + "checkout> and --python=<Python with python/requirements.txt> (docs/environments.md), or train with "
                + "--skip_eval", r.err);
    }

    @Test
    void theParticleEnvHasNoImages(@TempDir Path dir) {
        List<String> args = List.of("--gin_file=" + CONFIG, "--task=PARTICLE",
                "--gin_bindings=train_eval.dataset_path='" + dir.resolve("none.tfrecord") + "'",
                "--gin_bindings=train_eval.root_dir='" + dir.resolve("run") + "'");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = TrainCommand.run(args.toArray(String[]::new), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, rc);
        assertEquals("train: train_eval.image_obs = True with task PARTICLE: the particle env renders no image "
                + "observations (IBC's eval_env asserts the same); train with --skip_eval or evaluate a block task "
                + "through the env bridge", err.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void aPixelNetworkNeedsImageObs(@TempDir Path dir) {
        Run r = train(dir.resolve("none.tfrecord"), dir.resolve("run"), true, "train_eval.image_obs = False");
        assertEquals(2, r.rc, r.err);
        assertEquals("train: train_eval.network = 'ConvMLPMSE' with train_eval.image_obs = False: the pixel networks "
                + "(PixelEBM, ConvMLPMSE, ConvMLPMDN) go with image_obs = True and the others with False, as in IBC's configs",
                r.err);
    }

    @Test
    void aDatasetWithoutImagesIsNamed(@TempDir Path dir) throws IOException {
        SpecNode push = SpecFile.read(PUSH_SPEC);
        Path data = dir.resolve("push_0.tfrecord");
        new SyntheticRecords(push, 0).write(data, 3, 10);
        Run r = train(data, dir.resolve("run"), true, "train_eval.batch_size = 4", "train_eval.num_iterations = 1",
                "train_eval.replay_capacity = 8", "get_normalizers.num_samples = 8");
        assertEquals(2, r.rc, r.err);
        assertEquals("train: " + SpecFile.specPathFor(data) + ": the pixel networks read observation 'rgb' of shape "
                + "[height, width, channels]; this dataset's observation has none (record it with images, e.g. "
                + "ibc4j synth-data --rgb HxW)", r.err);
    }
}
