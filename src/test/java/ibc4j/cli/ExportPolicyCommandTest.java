package ibc4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.agents.IbcPolicy;
import ibc4j.agents.Observations;
import ibc4j.configurables.IbcConfigurables;
import ibc4j.gin.GinConfig;
import ibc4j.optimizers.ExponentialDecay;
import ibc4j.agents.policy.PortableNoise;
import ibc4j.runtime.NoiseSource;
import ibc4j.train.AgentKinds;
import ibc4j.train.CheckpointStore;
import ibc4j.train.RunInvocation;
import ibc4j.train.TrainCheckpoint;
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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code ibc4j export-policy} on a tiny particle run: the written model, restored, acts exactly as the policy
 * {@code eval} rebuilds from the same checkpoint (same noise seed); user mistakes exit 2 with one clear line.
 */
class ExportPolicyCommandTest {
    private static final String TINY = String.join("\n",
            "train_eval.loss_type = 'ebm'",
            "train_eval.network = 'MLPEBM'",
            "train_eval.batch_size = 8",
            "ImplicitBCAgent.num_counter_examples = 4",
            "train_eval.num_iterations = 4",
            "train_eval.replay_capacity = 64",
            "train_eval.eval_interval = 4",
            "train_eval.fused_train_steps = 2",
            "train_eval.eval_episodes = 1",
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
            "langevin_actions_given_obs.num_iterations = 5",
            "ParticleEnv.n_steps = 5",
            "");

    @TempDir
    static Path shared;
    private static Path run;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void trainATinyRun() throws Exception {
        Path gin = shared.resolve("tiny.gin");
        Files.writeString(gin, TINY);
        Path data = shared.resolve("data/2d_oracle_particle.tfrecord");
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        assertEquals(0, CollectCommand.run(new String[] {"--num_episodes=4", "--replicas=2", "--seed=0",
                "--dataset_path=" + data, "--gin_bindings=ParticleEnv.n_dim=2"}, new PrintStream(sink), System.err));
        String dataset = data.getParent().resolve("2d_oracle_particle_*.tfrecord").toString();
        assertEquals(0, TrainCommand.run(new String[] {"--gin_file=" + gin, "--task=PARTICLE", "--progress=log",
                "--tag=t", "--checkpoint_interval=4", "--gin_bindings=train_eval.dataset_path='" + dataset + "'",
                "--gin_bindings=train_eval.root_dir='" + shared.resolve("runs") + "'"}, new PrintStream(sink),
                System.err));
        run = shared.resolve("runs/t");
    }

    private int export(String... args) {
        return ExportPolicyCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** The policy {@code eval} evaluates at that checkpoint. */
    private static IbcPolicy evalPolicy(Path ckptFile) throws Exception {
        CheckpointStore.Checkpoint ckpt = CheckpointStore.load(ckptFile);
        RunInvocation inv = RunInvocation.fromCheckpointMeta(ckpt.meta()).orElseThrow();
        GinConfig gin = inv.gin(IbcConfigurables.registry(), List.of());
        TrainCheckpoint.State s = TrainCheckpoint.fromCheckpoint(ckpt, new ExponentialDecay(1e-3f, 100, 0.99f));
        return (IbcPolicy) AgentKinds.of("ebm", "MLPEBM").policy(gin, 16, s);
    }

    @Test
    void theExportedModelActsAsTheEvaluatedPolicy() throws Exception {
        Path model = shared.resolve("policy.zip");
        assertEquals(0, export("--root_dir=" + run, "--step=4", "--out=" + model, "--noise_seed=7"), err.toString());
        assertTrue(out.toString().contains("[B, 16]: raw observations, 2 frames oldest first, each pos_agent 2, "
                + "pos_first_goal 2, pos_second_goal 2, vel_agent 2"), out.toString());
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(model.toFile(), false);
        IbcPolicy policy = evalPolicy(run.resolve("train/checkpoints/ckpt-4.zip"));
        NoiseSource noise = new PortableNoise(7);
        Nd4j.getRandom().setSeed(3);
        for (int call = 0; call < 2; call++) {
            Map<String, INDArray> obs = new TreeMap<>();
            for (String k : List.of("pos_agent", "pos_first_goal", "pos_second_goal", "vel_agent")) {
                obs.put(k, Nd4j.rand(DataType.FLOAT, 1, 2, 2));
            }
            float[] expected = policy.action(obs, noise).dup('c').data().asFloat();
            float[] got = restored.outputSingle(Observations.flatten(obs)).dup('c').data().asFloat();
            assertArrayEquals(expected, got, 0f, "call " + call);
        }
    }

    @Test
    void anMseRunExportsItsDeterministicPolicy() throws Exception {
        Path gin = shared.resolve("mse.gin");
        Files.writeString(gin, String.join("\n", "train_eval.loss_type = 'mse'", "train_eval.network = 'MLPMSE'",
                "train_eval.batch_size = 8", "train_eval.num_iterations = 2", "train_eval.replay_capacity = 64",
                "train_eval.eval_interval = 2", "train_eval.eval_episodes = 1", "train_eval.fused_train_steps = 2",
                "get_normalizers.num_samples = 200", "get_normalizers.nested_obs = True",
                "MLPMSE.layers = 'ResNetPreActivation'", "MLPMSE.width = 16", "MLPMSE.rate = 0.1",
                "ParticleEnv.n_steps = 5", ""));
        String dataset = shared.resolve("data/2d_oracle_particle_*.tfrecord").toString();
        assertEquals(0, TrainCommand.run(new String[] {"--gin_file=" + gin, "--task=PARTICLE", "--progress=log",
                "--tag=mse", "--checkpoint_interval=2", "--gin_bindings=train_eval.dataset_path='" + dataset + "'",
                "--gin_bindings=train_eval.root_dir='" + shared.resolve("runs") + "'"},
                new PrintStream(new ByteArrayOutputStream()), System.err));
        Path mseRun = shared.resolve("runs/mse");
        Path model = shared.resolve("mse.zip");
        assertEquals(0, export("--root_dir=" + mseRun, "--step=2", "--out=" + model), err.toString());
        assertTrue(out.toString().contains("MSE policy (deterministic)"), out.toString());

        CheckpointStore.Checkpoint ckpt = CheckpointStore.load(mseRun.resolve("train/checkpoints/ckpt-2.zip"));
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
        assertArrayEquals(policy.action(obs, null).dup('c').data().asFloat(),
                restored.outputSingle(Observations.flatten(obs)).dup('c').data().asFloat(), 0f);
    }

    @Test
    void mistakesExit2WithOneClearLine() throws Exception {
        Path model = shared.resolve("exists.zip");
        Files.writeString(model, "x");
        assertRefused(export("--root_dir=" + run, "--out=" + model), "exists; pass --overwrite");
        assertRefused(export("--root_dir=" + run, "--step=99", "--out=" + shared.resolve("p99.zip")),
                "no saved policy or checkpoint at step 99");
        assertRefused(export("--root_dir=" + shared.resolve("nope"), "--out=" + shared.resolve("p.zip")),
                "does not exist");
        assertRefused(export("--root_dir=" + run), "Missing required option: out");
        assertRefused(export("--root_dir=" + run, "--out=" + shared.resolve("p.zip"), "--noise_seed=x"),
                "--noise_seed=x: expected an integer");
        assertRefused(export("--root_dir=" + run, "--out=" + shared.resolve("no/dir/p.zip")), "does not exist");
        assertFalse(Files.exists(shared.resolve("p.zip")));
    }

    private void assertRefused(int rc, String expected) {
        String e = err.toString();
        assertEquals(2, rc, e);
        assertTrue(e.contains(expected), e);
        assertFalse(e.contains("\tat "), "no stack trace: " + e);
        err.reset();
    }
}
