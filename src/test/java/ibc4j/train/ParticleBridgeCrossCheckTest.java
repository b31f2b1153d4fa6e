package ibc4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ibc4j.agents.BcPolicy;
import ibc4j.cli.CollectCommand;
import ibc4j.cli.TrainCommand;
import ibc4j.environments.bridge.BridgeEnv;
import ibc4j.environments.bridge.BridgeOptions;
import ibc4j.environments.particle.ParticleEnv;
import ibc4j.environments.particle.ParticleMetrics;
import ibc4j.environments.particle.ParticleObservation;
import ibc4j.environments.particle.ParticleOracle;
import ibc4j.environments.particle.StreamingMetric;
import ibc4j.gin.GinConfig;
import ibc4j.optimizers.ExponentialDecay;
import ibc4j.runtime.Seeds;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IBC's Python particle env (through the bridge) against ibc4j's Java particle env, on the same seeds with the
 * same actions: every observation bit for bit, every reward and step type, and IBC's per-episode metrics
 * computed by IBC's code against ibc4j's. Needs the real stack, so CI skips it; run it with
 * {@code IBC4J_BRIDGE_PYTHON=<venv>/bin/python IBC4J_IBC_ROOT=<checkout> mvn -o test
 * -Dtest=ParticleBridgeCrossCheckTest} (docs/environments.md has the recorded run).
 */
class ParticleBridgeCrossCheckTest {
    private BridgeOptions options;

    @BeforeEach
    void needsTheRealStack() {
        String python = System.getenv("IBC4J_BRIDGE_PYTHON");
        String root = System.getenv("IBC4J_IBC_ROOT");
        Assumptions.assumeTrue(python != null && root != null,
                "set IBC4J_BRIDGE_PYTHON and IBC4J_IBC_ROOT to cross-check against IBC's particle env");
        options = BridgeOptions.ibc(python, Path.of(root), List.of("PARTICLE"));
    }

    /** The Java oracle drives both envs in lockstep on seeds 0..19: observations, rewards and metrics agree exactly. */
    @Test
    void oracleEpisodesAgreeBitForBit() {
        int episodes = 20;
        ParticleEnv java = ParticleEnv.builder().build();
        try (BridgeEnv ibc = new BridgeEnv(options, "PARTICLE", false, null, null, List.of())) {
            for (int seed = 0; seed < episodes; seed++) {
                ParticleMetrics javaMetrics = java.getMetrics(1);
                StreamingMetric javaReturn = StreamingMetric.averageReturn(1);
                ibc.metricsReset(1);
                java.seed((long) seed);
                ibc.seed(seed);
                ParticleObservation obs = java.reset();
                BridgeEnv.TimeStep ts = ibc.reset();
                assertSame(obs, ts, seed, 0);
                ParticleOracle oracle = new ParticleOracle(java);
                boolean first = true;
                int t = 0;
                while (!ts.isLast()) {
                    float[] action = oracle.action(obs, first);
                    first = false;
                    ParticleEnv.Step s = java.step(action);
                    ts = ibc.step(action);
                    t++;
                    javaMetrics.observe(s.reward(), s.done());
                    javaReturn.observe(s.reward(), s.done());
                    obs = s.observation();
                    assertSame(obs, ts, seed, t);
                    assertEquals(s.reward(), ts.reward(), "reward, seed " + seed + " step " + t);
                    assertEquals(s.done(), ts.isLast(), "done, seed " + seed + " step " + t);
                }
                Map<String, Float> m = ibc.metrics();
                assertEquals(javaReturn.result(), m.get("AverageReturn"), "return, seed " + seed);
                assertEquals((float) t, m.get("AverageEpisodeLength"), "length, seed " + seed);
                for (StreamingMetric jm : javaMetrics.all()) {
                    assertEquals(jm.result(), m.get(jm.name()), jm.name() + ", seed " + seed);
                }
            }
        }
    }

    /** A trained policy evaluated by EvalActor (Java env) and BridgeEval (IBC's env): the same metrics. */
    @Test
    void trainedPolicyGivesTheSameEvaluation(@TempDir Path dir) throws Exception {
        Path gin = dir.resolve("tiny.gin");
        Files.writeString(gin, String.join("\n", "train_eval.loss_type = 'ebm'", "train_eval.network = 'MLPEBM'",
                "train_eval.batch_size = 16", "ImplicitBCAgent.num_counter_examples = 8",
                "train_eval.num_iterations = 40", "train_eval.replay_capacity = 256", "train_eval.eval_interval = 1000",
                "train_eval.fused_train_steps = 10", "train_eval.sequence_length = 2",
                "IbcPolicy.num_action_samples = 64", "get_normalizers.nested_obs = True",
                "get_normalizers.num_samples = 200", "compute_dataset_statistics.min_max_actions = True",
                "MLPEBM.layers = 'ResNetPreActivation'", "MLPEBM.width = 32", "MLPEBM.depth = 2", "MLPEBM.rate = 0.0",
                "ImplicitBCAgent.compute_mse = True", "langevin_actions_given_obs.num_iterations = 10", ""));
        Path data = dir.resolve("data").resolve("p.tfrecord");
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        assertEquals(0, CollectCommand.run(new String[] {"--num_episodes=20", "--seed=0", "--dataset_path=" + data},
                quiet, System.err));
        Path run = dir.resolve("run");
        assertEquals(0, TrainCommand.run(new String[] {"--gin_file=" + gin, "--task=PARTICLE", "--skip_eval=True",
                "--progress=log", "--gin_bindings=train_eval.dataset_path='" + data + "'",
                "--gin_bindings=train_eval.root_dir='" + run + "'"}, quiet, System.err));
        Path ckpt = new CheckpointStore(run.resolve("train").resolve("checkpoints"), 3).list().get(0);
        TrainCheckpoint.State s = TrainCheckpoint.fromCheckpoint(CheckpointStore.load(ckpt),
                new ExponentialDecay(1e-3f, 100, 0.99f));
        GinConfig g = RunInvocation.read(run).gin(ibc4j.configurables.IbcConfigurables.registry(), List.of());
        BcPolicy policy = AgentKinds.of("ebm", "MLPEBM").policy(g, 16, s);
        int episodes = 10;
        long noise = new Seeds(s.seed()).derive("eval_noise", s.step());
        EvalActor.Result javaResult = new EvalActor(ParticleEnv.builder().build(), 2, policy::action)
                .evaluate(episodes, noise, null, n -> { });
        try (BridgeEval bridge = BridgeEval.open(options, "PARTICLE", 2, 0.02)) {
            EvalActor.Result ibcResult = bridge.evaluate(policy::action, s.norm().obsNorm().keySet(), episodes, noise,
                    n -> { });
            System.out.println("Java env: " + javaResult.metrics());
            System.out.println("IBC env:  " + ibcResult.metrics());
            assertEquals(javaResult.metrics(), ibcResult.metrics());
        }
    }

    private static void assertSame(ParticleObservation java, BridgeEnv.TimeStep ibc, int seed, int step) {
        Map<String, float[]> o = ibc.floatObservation();
        for (String k : ParticleObservation.KEYS) {
            assertArrayEquals(bits(java.get(k)), bits(o.get(k)), k + ", seed " + seed + " step " + step);
        }
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }
}
