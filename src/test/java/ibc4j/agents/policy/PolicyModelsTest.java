package ibc4j.agents.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.agents.IbcPolicy;
import ibc4j.agents.MsePolicy;
import ibc4j.agents.Observations;
import ibc4j.data.TensorSpec;
import ibc4j.gin.Tuple;
import ibc4j.networks.MLPEBM;
import ibc4j.networks.MLPMSE;
import ibc4j.normalizers.Normalizers;
import ibc4j.normalizers.SamplingSpec;
import ibc4j.runtime.NoiseSource;
import java.io.File;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An exported policy is a DL4J model: it survives ModelSerializer, and its {@code output(raw flat obs)} is
 * IbcPolicy's action on the same draws, bit for bit (the layer calls the same code on the same float32 inputs:
 * the per-key normalization laid over the flat row is the same elementwise op).
 */
class PolicyModelsTest {
    private static final int T = 2;
    private static final long SEED = 1234;
    @TempDir
    Path dir;

    /** Two keys of different widths, so the flat layout (sorted keys, time-major) matters. */
    private static Map<String, INDArray> rawObs(int b, long seed) {
        Nd4j.getRandom().setSeed(seed);
        Map<String, INDArray> obs = new LinkedHashMap<>();
        obs.put("vel", Nd4j.rand(DataType.FLOAT, b, T, 1).muli(3).addi(1)); // inserted first: must sort last
        obs.put("pos", Nd4j.rand(DataType.FLOAT, b, T, 3).muli(2).subi(0.5));
        return obs;
    }

    private static Map<String, Normalizers.Std> obsNorm() {
        Map<String, Normalizers.Std> m = new LinkedHashMap<>();
        m.put("vel", new Normalizers.Std(new float[] {2.5f}, new float[] {0.7f}));
        m.put("pos", new Normalizers.Std(new float[] {0.4f, 0.5f, 0.6f}, new float[] {0.3f, 0.6f, 0f}));
        return m;
    }

    private static IbcPolicy policy(MLPEBM net, boolean dfo, boolean langevin, boolean again, Object denorm) {
        TensorSpec env = TensorSpec.bounded("action", 0f, 1f, 2);
        SamplingSpec sampling = new SamplingSpec(null, null, -1.2f, 1.2f);
        IbcPolicy p = new IbcPolicy(null, env, sampling, net, new Tuple(List.of()), new Tuple(List.of()), 48, true,
                false, null, dfo, langevin, 0.5, again, 0.05, 1e-4, false, obsNorm(), denorm, "iterative");
        return p.withLangevin(p.langevin().withNumIterations(7));
    }

    private static MLPEBM net(long seed) {
        return MLPEBM.create(MLPEBM.Config.particle().withWidth(16), 4 * T, 2, seed);
    }

    private ComputationGraph roundTrip(ComputationGraph g) throws Exception {
        File f = dir.resolve("policy.zip").toFile();
        ModelSerializer.writeModel(g, f, false);
        return ModelSerializer.restoreComputationGraph(f, false);
    }

    private static float[] floats(INDArray a) {
        return a.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    /** Two successive calls of the restored graph against IbcPolicy on one generator seeded alike. */
    private void assertSameActions(IbcPolicy policy) throws Exception {
        ComputationGraph restored = roundTrip(PolicyModels.export(policy, SEED));
        assertTrue(restored.getConfiguration().toJson().contains(IbcPolicyLayer.class.getName()));
        assertEquals(policy.network().graph().params(), restored.params());
        NoiseSource noise = new PortableNoise(SEED);
        for (int call = 0; call < 2; call++) {
            Map<String, INDArray> obs = rawObs(3, 10 + call);
            INDArray expected = policy.action(obs, noise);
            INDArray got = restored.outputSingle(Observations.flatten(obs));
            assertArrayEquals(new long[] {3, 2}, got.shape());
            assertArrayEquals(floats(expected), floats(got), 0f, "call " + call);
        }
    }

    @Test
    void langevinPolicyRoundTripsAndActsAsIbcPolicy() throws Exception {
        Normalizers.MinMax denorm = new Normalizers.MinMax(new float[] {0.1f, 0.2f}, new float[] {0.7f, 0.9f});
        assertSameActions(policy(net(3), false, true, true, denorm));
    }

    @Test
    void dfoPolicyRoundTripsAndActsAsIbcPolicy() throws Exception {
        // pushing_states/mlp_ebm.gin: IbcPolicy.use_langevin = False, IbcPolicy.use_dfo = True
        Normalizers.Std denorm = new Normalizers.Std(new float[] {0.5f, 0.4f}, new float[] {0.2f, 0.3f});
        assertSameActions(policy(net(4), true, false, false, denorm));
    }

    @Test
    void aCheckpointsParamsLoadDirectlyAndTheDrawsFollowTheSeed() throws Exception {
        IbcPolicy p = policy(net(5), false, true, false, null);
        ComputationGraph g = roundTrip(PolicyModels.export(p, SEED));
        INDArray flat = Observations.flatten(rawObs(1, 7));
        INDArray first = g.outputSingle(flat).dup();
        INDArray second = g.outputSingle(flat).dup();
        assertFalse(first.equals(second), "successive calls continue the generator: new draws");
        PolicyModels.ibcPolicyLayer(g).reseed(SEED);
        assertEquals(first, g.outputSingle(flat), "reseeding restarts the draws");

        MLPEBM other = net(6);
        g.setParams(other.graph().params()); // another checkpoint's flat parameters, as saved
        PolicyModels.ibcPolicyLayer(g).reseed(SEED);
        INDArray expected = policy(other, false, true, false, null).action(Map.of("pos", Nd4j.zeros(1, T, 3),
                "vel", Nd4j.zeros(1, T, 1)), new PortableNoise(SEED));
        assertArrayEquals(floats(expected), floats(g.outputSingle(Nd4j.zeros(DataType.FLOAT, 1, 4 * T))), 0f);
    }

    @Test
    void mseBaselineRoundTripsAndActsAsMsePolicy() throws Exception {
        Normalizers.Std denorm = new Normalizers.Std(new float[] {0.5f, 0.4f}, new float[] {0.2f, 0.3f});
        Nd4j.getRandom().setSeed(8);
        MLPMSE net = MLPMSE.create(MLPMSE.Config.particle().withWidth(16), 4 * T, 2, 8, denorm,
                org.deeplearning4j.nn.conf.WorkspaceMode.ENABLED);
        MsePolicy policy = new MsePolicy(TensorSpec.bounded("action", 0f, 1f, 2), net, obsNorm());
        ComputationGraph restored = roundTrip(PolicyModels.export(policy));
        assertTrue(restored.getConfiguration().toJson().contains(MsePolicyLayer.class.getName()));
        Map<String, INDArray> obs = rawObs(4, 11);
        float[] expected = floats(policy.action(obs, null));
        assertArrayEquals(expected, floats(restored.outputSingle(Observations.flatten(obs))), 0f);
        assertFalse(java.util.Arrays.equals(expected, floats(policy.action(rawObs(4, 12), null))));
    }

    @Test
    void theDrawsAreJavaUtilRandomsSoEveryJvmRepeatsThem() {
        INDArray u = Nd4j.create(DataType.FLOAT, 2, 3);
        INDArray g = Nd4j.create(DataType.FLOAT, 2);
        PortableNoise noise = new PortableNoise(42);
        noise.uniform(u);
        noise.normal(g);
        java.util.Random spec = new java.util.Random(42); // its algorithm is fixed by its specification
        float[] expected = new float[6];
        for (int i = 0; i < 6; i++) {
            expected[i] = spec.nextFloat();
        }
        assertArrayEquals(expected, floats(u), 0f, "c-order fill");
        assertArrayEquals(new float[] {(float) spec.nextGaussian(), (float) spec.nextGaussian()}, floats(g), 0f);
    }

    @Test
    void wrongInputWidthIsAClearError() throws Exception {
        ComputationGraph g = PolicyModels.export(policy(net(3), false, true, false, null), SEED);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> g.outputSingle(Nd4j.zeros(DataType.FLOAT, 1, 5)));
        assertTrue(e.getMessage().contains("[B, 8]") && e.getMessage().contains("[pos, vel]"), e.getMessage());
    }
}
