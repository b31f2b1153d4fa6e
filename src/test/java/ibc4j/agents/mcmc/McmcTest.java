package ibc4j.agents.mcmc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.runtime.NoiseSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Mcmc} on energies with a known optimum, as IBC's mcmc_test.py does with tiny mock networks: the chain
 * must ascend f, respect both clips, and follow IBC's step-size schedule.
 */
class McmcTest {
    private static final float[] LO = {-1f, -1f};
    private static final float[] HI = {1f, 1f};

    /** f(a) = −|a − target|², so ∂f/∂a = −2(a − target): the chain should walk to target. */
    private static Mcmc.ActionGradient quadratic(float tx, float ty) {
        return (actions, energies, grads) -> {
            for (int i = 0; i < actions.size(0); i++) {
                float dx = actions.getFloat(i, 0) - tx;
                float dy = actions.getFloat(i, 1) - ty;
                energies.putScalar(i, -(dx * dx + dy * dy));
                grads.putScalar(i, 0, -2f * dx);
                grads.putScalar(i, 1, -2f * dy);
            }
        };
    }

    @Test
    void polynomialScheduleMatchesIbcValues() {
        // Values from the spec's table for K=100, 0.1 → 1e-5, power 2 (float32).
        assertEquals(0.1f, Mcmc.polynomialRate(0.1f, 1e-5f, 2f, 100, 0), 1e-9);
        assertEquals(0.0979902, Mcmc.polynomialRate(0.1f, 1e-5f, 2f, 100, 1), 1e-7);
        assertEquals(0.0808202, Mcmc.polynomialRate(0.1f, 1e-5f, 2f, 100, 10), 1e-7);
        assertEquals(1e-5, Mcmc.polynomialRate(0.1f, 1e-5f, 2f, 100, 99), 1e-10);
    }

    /**
     * TF's graph divides by the constant K−1 as a multiplication by its float32 reciprocal (Grappler): for K = 25
     * steps 5, 7, 10, ... the progress k·fl32(1/24) is an ulp off k/24. The odd5d golden (K = 7, where step 5
     * differs) checks the schedule against TF; this pins the order of operations.
     */
    @Test
    void polynomialScheduleMultipliesByTheFloat32Reciprocal() {
        float reciprocal = 1f / 24f;
        float viaReciprocal = 1f - 5f * reciprocal;
        float viaDivision = 1f - 5f / 24f;
        assertTrue(viaReciprocal != viaDivision, "K = 25, k = 5 tells the two apart");
        float expected = (float) (0.1 - 1e-5) * (viaReciprocal * viaReciprocal) + (float) 1e-5;
        assertEquals(expected, Mcmc.polynomialRate(0.1, 1e-5, 2.0, 25, 5));
    }

    /** In the tf.function the bounds are float32 tensors: fl32(fl32(0.05)·fl32(hi − lo)), not a float64 product. */
    @Test
    void deltaClipIsFloat32Arithmetic() {
        float lo = -1.1f;
        float hi = 1.1f;
        float expected = 0.05f * (hi - lo);
        assertEquals(expected, Mcmc.deltaClip(0.1, lo, hi));
        assertTrue(expected != (float) (0.05 * (double) (hi - lo)), "the float64 product rounds elsewhere here");
    }

    @Test
    void noiseFreeChainAscendsTheLogitToItsMaximum() {
        INDArray init = Nd4j.createFromArray(new float[][] {{-0.9f, 0.8f}, {0.5f, -0.7f}});
        LangevinConfig cfg = LangevinConfig.ibcDefaults().withNumIterations(100).withNoiseScale(0f)
                .withReturnChain(true);
        Mcmc.Result r = Mcmc.langevinActionsGivenObs(quadratic(0.3f, -0.2f), init, LO, HI, cfg, NoiseSource.seeded(1));
        assertEquals(0.3, r.actions().getDouble(0, 0), 0.05);
        assertEquals(-0.2, r.actions().getDouble(0, 1), 0.05);
        // Energies are logged at each step's input: the first is f(init).
        assertEquals(-(1.2 * 1.2 + 1.0 * 1.0), r.chain().energies().getDouble(0, 0), 1e-5);
        assertTrue(r.chain().energies().getDouble(99, 0) > r.chain().energies().getDouble(0, 0));
        assertEquals(2.4, r.chain().gradNorms().getDouble(0, 0), 1e-6, "inf-norm of ∂f/∂a at the input");
    }

    @Test
    void deltaIsClippedToATenthOfHalfTheRangeAndActionsToTheBounds() {
        // Huge gradient towards +∞: each step moves by exactly c = 0.1·0.5·(1 − (−1)) = 0.1 until the bound.
        INDArray init = Nd4j.createFromArray(new float[][] {{0.75f, 0f}});
        Mcmc.ActionGradient steep = (act, e, g) -> g.assign(1e6f);
        LangevinConfig cfg = LangevinConfig.ibcDefaults().withNumIterations(1).withNoiseScale(0f)
                .withReturnChain(true);
        Mcmc.Result one = Mcmc.langevinActionsGivenObs(steep, init, LO, HI, cfg, NoiseSource.seeded(1));
        assertEquals(0.85, one.actions().getDouble(0, 0), 1e-6);
        Mcmc.Result five = Mcmc.langevinActionsGivenObs(steep, init, LO, HI, cfg.withNumIterations(5),
                NoiseSource.seeded(1));
        assertEquals(1.0, five.actions().getDouble(0, 0), 0);
    }

    @Test
    void noiseEntersAsMinusStepTimesSigmaTimesEpsilon() {
        // Zero gradient, one step, ε = +1: a' = a − clip(0.1·1·1, ±0.1) = a − 0.1.
        INDArray init = Nd4j.createFromArray(new float[][] {{0.2f, -0.2f}});
        Mcmc.ActionGradient flat = (act, e, g) -> g.assign(0f);
        List<INDArray> normals = new ArrayList<>(List.of(Nd4j.createFromArray(new float[][] {{1f, -0.5f}})));
        Mcmc.Result r = Mcmc.langevinActionsGivenObs(flat, init, LO, HI,
                LangevinConfig.ibcDefaults().withNumIterations(1), NoiseSource.replay(List.of(), normals));
        assertEquals(0.1, r.actions().getDouble(0, 0), 1e-7);
        assertEquals(-0.15, r.actions().getDouble(0, 1), 1e-7);
    }

    @Test
    void kernelChainSkipsEnergiesOnlyWhenNotRecorded() {
        // Same seed, same kernel: recording the chain (gradient + energies per step) must not change the samples.
        ibc4j.networks.MLPEBM net = ibc4j.networks.MLPEBM.create(ibc4j.networks.MLPEBM.Config.particle()
                .withWidth(32), 4, 2, 3);
        INDArray obs = Nd4j.rand(DataType.FLOAT, 3, 4).repeat(0, 4).dup('c');
        INDArray init = Nd4j.rand(DataType.FLOAT, 12, 2).muli(2).subi(1);
        ibc4j.networks.EbmKernel k = ibc4j.networks.EbmKernel.create(net, 12);
        k.prepareObservations(obs);
        LangevinConfig cfg = LangevinConfig.ibcDefaults().withNumIterations(5);
        Mcmc.Result plain = Mcmc.langevinActionsGivenObs(Mcmc.fromKernel(k), init, LO, HI, cfg, NoiseSource.seeded(7));
        Mcmc.Result recorded = Mcmc.langevinActionsGivenObs(Mcmc.fromKernel(k), init, LO, HI,
                cfg.withReturnChain(true), NoiseSource.seeded(7));
        assertTrue(plain.actions().equalsWithEps(recorded.actions(), 1e-6), "same chain either way");
        assertEquals(null, plain.chain());
        // The recorded energies are f at each step's input: step 0's are f(init).
        INDArray f0 = net.energies(obs, init);
        assertTrue(f0.equalsWithEps(recorded.chain().energies().getRow(0), 1e-5));
    }

    @Test
    void replayedNoiseMustMatchTheRequestedShape() {
        NoiseSource replay = NoiseSource.replay(List.of(), List.of(Nd4j.zeros(DataType.FLOAT, 3, 2)));
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> replay.normal(Nd4j.create(DataType.FLOAT, 2, 2)));
        assertEquals("replayed normal draw 1: recorded shape [3, 2], requested [2, 2]", e.getMessage());
    }
}
