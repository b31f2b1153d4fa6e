package ibc4j.agents;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ibc4j.data.TensorSpec;
import ibc4j.networks.MLPEBM;
import ibc4j.normalizers.Normalizers;
import ibc4j.normalizers.SamplingSpec;
import ibc4j.runtime.NoiseSource;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link IbcPolicy}: the greedy choice, ties, denormalization, the clip, and per-observation batches. */
class IbcPolicyTest {
    private static final SamplingSpec SPEC = new SamplingSpec(null, null, -1f, 1f);
    private static final TensorSpec ENV = TensorSpec.bounded("action", 0f, 1f, 2);

    /** Observations {@code {"a": [B, 2, 1], "b": [B, 2, 1]}} → 4 flat inputs. */
    private static Map<String, INDArray> obs(int b, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Map.of("b", Nd4j.randn(DataType.FLOAT, b, 2, 1), "a", Nd4j.randn(DataType.FLOAT, b, 2, 1));
    }

    /** No Langevin steps, so the samples are the uniform draw and the choice is visible. */
    private static IbcPolicy policy(MLPEBM net, int n, Object denorm) {
        IbcPolicy p = IbcPolicy.create(net, ENV, SPEC, n, null, denorm);
        return p.withLangevin(p.langevin().withNumIterations(0));
    }

    @Test
    void greedyActionIsTheSampleWithTheHighestLogit() {
        MLPEBM net = MLPEBM.create(MLPEBM.Config.particle().withWidth(16), 4, 2, 3);
        int n = 64;
        IbcPolicy p = policy(net, n, null);
        IbcPolicy.Inference inf = p.infer(obs(1, 1), NoiseSource.seeded(2));
        INDArray f = net.energies(inf.tiled(), inf.samples());
        int best = f.argMax().getInt(0);
        assertEquals(best, inf.argmax()[0]);
        assertEquals(inf.samples().getRow(best), inf.modeActions().getRow(0));
        INDArray probs = inf.distribution().probabilities();
        assertEquals(1.0, probs.sumNumber().doubleValue(), 1e-5);
        assertEquals(probs.argMax().getInt(0), best);
    }

    @Test
    void tiesGoToTheFirstIndex() {
        MLPEBM net = MLPEBM.create(MLPEBM.Config.particle().withWidth(16), 4, 2, 3);
        net.graph().params().assign(0); // f ≡ 0: every probability is 1/N
        IbcPolicy.Inference inf = policy(net, 32, null).infer(obs(1, 1), NoiseSource.seeded(2));
        assertEquals(0, inf.argmax()[0]);
        assertEquals(inf.samples().getRow(0), inf.modeActions().getRow(0));
    }

    @Test
    void actionsAreDenormalizedThenClippedToTheEnvSpec() {
        MLPEBM net = MLPEBM.create(MLPEBM.Config.particle().withWidth(16), 4, 2, 5);
        UnaryOperator<INDArray> times10 = y -> y.mul(10f);
        IbcPolicy.Inference inf = policy(net, 16, times10).infer(obs(1, 3), NoiseSource.seeded(4));
        INDArray mode = inf.modeActions();
        assertEquals(inf.samples().getRow(inf.argmax()[0]).mul(10f), mode.getRow(0));
        for (int j = 0; j < 2; j++) {
            assertEquals(Math.min(Math.max(mode.getFloat(0, j), 0f), 1f), inf.actions().getFloat(0, j));
        }
        // MinMax (IBC's MinMaxDenormalizationLayer): y·half + mid.
        Normalizers.MinMax mm = new Normalizers.MinMax(new float[] {0.2f, 0.4f}, new float[] {0.6f, 0.8f});
        IbcPolicy.Inference inf2 = policy(net, 16, mm).infer(obs(1, 3), NoiseSource.seeded(4));
        float y = inf2.samples().getFloat(inf2.argmax()[0], 1);
        assertEquals(y * mm.half(1) + mm.mid(1), inf2.actions().getFloat(0, 1));
    }

    @Test
    void eachObservationOfABatchGetsTheBestOfItsOwnSamples() {
        MLPEBM net = MLPEBM.create(MLPEBM.Config.particle().withWidth(16), 4, 2, 7);
        int n = 8;
        IbcPolicy.Inference inf = policy(net, n, null).infer(obs(3, 5), NoiseSource.seeded(6));
        INDArray f = net.energies(inf.tiled(), inf.samples()).reshape(3, n);
        int[] expected = new int[3];
        for (int b = 0; b < 3; b++) {
            expected[b] = f.getRow(b).argMax().getInt(0);
            assertEquals(inf.samples().getRow((long) b * n + expected[b]), inf.modeActions().getRow(b));
        }
        assertArrayEquals(expected, inf.argmax());
        assertEquals(3, inf.actions().size(0));
    }

    @Test
    void observationsAreNormalizedPerKeyAndFlattenedInSortedOrder() {
        MLPEBM net = MLPEBM.create(MLPEBM.Config.particle().withWidth(16), 4, 2, 7);
        Map<String, Normalizers.Std> norms = Map.of("a", new Normalizers.Std(new float[] {1f}, new float[] {2f}),
                "b", new Normalizers.Std(new float[] {-1f}, new float[] {4f}));
        IbcPolicy p = IbcPolicy.create(net, ENV, SPEC, 4, norms, null);
        Map<String, INDArray> o = Map.of("a", Nd4j.createFromArray(new float[][][] {{{3f}, {5f}}}),
                "b", Nd4j.createFromArray(new float[][][] {{{7f}, {-5f}}}));
        // time-major: [a_t0, b_t0, a_t1, b_t1] = [(3−1)/2, (7+1)/4, (5−1)/2, (−5+1)/4]
        assertEquals(Nd4j.createFromArray(new float[][] {{1f, 2f, 2f, -1f}}), p.normalizeAndFlatten(o));
    }

    @Test
    void optimizeAgainRunsASecondChainFromTheFirstWithItsOwnNoise() {
        MLPEBM net = MLPEBM.create(MLPEBM.Config.particle().withWidth(16), 4, 2, 7);
        IbcPolicy built = new IbcPolicy(null, ENV, SPEC, net, null, null, 8, true, false, null, false, true, 0.5,
                true, 1e-5, 1e-5, false, null, null, "iterative");
        IbcPolicy p = built.withLangevin(built.langevin().withNumIterations(2));
        Nd4j.getRandom().setSeed(3);
        java.util.List<INDArray> normals = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            normals.add(Nd4j.randn(DataType.FLOAT, 8, 2));
        }
        INDArray u = Nd4j.rand(DataType.FLOAT, 8, 2);
        // Draws in IBC's order: the uniform, K normals for the first chain, K for the second (replay runs out
        // otherwise).
        IbcPolicy.Inference inf = p.infer(obs(1, 1), NoiseSource.replay(java.util.List.of(u), normals));
        assertEquals(2, inf.chains().size());
        assertEquals(inf.chains().get(1).actions(), inf.samples());
        // The second chain starts at the first's output with step 1e-5: it barely moves.
        INDArray moved = inf.chains().get(1).actions().sub(inf.chains().get(0).actions());
        assertEquals(0.0, moved.amaxNumber().doubleValue(), 2 * 1e-5 * (0.5 * 4 + 0.5 * 4));
    }

    @Test
    void neitherSamplerIsRejected() {
        MLPEBM net = MLPEBM.create(MLPEBM.Config.particle().withWidth(16), 4, 2, 7);
        assertThrows(IllegalArgumentException.class, () -> new IbcPolicy(null, ENV, SPEC, net, null, null, 8, true,
                false, null, false, false, 1.0, false, 0.1, 1e-5, false, null, null, "iterative"));
    }
}
