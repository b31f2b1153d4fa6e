package ibc4j.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.configurables.IbcConfigurables;
import ibc4j.data.TensorSpec;
import ibc4j.gin.GinConfig;
import ibc4j.losses.MseLoss;
import ibc4j.networks.MLPMSE;
import ibc4j.networks.layers.KerasDropout;
import ibc4j.normalizers.Normalizers;
import ibc4j.optimizers.ExponentialDecay;
import ibc4j.optimizers.KerasAdam;
import ibc4j.runtime.NoiseSource;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link MseAgent} and {@link MsePolicy} on tiny networks: they learn, they replay noise, they stop on NaN. */
class MseAgentTest {
    private static MLPMSE tinyNet(long seed, Object denorm) {
        return MLPMSE.create(MLPMSE.Config.particle().withWidth(32), 2, 1, seed, denorm, WorkspaceMode.ENABLED);
    }

    private static KerasAdam adam(MLPMSE net, float lr) {
        return new KerasAdam(new ExponentialDecay(lr, 100, 0.99f), net.graph().numParams());
    }

    /** Toy behaviour: a = 0.8·tanh(2·o0 − o1). */
    private static INDArray[] toyBatch(int b, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[][] obs = new float[b][2];
        float[][] act = new float[b][1];
        for (int i = 0; i < b; i++) {
            obs[i][0] = (float) r.nextGaussian();
            obs[i][1] = (float) r.nextGaussian();
            act[i][0] = (float) (0.8 * Math.tanh(2 * obs[i][0] - obs[i][1]));
        }
        return new INDArray[] {Nd4j.createFromArray(obs), Nd4j.createFromArray(act)};
    }

    @Test
    void trainingFitsTheBehaviour() {
        MLPMSE net = tinyNet(3, null);
        BcAgent agent = MseAgent.create(net, adam(net, 1e-2f), null, null);
        INDArray[] batch = toyBatch(128, 11);
        // Dropout off for the yardstick: the inference output's MSE.
        float before = MseLoss.compute(net.outputNormalized(batch[0]), batch[1]).total();
        NoiseSource noise = NoiseSource.seeded(7);
        BcAgent.Step last = null;
        for (int step = 0; step < 150; step++) {
            last = agent.train(batch[0], batch[1], noise);
            assertEquals(step, last.step());
        }
        float after = MseLoss.compute(net.outputNormalized(batch[0]), batch[1]).total();
        assertEquals(150, agent.trainStep());
        assertEquals(150, agent.optimizer().iterations());
        assertEquals(Map.of("Losses/mse_total_loss", last.totalLoss()), last.summaries());
        // The targets' variance is ~0.3 and the untrained output ~0; a fitted net explains most of it.
        assertTrue(after < 0.2f * before, "MSE before " + before + ", after " + after);
    }

    @Test
    void aStepIsTheLossOfOneDropoutPassAndOneAdamUpdate() {
        MLPMSE net = tinyNet(5, null);
        MseAgent agent = MseAgent.create(net, adam(net, 1e-3f), null, null);
        INDArray[] batch = toyBatch(16, 2);
        java.util.List<INDArray> draws = List.of(Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 16, 32),
                Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 16, 32));
        INDArray y;
        try (KerasDropout.Binding s = net.dropoutNoise(NoiseSource.replay(draws, List.of()))) {
            y = net.call(batch[0], true);
        }
        MseLoss.Result expected = MseLoss.compute(y, batch[1]);
        INDArray before = net.graph().params().dup();
        MseAgent.TrainStep step = agent.train(batch[0], batch[1], NoiseSource.replay(draws, List.of()));
        assertEquals(y, step.loss().predictions(), "the same replayed masks give the same output");
        assertEquals(expected.total(), step.totalLoss());
        assertEquals(expected.perExample(), step.loss().perExampleLoss());
        // Adam's first step is sign-like: every weight with a clear gradient moves by ≈ lr.
        INDArray moved = net.graph().params().sub(before);
        assertEquals(1e-3, moved.amaxNumber().doubleValue(), 1e-4);
        assertEquals(1, agent.trainStep());
        assertThrows(IllegalStateException.class, () -> agent.train(batch[0], batch[1],
                NoiseSource.replay(draws.subList(0, 1), List.of())), "a missing draw is an error, not new noise");
    }

    @Test
    void aNonFiniteLossStopsTrainingNamingTheStep() {
        MLPMSE net = tinyNet(3, null);
        MseAgent agent = MseAgent.create(net, adam(net, 1e-3f), null, null);
        INDArray[] batch = toyBatch(8, 1);
        agent.train(batch[0], batch[1], NoiseSource.seeded(1));
        INDArray before = net.graph().params().dup();
        batch[1].putScalar(3, 0, Float.NaN);
        NonFiniteException e = assertThrows(NonFiniteException.class,
                () -> agent.train(batch[0], batch[1], NoiseSource.seeded(1)));
        assertEquals(1, e.step());
        assertEquals("total_loss", e.tensor());
        assertTrue(e.getMessage().contains("per_example_loss has 1 non-finite value; first NaN at [3]"),
                e.getMessage());
        assertEquals(before, net.graph().params(), "no update after a non-finite loss");
        assertEquals(1, agent.trainStep());
    }

    @Test
    void ginMakesItWithIbcsParameters() {
        MLPMSE net = tinyNet(2, null);
        Map<String, Object> args = new HashMap<>();
        args.put("time_step_spec", null);
        args.put("action_spec", TensorSpec.bounded("action", -1f, 1f, 1));
        args.put("action_sampling_spec", null);
        args.put("cloning_network", net);
        args.put("optimizer", adam(net, 1e-3f));
        GinConfig gin = IbcConfigurables.newGinConfig();
        gin.parse("MseBehavioralCloningAgent.train_step_counter = 7", "test");
        MseAgent agent = gin.make(MseAgent.class, args);
        assertEquals(7, agent.trainStep());
        assertEquals(net.graph().params(), agent.flatParams());
    }

    @Test
    void policyNormalizesDenormalizesAndClips() {
        Normalizers.Std actNorm = new Normalizers.Std(new float[] {0.5f}, new float[] {4f});
        MLPMSE net = MLPMSE.create(MLPMSE.Config.particle().withWidth(16), 4, 1, 9, actNorm,
                WorkspaceMode.ENABLED);
        net.graph().params().muli(6f); // spread the outputs beyond [0, 1] after denorm
        Map<String, Normalizers.Std> obsNorm = new LinkedHashMap<>();
        obsNorm.put("b", new Normalizers.Std(new float[] {1f}, new float[] {2f}));
        obsNorm.put("a", new Normalizers.Std(new float[] {-1f}, new float[] {0.5f}));
        BcPolicy policy = MseAgent.create(net, adam(net, 1e-3f), TensorSpec.bounded("action", 0f, 1f, 1), obsNorm)
                .policy();
        Map<String, INDArray> raw = new LinkedHashMap<>();
        raw.put("b", Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 20, 2, 1).muli(6).subi(3));
        raw.put("a", Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 20, 2, 1).muli(6).subi(3));
        INDArray action = policy.action(raw, NoiseSource.nd4jGlobal());
        // By hand: keys sorted (a, b), time-major: [a0, b0, a1, b1]; z-score; network; y·4 + 0.5; clip to [0, 1].
        INDArray obs = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, 20, 4);
        for (int i = 0; i < 20; i++) {
            for (int t = 0; t < 2; t++) {
                obs.putScalar(i, 2 * t, (raw.get("a").getFloat(i, t, 0) - -1f) / 0.5f);
                obs.putScalar(i, 2 * t + 1, (raw.get("b").getFloat(i, t, 0) - 1f) / 2f);
            }
        }
        INDArray y = net.outputNormalized(obs);
        int clipped = 0;
        for (int i = 0; i < 20; i++) {
            float mode = y.getFloat(i, 0) * 4f + 0.5f;
            clipped += mode < 0 || mode > 1 ? 1 : 0;
            assertEquals(Math.min(Math.max(mode, 0f), 1f), action.getFloat(i, 0), "row " + i);
        }
        assertTrue(clipped > 0 && clipped < 20, "the test should exercise the clip on some rows: " + clipped);
        assertNotEquals(null, ((MsePolicy) policy).network());
    }
}
