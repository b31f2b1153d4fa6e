package ibc4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.train.CheckpointStore;
import ibc4j.train.TensorBoardReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code ibc4j train} / {@code ibc4j eval} end to end on a tiny particle setup (B 8, width 16, 5 Langevin steps,
 * 5-step episodes): the run dir IBC lays out, resume equivalence, the NaN stop, and clear refusals.
 */
class TrainCommandTest {
    /** IBC's particle config, shrunk so a run takes seconds; every name is one IBC's configs use. */
    private static final String TINY = String.join("\n",
            "train_eval.loss_type = 'ebm'",
            "train_eval.network = 'MLPEBM'",
            "train_eval.batch_size = 8",
            "ImplicitBCAgent.num_counter_examples = 4",
            "train_eval.num_iterations = 8",
            "train_eval.replay_capacity = 64",
            "train_eval.eval_interval = 8",
            "train_eval.eval_episodes = 2",
            "train_eval.fused_train_steps = 2",
            "train_eval.seed = 0",
            "train_eval.sequence_length = 2",
            "IbcPolicy.num_action_samples = 16",
            "get_normalizers.nested_obs = True",
            "get_normalizers.num_samples = 200",
            "compute_dataset_statistics.min_max_actions = True",
            "MLPEBM.layers = 'ResNetPreActivation'",
            "MLPEBM.width = 16",
            "MLPEBM.depth = 2",
            "MLPEBM.rate = 0.0",
            "ImplicitBCAgent.compute_mse = True",
            "langevin_actions_given_obs.num_iterations = 5",
            "ParticleEnv.n_steps = 5",
            "");

    @TempDir
    static Path shared;
    private static Path gin;
    private static String dataset;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void collectData() throws Exception {
        gin = shared.resolve("tiny.gin");
        Files.writeString(gin, TINY);
        Path data = shared.resolve("data/2d_oracle_particle.tfrecord");
        assertEquals(0, CollectCommand.run(new String[] {"--num_episodes=6", "--replicas=2", "--seed=0",
                "--dataset_path=" + data, "--gin_bindings=ParticleEnv.n_dim=2"}, new PrintStream(
                new ByteArrayOutputStream()), System.err));
        dataset = data.getParent().resolve("2d_oracle_particle_*.tfrecord").toString();
    }

    private int train(Path root, String... extra) {
        List<String> args = new ArrayList<>(List.of("--gin_file=" + gin, "--task=PARTICLE", "--progress=log",
                "--checkpoint_interval=4", "--gin_bindings=train_eval.dataset_path='" + dataset + "'",
                "--gin_bindings=train_eval.root_dir='" + root + "'"));
        args.addAll(Arrays.asList(extra));
        return run(args.toArray(String[]::new));
    }

    private int run(String... args) {
        return TrainCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void aRunWritesIbcsLayoutAndEvaluates(@TempDir Path dir) throws Exception {
        assertEquals(0, train(dir, "--tag=t", "--video"), err.toString());
        Path run = dir.resolve("t");
        for (String f : List.of("operative-gin-config.txt", "ibc4j-run.json", "train/checkpoints/ckpt-4.zip",
                "train/checkpoints/ckpt-8.zip", "policies/ckpt-0.zip", "eval/metrics.jsonl",
                "videos/ttl=7d/vid_8.gif", "plots/loss.png", "plots/success_rate.png")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f + " missing; " + err);
        }
        String operative = Files.readString(run.resolve("operative-gin-config.txt"));
        assertTrue(operative.contains("train_eval.batch_size = 8"), operative);
        assertTrue(operative.contains("MLPEBM.width = 16"), operative);
        Map<String, List<TensorBoardReader.Scalar>> train = TensorBoardReader.readScalars(run.resolve("train"));
        assertEquals(List.of(2L, 4L, 6L, 8L), train.get("reduced_loss").stream().map(s -> s.step()).toList());
        assertTrue(train.containsKey("Losses/grad_loss") && train.containsKey("Losses/ebm_total_loss"), "" + train);
        Map<String, List<TensorBoardReader.Scalar>> eval = TensorBoardReader.readScalars(run.resolve("eval"));
        List<TensorBoardReader.Scalar> success = eval.get("AggregatedMetrics/AverageSuccessMetric");
        assertEquals(1, success.size());
        assertEquals(8L, success.get(0).step());
        float s = success.get(0).value();
        assertTrue(s == 0f || s == 0.5f || s == 1f, "2 episodes: a success rate of 0, 1/2 or 1, got " + s);
        assertEquals(5f, eval.get("AggregatedMetrics/AverageEpisodeLength").get(0).value(), "n_steps = 5");
        assertTrue(TensorBoardReader.readScalars(run.resolve("eval/Particle-v0"))
                .containsKey("Metrics/AverageSuccessMetric"));

        out.reset();
        assertEquals(0, EvalCommand.run(new String[] {"--root_dir=" + run, "--step=8", "--eval_episodes=2"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
                        StandardCharsets.UTF_8)), err.toString());
        assertTrue(out.toString().contains("AverageSuccessMetric = " + s), "same seeds and noise, same result: "
                + out);
        assertTrue(Files.size(run.resolve("plots/offline_success_rate.png")) > 1000, "offline eval plot");
    }

    @Test
    void theMseBaselineTrainsAndEvaluatesTheSameWay(@TempDir Path dir) throws Exception {
        Path mse = dir.resolve("mse.gin");
        Files.writeString(mse, String.join("\n",
                "train_eval.loss_type = 'mse'",
                "train_eval.network = 'MLPMSE'",
                "train_eval.batch_size = 8",
                "train_eval.num_iterations = 4",
                "train_eval.replay_capacity = 64",
                "train_eval.eval_interval = 4",
                "train_eval.eval_episodes = 2",
                "train_eval.fused_train_steps = 2",
                "get_normalizers.num_samples = 200",
                "get_normalizers.nested_obs = True",
                "MLPMSE.layers = 'ResNetPreActivation'",
                "MLPMSE.width = 16",
                "MLPMSE.rate = 0.1",
                "ParticleEnv.n_steps = 5", ""));
        assertEquals(0, run("--gin_file=" + mse, "--task=PARTICLE", "--tag=mse", "--progress=log",
                "--gin_bindings=train_eval.dataset_path='" + dataset + "'",
                "--gin_bindings=train_eval.root_dir='" + dir + "'"), err.toString());
        Path run = dir.resolve("mse");
        Map<String, List<TensorBoardReader.Scalar>> train = TensorBoardReader.readScalars(run.resolve("train"));
        assertTrue(train.containsKey("Losses/mse_total_loss"), "" + train.keySet());
        assertEquals(1, TensorBoardReader.readScalars(run.resolve("eval"))
                .get("AggregatedMetrics/AverageSuccessMetric").size(), "one eval, at step 4");
        assertEquals(0, EvalCommand.run(new String[] {"--root_dir=" + run, "--eval_episodes=1"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
                        StandardCharsets.UTF_8)), err.toString());
        assertTrue(out.toString().contains("AverageSuccessMetric"), out.toString());
    }

    /** Also with DenseSN, whose non-trainable u must be checkpointed for the resumed run to be the same run. */
    @ParameterizedTest
    @ValueSource(strings = {"regular", "spectral_norm"})
    void nStepsEqualHalfThenResumeThenHalf(String denseLayerType, @TempDir Path dir) throws Exception {
        String dense = "--gin_bindings=MLPEBM.dense_layer_type='" + denseLayerType + "'";
        assertEquals(0, train(dir, "--tag=straight", "--skip_eval", dense), err.toString());
        assertEquals(0, train(dir, "--tag=resumed", "--skip_eval", "--stop_after=4", dense), err.toString());
        Path resumed = dir.resolve("resumed");
        assertFalse(Files.exists(resumed.resolve("train/checkpoints/ckpt-8.zip")), "stopped after 4 steps");
        assertEquals(0, run("--resume=" + resumed, "--progress=log", "--checkpoint_interval=4"), err.toString());
        Map<String, INDArray> a = CheckpointStore.load(dir.resolve("straight/train/checkpoints/ckpt-8.zip"))
                .arrays();
        Map<String, INDArray> b = CheckpointStore.load(resumed.resolve("train/checkpoints/ckpt-8.zip")).arrays();
        assertEquals(a.keySet(), b.keySet());
        List<String> compared = new ArrayList<>(List.of("params", "adam_m", "adam_v"));
        a.keySet().stream().filter(k -> k.startsWith("network_state.")).forEach(compared::add);
        assertEquals(denseLayerType.equals("spectral_norm") ? 7 : 3, compared.size(), "u of 4 dense layers: " + a.keySet());
        for (String k : compared) {
            assertArrayEquals(a.get(k).data().asFloat(), b.get(k).data().asFloat(), 0f, k + ": bit for bit");
        }
    }

    @Test
    void aNanStopsTheRunNamesStepAndTensorAndKeepsTheLastCheckpoint(@TempDir Path dir) throws Exception {
        assertEquals(0, train(dir, "--tag=nan", "--skip_eval",
                "--gin_bindings=train_eval.num_iterations=4"), err.toString());
        Path run = dir.resolve("nan");
        byte[] before = Files.readAllBytes(run.resolve("train/checkpoints/ckpt-4.zip"));
        // A learning rate of 1e38: Adam's first update after the resume (step 4) moves weights by ~1e38, still
        // finite in float32; the next forward pass (step 5) overflows and the loss is NaN.
        assertEquals(3, run("--resume=" + run, "--progress=log", "--gin_bindings=train_eval.learning_rate=1e38",
                "--gin_bindings=train_eval.num_iterations=8"), err.toString());
        assertTrue(err.toString().contains("training stopped at step 5"), err.toString());
        assertTrue(err.toString().contains("; the last good checkpoint is kept: "
                + run.resolve("train/checkpoints/ckpt-4.zip")), err.toString());
        assertTrue(err.toString().contains("total_loss is NaN"), err.toString());
        assertArrayEquals(before, Files.readAllBytes(run.resolve("train/checkpoints/ckpt-4.zip")));
        assertEquals(List.of(run.resolve("train/checkpoints/ckpt-4.zip")),
                new CheckpointStore(run.resolve("train/checkpoints"), 3).list());
    }

    @Test
    void badInputIsAClearErrorWithStatus2(@TempDir Path dir) {
        assertEquals(2, train(dir, "--task=PARTICLES"));
        assertTrue(err.toString().contains("--task=PARTICLES is not one of IBC's tasks"), err.toString());
        err.reset();
        assertEquals(2, train(dir, "--gin_bindings=MLPEBM.widht = 16"));
        assertTrue(err.toString().contains("did you mean 'width'?"), err.toString());
        err.reset();
        assertEquals(2, run("--gin_file=" + gin, "--task=PARTICLE",
                "--gin_bindings=train_eval.dataset_path='" + dir.resolve("none_*.tfrecord") + "'",
                "--gin_bindings=train_eval.root_dir='" + dir + "'"));
        assertTrue(err.toString().contains("none_*.tfrecord"), err.toString());
        assertFalse(err.toString().contains("Exception"), "a message, not a class name: " + err);
        err.reset();
        assertEquals(2, run("--gin_file=" + gin, "--task=PUSH", "--gin_bindings=train_eval.root_dir='" + dir + "'",
                "--gin_bindings=train_eval.dataset_path='" + dataset + "'"));
        assertTrue(err.toString().contains("pass --ibc_root=<IBC checkout>"), err.toString());
        err.reset();
        assertEquals(2, train(dir, "--gin_bindings=ResNetLayer.normalizer = 'layer'"));
        assertTrue(err.toString().contains("ResNetLayer.normalizer = 'layer' is not one of [Batch, Layer] or None"),
                err.toString());
        err.reset();
        // The EBM's graph has it; the Langevin / DFO / penalty kernels do not, and say so before training.
        assertEquals(2, train(dir, "--gin_bindings=ResNetLayer.normalizer = 'Layer'"));
        assertTrue(err.toString().contains("ResNetLayer.normalizer = 'Layer' with MLPEBM: ibc4j's Langevin, DFO"),
                err.toString());
        err.reset();
        assertEquals(2, train(dir, "--add_time=maybe"));
        assertTrue(err.toString().contains("--add_time takes True or False"), err.toString());
    }

    /** No Java stack trace and exit 2 for each of these user mistakes; the message names what it is about. */
    @Test
    void hostileRunsFailClearlyWithoutAStackTrace(@TempDir Path dir) throws Exception {
        // A run dir held by another trainer.
        Path busy = dir.resolve("busy");
        try (ibc4j.train.RunDirLock held = ibc4j.train.RunDirLock.acquire(busy)) {
            assertRefused(train(busy), "is in use by another ibc4j process", busy.toString());
        }
        assertFalse(Files.exists(busy.resolve(ibc4j.train.RunInvocation.FILE)), "the refused run stored no config");
        // root_dir = '' would write train/ and eval/ into the working directory.
        assertRefused(run("--gin_file=" + gin, "--task=PARTICLE", "--gin_bindings=train_eval.dataset_path='"
                + dataset + "'", "--gin_bindings=train_eval.root_dir=''"), "train_eval.root_dir is empty");
        // A failed attempt stores no config: the fixed one that trains next is what eval and --resume read.
        Path fixed = dir.resolve("fixed");
        assertRefused(train(fixed, "--gin_bindings=train_eval.dataset_path='" + dir.resolve("none*.tfrecord") + "'"),
                "none");
        assertFalse(Files.exists(fixed.resolve(ibc4j.train.RunInvocation.FILE)));
        assertEquals(0, train(fixed, "--gin_bindings=MLPEBM.width = 8"), err.toString());
        assertTrue(Files.readString(fixed.resolve(ibc4j.train.RunInvocation.FILE)).contains("MLPEBM.width = 8"));
        // A write that fails mid-run (disk full, here a file where the checkpoint dir should be) names the step
        // and the run dir.
        Path full = dir.resolve("full");
        Files.createDirectories(full.resolve("train"));
        Files.writeString(full.resolve("train/checkpoints"), "not a directory");
        assertRefused(train(full), "step 4: writing into " + full + " failed");
        // eval: bad numbers and missing dirs.
        assertRefused(EvalCommand.run(new String[] {"--root_dir=" + fixed, "--eval_episodes=abc"},
                stream(out), stream(err)), "--eval_episodes=abc: expected a positive integer");
        assertRefused(EvalCommand.run(new String[] {"--root_dir=" + dir.resolve("nope")}, stream(out), stream(err)),
                "run dir " + dir.resolve("nope") + " does not exist");
        // collect: zero replicas.
        assertRefused(CollectCommand.run(new String[] {"--replicas=0", "--dataset_path=" + dir.resolve("c.tfrecord")},
                stream(out), stream(err)), "--replicas=0: both must be at least 1");
    }

    private void assertRefused(int rc, String... expected) {
        String e = err.toString();
        assertEquals(2, rc, e);
        for (String x : expected) {
            assertTrue(e.contains(x), "expected '" + x + "' in: " + e);
        }
        assertFalse(e.contains("\tat ") || e.contains("Exception") || out.toString().contains("\tat "), e);
        err.reset();
        out.reset();
    }

    private static PrintStream stream(ByteArrayOutputStream b) {
        return new PrintStream(b, true, StandardCharsets.UTF_8);
    }
}
