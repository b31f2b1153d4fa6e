package ibc4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.agents.Observations;
import ibc4j.configurables.IbcConfigurables;
import ibc4j.gin.GinConfig;
import ibc4j.networks.MLPMDN;
import ibc4j.networks.MLPMSE;
import ibc4j.optimizers.ExponentialDecay;
import ibc4j.train.AgentKinds;
import ibc4j.train.CheckpointStore;
import ibc4j.train.RunInvocation;
import ibc4j.train.TrainCheckpoint;
import ibc4j.train.TensorBoardReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * MLPMSE and MLPMDN train with {@code ResNetLayer.normalizer} through {@code ibc4j train}; a run stopped after 4
 * steps and resumed ends bit for bit where a straight run does: the moving statistics travel in the checkpointed
 * parameters, and have moved (BatchNormalization) during training.
 */
class ResNetNormalizerResumeTest {
    @TempDir
    static Path shared;
    private static String dataset;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void collectData() {
        Path data = shared.resolve("data/2d_oracle_particle.tfrecord");
        assertEquals(0, CollectCommand.run(new String[] {"--num_episodes=4", "--replicas=1", "--seed=0",
                "--dataset_path=" + data, "--gin_bindings=ParticleEnv.n_dim=2"}, new PrintStream(
                new ByteArrayOutputStream()), System.err));
        dataset = data.getParent().resolve("2d_oracle_particle*.tfrecord").toString();
    }

    private static String gin(String kind, String normalizer) {
        String net = kind.equals("mse") ? "MLPMSE" : "MLPMDN";
        return String.join("\n",
                "train_eval.loss_type = '" + kind + "'",
                "train_eval.network = '" + net + "'",
                "train_eval.batch_size = 8",
                "train_eval.num_iterations = 8",
                "train_eval.replay_capacity = 64",
                "train_eval.eval_interval = 8",
                "train_eval.fused_train_steps = 2",
                "train_eval.seed = 0",
                "train_eval.sequence_length = 2",
                "get_normalizers.nested_obs = True",
                "get_normalizers.num_samples = 100",
                net + ".layers = 'ResNetPreActivation'",
                net + ".width = 16",
                net + ".depth = 2",
                net + ".rate = 0.1",
                kind.equals("mdn") ? "MLPMDN.num_components = 3" : "",
                "ResNetLayer.normalizer = '" + normalizer + "'",
                "");
    }

    private int run(String... args) {
        return TrainCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private int train(Path gin, Path root, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("--gin_file=" + gin, "--task=PARTICLE",
                "--progress=log", "--skip_eval", "--checkpoint_interval=4",
                "--gin_bindings=train_eval.dataset_path='" + dataset + "'",
                "--gin_bindings=train_eval.root_dir='" + root + "'"));
        args.addAll(List.of(extra));
        return run(args.toArray(String[]::new));
    }

    @ParameterizedTest
    @CsvSource({"mse,Batch", "mdn,Layer", "mse,Layer", "mdn,Batch"})
    void stoppedAndResumedEqualsOneRun(String kind, String normalizer, @TempDir Path dir) throws Exception {
        Path gin = dir.resolve("tiny.gin");
        Files.writeString(gin, gin(kind, normalizer));
        assertEquals(0, train(gin, dir, "--tag=straight"), err.toString());
        assertEquals(0, train(gin, dir, "--tag=resumed", "--stop_after=4"), err.toString());
        Path resumed = dir.resolve("resumed");
        assertFalse(Files.exists(resumed.resolve("train/checkpoints/ckpt-8.zip")), "stopped after 4 steps");
        assertEquals(0, run("--resume=" + resumed, "--progress=log", "--checkpoint_interval=4"), err.toString());
        Map<String, INDArray> a = CheckpointStore.load(dir.resolve("straight/train/checkpoints/ckpt-8.zip"))
                .arrays();
        Map<String, INDArray> b = CheckpointStore.load(resumed.resolve("train/checkpoints/ckpt-8.zip")).arrays();
        for (String k : List.of("params", "adam_m", "adam_v")) {
            assertArrayEquals(a.get(k).data().asFloat(), b.get(k).data().asFloat(), 0f, k + ": bit for bit");
        }
        List<TensorBoardReader.Scalar> losses = TensorBoardReader.readScalars(dir.resolve("straight/train"))
                .get("reduced_loss");
        assertEquals(4, losses.size(), "one per fused call of 2 steps");
        assertTrue(losses.stream().allMatch(s -> Float.isFinite(s.value())), losses.toString());

        // The checkpointed parameters are the normalized network's (16 obs values, 2 actions), statistics included.
        Map<String, INDArray> views;
        if (kind.equals("mse")) {
            MLPMSE net = MLPMSE.create(new MLPMSE.Config(16, 2, 0.1, "ResNetPreActivation", normalizer), 16, 2, 0);
            net.graph().params().assign(a.get("params").reshape(net.graph().params().shape()));
            views = net.params();
        } else {
            MLPMDN net = MLPMDN.create(new MLPMDN.Config(16, 2, 0.1, "ResNetPreActivation", 3, 2.5, 2.5, 1.0,
                    normalizer), 16, 2, 0);
            net.graph().params().assign(a.get("params").reshape(net.graph().params().shape()));
            views = net.params();
        }
        assertEquals(normalizer.equals("Batch"), views.containsKey("block_norm1_moving_mean"));
        if (normalizer.equals("Batch")) {
            // 8 training calls from 0: |m| = |Σ 0.01·0.99^k·μ_k|, clearly non-zero for these inputs.
            assertTrue(views.get("block_norm1_moving_mean").amaxNumber().doubleValue() > 1e-3,
                    views.get("block_norm1_moving_mean").toString());
            assertTrue(views.get("block_norm2_moving_variance").sub(1).amaxNumber().doubleValue() > 1e-3);
        }
        assertTrue(views.get("block_norm1_gamma").sub(1).amaxNumber().doubleValue() > 0, "γ trained");
    }

    /** The exported MSE policy carries the moving statistics: it acts as the run's policy, bit for bit. */
    @Test
    void anExportedBatchNormalizedMsePolicyActsAsTheRunsPolicy(@TempDir Path dir) throws Exception {
        Path gin = dir.resolve("tiny.gin");
        Files.writeString(gin, gin("mse", "Batch"));
        assertEquals(0, train(gin, dir, "--tag=mse"), err.toString());
        Path model = dir.resolve("mse.zip");
        assertEquals(0, ExportPolicyCommand.run(new String[] {"--root_dir=" + dir.resolve("mse"), "--step=8",
                "--out=" + model}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)), err.toString());
        CheckpointStore.Checkpoint ckpt = CheckpointStore.load(dir.resolve("mse/train/checkpoints/ckpt-8.zip"));
        GinConfig g = RunInvocation.fromCheckpointMeta(ckpt.meta()).orElseThrow()
                .gin(IbcConfigurables.registry(), List.of());
        TrainCheckpoint.State s = TrainCheckpoint.fromCheckpoint(ckpt, new ExponentialDecay(1e-3f, 100, 0.99f));
        ibc4j.agents.BcPolicy policy = AgentKinds.of("mse", "MLPMSE").policy(g, 16, s);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(model.toFile(), false);
        Nd4j.getRandom().setSeed(5);
        Map<String, INDArray> obs = new TreeMap<>();
        for (String k : List.of("pos_agent", "pos_first_goal", "pos_second_goal", "vel_agent")) {
            obs.put(k, Nd4j.rand(DataType.FLOAT, 3, 2, 2));
        }
        INDArray a = policy.action(obs, null);
        assertArrayEquals(a.dup('c').data().asFloat(),
                restored.outputSingle(Observations.flatten(obs)).dup('c').data().asFloat(), 0f);
        // Inference normalizes with the moving statistics, so one row's action does not depend on the others.
        Map<String, INDArray> first = new TreeMap<>();
        obs.forEach((k, v) -> first.put(k, v.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1)).dup()));
        assertArrayEquals(a.getRow(0).dup().data().asFloat(), policy.action(first, null).reshape(-1).dup()
                .data().asFloat(), 0f);
    }
}
