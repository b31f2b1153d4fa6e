package ibc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ibc4j.data.SpecFile;
import ibc4j.data.SpecNode;
import ibc4j.data.TFRecordObserver;
import ibc4j.data.TensorSpec;
import ibc4j.data.TrajectoryStep;
import ibc4j.train.TensorBoardReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IBC's two MLP MDN configs train through {@code ./ibc4j train}, unmodified and shrunk by bindings only:
 * d4rl/mlp_mdn.gin on IBC's door-human records, pushing_states/mlp_mdn_best.gin on synthetic records in the
 * format of IBC's block-pushing shards (their .spec). The loss is finite and goes down over 20 steps.
 *
 * <p>The d4rl normalizers get 1000 samples: with 64, door-human has observation dimensions of near-zero std, the
 * normalized inputs are huge, exp(logvar) under- or overflows and the loss is NaN within a few steps (as in TF).
 */
class MdnTrainTest {
    private static final Path DATA = Path.of("..", "shared", "ibc", "test_data");

    @Test
    void d4rlMdnTrainsOnDoorHuman(@TempDir Path root) throws Exception {
        Path shard = DATA.resolve("door-human-v0").resolve("door-human-v0_0.tfrecord");
        assumeTrue(Files.isRegularFile(shard), "IBC test data not found at " + shard.toAbsolutePath());
        List<Float> loss = train(root, "configs/d4rl/mlp_mdn.gin", "door-human-v0", shard,
                "train_eval.batch_size = 128", "get_normalizers.num_samples = 1000");
        assertDecreasing(loss);
    }

    /** IBC's README: MDNs are finicky and get NaNs. The run stops at the step, exit 3, no stack trace. */
    @Test
    void aNanLossStopsTheRunNamingTheStep(@TempDir Path root) throws Exception {
        Path shard = DATA.resolve("door-human-v0").resolve("door-human-v0_0.tfrecord");
        assumeTrue(Files.isRegularFile(shard), "IBC test data not found at " + shard.toAbsolutePath());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = TrainCommand.run(new String[] {"--gin_file=configs/d4rl/mlp_mdn.gin", "--task=door-human-v0",
                "--skip_eval", "--progress=log", "--gin_bindings=train_eval.dataset_path='" + shard + "'",
                "--gin_bindings=train_eval.root_dir='" + root + "'", "--gin_bindings=train_eval.num_iterations = 20",
                "--gin_bindings=train_eval.fused_train_steps = 5", "--gin_bindings=train_eval.replay_capacity = 64",
                "--gin_bindings=get_normalizers.num_samples = 64", "--gin_bindings=MLPMDN.width = 16",
                "--gin_bindings=train_eval.batch_size = 64"}, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(3, rc, e);
        assertTrue(e.startsWith("train: training stopped at step 3: train step 3: total_loss is NaN (train step 3: "
                + "per_example_loss has 28 non-finite values; first NaN at [0])"), e);
        assertTrue(e.contains("; no checkpoint was written before it"), e);
        assertTrue(!e.contains("Exception") && !e.contains("\tat "), e);
    }

    @Test
    void pushingStatesMdnTrainsOnPushRecords(@TempDir Path root) throws Exception {
        Path spec = DATA.resolve("PUSH").resolve("oracle_push_0.tfrecord.spec");
        assumeTrue(Files.isRegularFile(spec), "IBC test data not found at " + spec.toAbsolutePath());
        Path shard = root.resolve("data").resolve("oracle_push_0.tfrecord");
        writePushShard(shard, SpecFile.read(spec), 6, 12);
        List<Float> loss = train(root.resolve("run"), "configs/pushing_states/mlp_mdn_best.gin", "PUSH", shard,
                "MLPMDN.width = 16", "MLPMDN.depth = 2", "train_eval.batch_size = 64",
                "get_normalizers.num_samples = 64");
        assertDecreasing(loss);
    }

    private static List<Float> train(Path root, String config, String task, Path shard, String... extra)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("--gin_file=" + config, "--task=" + task, "--skip_eval",
                "--progress=log", "--gin_bindings=train_eval.dataset_path='" + shard + "'",
                "--gin_bindings=train_eval.root_dir='" + root + "'", "--gin_bindings=train_eval.num_iterations = 20",
                "--gin_bindings=train_eval.fused_train_steps = 1", "--gin_bindings=train_eval.replay_capacity = 64"));
        for (String e : extra) {
            args.add("--gin_bindings=" + e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = TrainCommand.run(args.toArray(new String[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        Map<String, List<TensorBoardReader.Scalar>> s = TensorBoardReader.readScalars(root.resolve("train"));
        List<TensorBoardReader.Scalar> loss = s.get("reduced_loss");
        assertEquals(java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList(),
                loss.stream().map(TensorBoardReader.Scalar::step).toList());
        assertEquals(loss.stream().map(TensorBoardReader.Scalar::value).toList(),
                s.get("Losses/mdn_total_loss").stream().map(TensorBoardReader.Scalar::value).toList());
        return loss.stream().map(TensorBoardReader.Scalar::value).toList();
    }

    /** Finite, and the mean of steps 16-20 below that of steps 1-5 (one batch per step is noisy). */
    private static void assertDecreasing(List<Float> loss) {
        assertTrue(loss.stream().allMatch(Float::isFinite), "finite losses: " + loss);
        double first = loss.subList(0, 5).stream().mapToDouble(Float::doubleValue).average().orElseThrow();
        double last = loss.subList(15, 20).stream().mapToDouble(Float::doubleValue).average().orElseThrow();
        assertTrue(last < first, "mean loss of steps 16-20 " + last + " not below steps 1-5 " + first + ": " + loss);
    }

    /**
     * {@code episodes} episodes of {@code steps} steps with the PUSH spec's observation keys and sizes; the block
     * moves toward the target and the action is the effector's move, a function of the observation plus noise.
     */
    static void writePushShard(Path path, SpecNode spec, int episodes, int steps) throws IOException {
        Files.createDirectories(path.getParent());
        SpecNode.Dict obsSpec = (SpecNode.Dict) ((SpecNode.NamedTuple) spec).field("observation");
        Random r = new Random(5);
        try (TFRecordObserver o = new TFRecordObserver(path, spec)) {
            for (int e = 0; e < episodes; e++) {
                float[] block = {(float) r.nextGaussian() * 0.1f, (float) r.nextGaussian() * 0.1f - 0.3f};
                float[] target = {(float) r.nextGaussian() * 0.1f, (float) r.nextGaussian() * 0.1f + 0.2f};
                float[] eff = {block[0] + 0.05f, block[1] - 0.1f};
                for (int t = 0; t <= steps; t++) {
                    SortedMap<String, float[]> obs = new TreeMap<>();
                    float[] act = new float[2];
                    for (int i = 0; i < 2; i++) {
                        act[i] = 0.3f * (target[i] - eff[i]) + 0.01f * (float) r.nextGaussian();
                    }
                    for (Map.Entry<String, SpecNode> f : obsSpec.fields().entrySet()) {
                        int n = ((TensorSpec) f.getValue()).size();
                        float[] v = switch (f.getKey()) {
                            case "block_translation" -> block.clone();
                            case "target_translation" -> target.clone();
                            case "effector_translation", "effector_target_translation" -> eff.clone();
                            default -> new float[] {(float) (0.1 * t)};
                        };
                        obs.put(f.getKey(), java.util.Arrays.copyOf(v, n));
                    }
                    int type = t == 0 ? TrajectoryStep.FIRST : t == steps ? TrajectoryStep.LAST : TrajectoryStep.MID;
                    int next = type == TrajectoryStep.LAST ? TrajectoryStep.FIRST
                            : t + 1 == steps ? TrajectoryStep.LAST : TrajectoryStep.MID;
                    o.write(new TrajectoryStep(type, obs, act, next, next == TrajectoryStep.LAST ? 1f : 0f,
                            next == TrajectoryStep.LAST ? 0f : 1f));
                    for (int i = 0; i < 2; i++) {
                        eff[i] += act[i];
                        block[i] += 0.5f * act[i];
                    }
                }
            }
        }
    }
}
