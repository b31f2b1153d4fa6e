package ibc4j.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.configurables.IbcConfigurables;
import ibc4j.data.TensorSpec;
import ibc4j.gin.GinConfig;
import ibc4j.losses.MdnLoss;
import ibc4j.networks.GaussianMixture;
import ibc4j.networks.MLPMDN;
import ibc4j.networks.layers.KerasDropout;
import ibc4j.normalizers.Normalizers;
import ibc4j.optimizers.ExponentialDecay;
import ibc4j.optimizers.KerasAdam;
import ibc4j.runtime.NoiseSource;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link MdnAgent}, {@link MLPMDN} and {@link MdnPolicy} on tiny networks. */
class MdnAgentTest {
    private static final MLPMDN.Config TINY = new MLPMDN.Config(32, 2, 0.1, "ResNetPreActivation", 4, 2.5, 1.5,
            0.5);

    private static KerasAdam adam(MLPMDN net, float lr) {
        return new KerasAdam(new ExponentialDecay(lr, 100, 0.99f), net.graph().numParams());
    }

    /** Bimodal behaviour: a = ±0.8 (by the sign of o0·o1) + 0.1·o0. */
    private static INDArray[] toyBatch(int b, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[][] obs = new float[b][2];
        float[][] act = new float[b][1];
        for (int i = 0; i < b; i++) {
            obs[i][0] = (float) r.nextGaussian();
            obs[i][1] = (float) r.nextGaussian();
            act[i][0] = (float) ((obs[i][0] * obs[i][1] > 0 ? 0.8 : -0.8) + 0.1 * obs[i][0]);
        }
        return new INDArray[] {Nd4j.createFromArray(obs), Nd4j.createFromArray(act)};
    }

    private static float nll(MLPMDN net, INDArray[] batch) {
        INDArray[] out = net.graph().output(false, batch[0]); // dropout off, training temperature below
        return MdnLoss.compute(net.head(), out[0], out[1], out[2], batch[1]).total();
    }

    @Test
    void trainingLowersTheNegativeLogLikelihood() {
        MLPMDN net = MLPMDN.create(TINY, 2, 1, 3);
        BcAgent agent = MdnAgent.create(net, adam(net, 1e-2f), null, null);
        INDArray[] batch = toyBatch(128, 11);
        float before = nll(net, batch);
        BcAgent.Step last = null;
        NoiseSource noise = NoiseSource.seeded(7);
        for (int step = 0; step < 100; step++) {
            last = agent.train(batch[0], batch[1], noise);
            assertEquals(step, last.step());
        }
        float after = nll(net, batch);
        assertEquals(Map.of("Losses/mdn_total_loss", last.totalLoss()), last.summaries());
        assertEquals(100, agent.optimizer().iterations());
        // Untrained: N(~0, ~1) for targets near ±0.8 gives ≈ 1.25 nats; fitted modes of width ~0.1 give < 0.
        assertTrue(before > 1.0f && after < 0.0f, "NLL before " + before + ", after " + after);
    }

    @Test
    void aStepIsTheLossOfOneDropoutPassAndOneAdamUpdate() {
        MLPMDN net = MLPMDN.create(TINY, 2, 1, 5);
        MdnAgent agent = MdnAgent.create(net, adam(net, 1e-3f), null, null);
        INDArray[] batch = toyBatch(16, 2);
        List<INDArray> draws = List.of(Nd4j.rand(DataType.FLOAT, 16, 32), Nd4j.rand(DataType.FLOAT, 16, 32));
        INDArray[] out;
        try (KerasDropout.Binding s = net.dropoutNoise(NoiseSource.replay(draws, List.of()))) {
            out = net.graph().output(true, batch[0]);
        }
        MdnLoss.Result expected = MdnLoss.compute(net.head(), out[0], out[1], out[2], batch[1]);
        INDArray before = net.graph().params().dup();
        MdnAgent.TrainStep step = agent.train(batch[0], batch[1], NoiseSource.replay(draws, List.of()));
        assertEquals(expected.total(), step.totalLoss());
        assertEquals(expected.perExample(), step.loss().perExampleLoss());
        INDArray moved = net.graph().params().sub(before);
        assertEquals(1e-3, moved.amaxNumber().doubleValue(), 1e-4, "Adam's first step moves by ≈ lr");
        assertEquals(1, agent.trainStep());
    }

    @Test
    void aNonFiniteLossStopsTrainingNamingTheStep() {
        MLPMDN net = MLPMDN.create(TINY, 2, 1, 3);
        MdnAgent agent = MdnAgent.create(net, adam(net, 1e-3f), null, null);
        INDArray[] batch = toyBatch(8, 1);
        agent.train(batch[0], batch[1], NoiseSource.seeded(1));
        INDArray before = net.graph().params().dup();
        batch[1].putScalar(5, 0, Float.POSITIVE_INFINITY);
        NonFiniteException e = assertThrows(NonFiniteException.class,
                () -> agent.train(batch[0], batch[1], NoiseSource.seeded(1)));
        assertEquals(1, e.step());
        assertEquals("total_loss", e.tensor());
        assertTrue(e.getMessage().contains("per_example_loss has 1 non-finite value; first Infinity at [5]"),
                e.getMessage());
        assertEquals(before, net.graph().params(), "no update after a non-finite loss");
    }

    @Test
    void ginMakesBothWithIbcsParameters() {
        GinConfig gin = IbcConfigurables.newGinConfig();
        gin.parse("MLPMDN.width = 16\nMLPMDN.num_components = 3\nMLPMDN.layers = 'ResNetOrig'\n"
                + "MdnBehavioralCloningAgent.train_step_counter = 4", "test");
        Map<String, Object> netArgs = new HashMap<>();
        netArgs.put("obs_spec", 6);
        netArgs.put("action_spec", TensorSpec.bounded("action", 0f, 1f, 2));
        MLPMDN net = (MLPMDN) gin.call("MLPMDN", netArgs);
        assertEquals(new MLPMDN.Config(16, 2, 0.1, "ResNetOrig", 3, 2.5, 2.5, 1.0), net.config());
        assertEquals(List.of("mu_kernel", "mu_bias", "logvar_kernel", "logvar_bias", "pi_kernel", "pi_bias"),
                List.copyOf(net.params().keySet()).subList(net.params().size() - 6, net.params().size()));
        assertEquals(List.of(16L, 6L), List.of(net.params().get("mu_kernel").shape()[0],
                net.params().get("mu_kernel").shape()[1]));
        Map<String, Object> args = new HashMap<>();
        args.put("time_step_spec", null);
        args.put("action_spec", null);
        args.put("action_sampling_spec", null);
        args.put("cloning_network", net);
        args.put("optimizer", adam(net, 1e-3f));
        MdnAgent agent = gin.make(MdnAgent.class, args);
        assertEquals(4, agent.trainStep());
        assertEquals(net.graph().params(), agent.flatParams());
    }

    @Test
    void inferenceUsesTestTemperatureExponentAndDenorm() {
        Normalizers.Std std = new Normalizers.Std(new float[] {0.5f}, new float[] {4f});
        MLPMDN net = MLPMDN.create(TINY, 2, 1, 9, std);
        INDArray obs = toyBatch(5, 3)[0];
        INDArray[] raw = net.graph().output(false, obs);
        GaussianMixture m = net.call(obs, false);
        for (int i = 0; i < 5 * 4; i++) {
            float mu = raw[0].getFloat(i);
            float s = (float) Math.pow((float) Math.exp(raw[1].getFloat(i)), 0.5f);
            assertEquals(mu * 4f + 0.5f, m.loc()[i], 1e-6f);
            assertEquals(s * 4f, m.scale()[i], 1e-6f, "scale: exp(logvar)^0.5 · std, no mean");
            assertEquals(raw[2].getFloat(i) / 1.5f, m.logits()[i], 1e-6f);
        }
        assertThrows(IllegalStateException.class, () -> MLPMDN.create(TINY, 2, 1, 9).call(obs, false),
                "IBC applies act_denorm_layer unconditionally at inference");
    }

    @Test
    void policySamplesTheChosenComponentAndClips() {
        Normalizers.Std std = new Normalizers.Std(new float[] {0.5f}, new float[] {4f});
        MLPMDN net = MLPMDN.create(TINY, 2, 1, 9, std);
        Map<String, Normalizers.Std> obsNorm = new LinkedHashMap<>();
        obsNorm.put("a", new Normalizers.Std(new float[] {1f}, new float[] {2f}));
        obsNorm.put("b", new Normalizers.Std(new float[] {-1f}, new float[] {0.5f}));
        MdnPolicy policy = MdnAgent.create(net, adam(net, 1e-3f), TensorSpec.bounded("action", 0f, 1f, 1),
                obsNorm).policy();
        Map<String, INDArray> raw = new LinkedHashMap<>();
        raw.put("a", Nd4j.rand(DataType.FLOAT, 6, 1, 1));
        raw.put("b", Nd4j.rand(DataType.FLOAT, 6, 1, 1));
        GaussianMixture m = policy.distribution(raw);
        INDArray z = Nd4j.randn(DataType.FLOAT, 6, 4, 1);
        INDArray idx = Nd4j.createFromArray(new int[][] {{0}, {1}, {2}, {3}, {2}, {1}});
        INDArray a = policy.action(raw, NoiseSource.replay(List.of(), List.of(z), List.of(idx)));
        int clipped = 0;
        for (int r = 0; r < 6; r++) {
            int j = idx.getInt(r, 0);
            float x = m.scale()[r * 4 + j] * z.getFloat(r, j, 0) + m.loc()[r * 4 + j];
            clipped += x < 0 || x > 1 ? 1 : 0;
            assertEquals(Math.min(Math.max(x, 0f), 1f), a.getFloat(r, 0), 0f);
        }
        assertTrue(clipped > 0, "std 4 spreads samples beyond [0, 1]");
    }
}
