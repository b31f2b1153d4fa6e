package ibc4j.agents.mcmc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.runtime.NoiseSource;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link AutoregressiveDfo} on energies whose optimum is known. No TF reference exists (IBC has no autoregressive
 * DFO), so these tests check the algorithm itself: its order of draws by hand, its reduction to iterative_dfo in
 * one dimension, and where it lands on quadratics. Seeds are != 0 (ND4J's generator reseeded with 0 does not
 * reproduce).
 */
class AutoregressiveDfoTest {
    private static final AutoregressiveDfo.Settings DEFAULTS = AutoregressiveDfo.Settings.defaults();

    /** f = −κ·(a − a*)ᵀQ(a − a*) per row (Q null: the identity); observation b of B uses target row b. */
    private static Dfo.Energies quadratic(INDArray targets, int n, double kappa, INDArray q) {
        return (a, out) -> {
            INDArray d = a.sub(targets.repeat(0, n));
            INDArray v = q == null ? d.mul(d).sum(1) : d.mmul(q).mul(d).sum(1);
            out.assign(v.muli(-kappa));
        };
    }

    private static float[] fill(int a, float v) {
        float[] x = new float[a];
        Arrays.fill(x, v);
        return x;
    }

    /** The sample with the highest probability among observation b's n. */
    private static INDArray best(Dfo.Result r, int b, int n) {
        INDArray p = r.probabilities().reshape(-1, n).getRow(b);
        return r.actions().getRow((long) b * n + p.argMax().getInt(0));
    }

    /** n uniform samples on [lo, hi]^A from the seeded generator. */
    private static INDArray uniform(long seed, int rows, int a, float lo, float hi) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, rows, a).muli(hi - lo).addi(lo);
    }

    @Test
    void drawsInOrderAndPerturbsOnlyTheDimensionBeingSearched() {
        // B=1, n=3, A=2, two rounds per dimension (round 0 shared), σ=0.5 for each dimension's perturbation.
        INDArray s = Nd4j.createFromArray(new float[][] {{0f, 0f}, {0.5f, 0.5f}, {-0.5f, 0.25f}});
        Dfo.Energies f = (a, out) -> out.assign(a.sum(1));
        NoiseSource draws = NoiseSource.replay(List.of(),
                List.of(Nd4j.createFromArray(1.2f, -0.4f, 2f), Nd4j.createFromArray(-0.6f, 0.5f, -4f)),
                List.of(Nd4j.createFromArray(new int[][] {{1, 1, 2}}), Nd4j.createFromArray(new int[][] {{0, 2, 2}}),
                        Nd4j.createFromArray(new int[][] {{0, 1, 1}})));
        Dfo.Result r = AutoregressiveDfo.run(f, 1, s, 3, fill(2, -1f), fill(2, 1f),
                new AutoregressiveDfo.Settings(2, 0.5f, 0.5f, 1f), draws);
        // round 0 keeps rows 1, 1, 2: (0.5, 0.5), (0.5, 0.5), (−0.5, 0.25).
        // dim 0: + ε·0.5 → (1.1 → clip 1, 0.5), (0.5 − 0.2, 0.5), (0.5, 0.25); keep rows 0, 2, 2.
        // dim 1 (σ back to 0.5): (1, 0.5 − 0.3), (0.5, 0.25 + 0.25), (0.5, 0.25 − 2 → clip −1); keep rows 0, 1, 1.
        float y0 = 0.5f + -0.6f * 0.5f;
        INDArray expected = Nd4j.createFromArray(new float[][] {{1f, y0}, {0.5f, 0.5f}, {0.5f, 0.5f}});
        assertEquals(expected, r.actions());
        // Probabilities are those of the returned samples: softmax(1 + y0, 1, 1).
        double z = Math.exp(1 + y0) + 2 * Math.E;
        assertEquals(Math.exp(1 + y0) / z, r.probabilities().getDouble(0), 1e-6);
        assertEquals(Math.E / z, r.probabilities().getDouble(2), 1e-6);
    }

    @Test
    void inOneDimensionItIsIterativeDfoDrawForDraw() {
        INDArray u = uniform(31, 64, 1, -1f, 1f);
        Dfo.Energies f = quadratic(Nd4j.createFromArray(new float[][] {{0.3f}}), 64, 20, null);
        Dfo.Result ar = AutoregressiveDfo.run(f, 1, u, 64, fill(1, -1f), fill(1, 1f), DEFAULTS, NoiseSource.seeded(5));
        Dfo.Result it = Dfo.iterativeDfo(f, 1, u, 64, fill(1, -1f), fill(1, 1f), 1f, 3, 0.33f, NoiseSource.seeded(5));
        assertEquals(it.actions(), ar.actions());
        INDArray logits = Nd4j.create(DataType.FLOAT, 64);
        f.evaluate(ar.actions(), logits);
        assertEquals(Dfo.getProbabilities(logits, 1, 64, 1f), ar.probabilities());
    }

    /**
     * 16-D separable quadratic, κ = 1000, n = 512, uniform start on [−1, 1]^16. Autoregressive: 1 + 16·2 scoring
     * rounds + 1 final scoring = 34 evaluations of n samples; joint iterative_dfo gets the same 34 rounds. Measured
     * max |a − a*| of the best sample over the seeds below: autoregressive 0.013–0.015, joint 0.23–0.28 (the joint
     * search's noise has shrunk to nothing long before its 34th round, far from a* in 16 dimensions).
     */
    @Test
    void sixteenDimensionalSeparableQuadraticIsSolvedWhereJointDfoIsNot() {
        int a = 16;
        int n = 512;
        for (long seed : new long[] {3, 7, 21}) {
            INDArray target = uniform(seed * 101, 1, a, -0.8f, 0.8f);
            INDArray u = uniform(seed, n, a, -1f, 1f);
            Dfo.Energies f = quadratic(target, n, 1000, null);
            Dfo.Result ar = AutoregressiveDfo.run(f, 1, u, n, fill(a, -1f), fill(a, 1f), DEFAULTS,
                    NoiseSource.seeded(seed + 1));
            Dfo.Result joint = Dfo.iterativeDfo(f, 1, u, n, fill(a, -1f), fill(a, 1f), 1f, 34, 0.33f,
                    NoiseSource.seeded(seed + 1));
            INDArray logits = Nd4j.create(DataType.FLOAT, n);
            f.evaluate(joint.actions(), logits); // the best of joint's final samples, not IBC's stale probabilities
            INDArray jointBest = joint.actions().getRow(logits.argMax().getInt(0));
            double arErr = best(ar, 0, n).sub(target.getRow(0)).amaxNumber().doubleValue();
            double jointErr = jointBest.sub(target.getRow(0)).amaxNumber().doubleValue();
            assertTrue(arErr < 0.04, "seed " + seed + ": autoregressive max error " + arErr);
            assertTrue(jointErr > 0.08, "seed " + seed + ": joint max error " + jointErr);
        }
    }

    /**
     * Coupled quadratic (tridiagonal Q, 1 on the diagonal, −0.4 beside it), 8-D: one coordinate-wise sweep does
     * not reach a* (each dimension is searched with the later ones not yet placed), but the dimension searched last
     * lands on its conditional optimum given the others, a*_7 − Σ_{k<7} Q_7k (a_k − a*_k) / Q_77, as the
     * algorithm claims (measured within 0.001), while the sample is still 0.11–0.26 from a* in max norm.
     */
    @Test
    void coupledQuadraticLastDimensionLandsOnItsConditionalOptimum() {
        int a = 8;
        int n = 512;
        float[][] qa = new float[a][a];
        for (int i = 0; i < a; i++) {
            qa[i][i] = 1f;
            if (i > 0) {
                qa[i][i - 1] = -0.4f;
                qa[i - 1][i] = -0.4f;
            }
        }
        INDArray q = Nd4j.createFromArray(qa);
        for (long seed : new long[] {4, 9}) {
            INDArray target = uniform(seed * 101, 1, a, -0.3f, 0.3f);
            Dfo.Energies f = quadratic(target, n, 1000, q);
            Dfo.Result r = AutoregressiveDfo.run(f, 1, uniform(seed, n, a, -1f, 1f), n, fill(a, -1f), fill(a, 1f),
                    DEFAULTS, NoiseSource.seeded(seed + 1));
            INDArray x = best(r, 0, n);
            double conditional = target.getDouble(0, a - 1)
                    - qa[a - 1][a - 2] * (x.getDouble(a - 2) - target.getDouble(0, a - 2)) / qa[a - 1][a - 1];
            assertTrue(Math.abs(conditional) < 1, "the conditional optimum must lie inside the bounds");
            assertEquals(conditional, x.getDouble(a - 1), 0.01, "seed " + seed);
            // The documented limit of one sweep over one joint model (docs/mcmc.md): coupled energies are not solved.
            assertTrue(x.sub(target.getRow(0)).amaxNumber().doubleValue() > 0.05, "seed " + seed);
        }
    }

    /**
     * Per-observation search and the box: B = 2 observations with their own targets, some outside the box
     * [lo_j, hi_j]. Every sample stays inside it, and each observation's best sample is the bounded optimum of a
     * separable quadratic, clip(a*, lo, hi), within 0.02 (measured ≤ 0.006).
     */
    @Test
    void boundsAreRespectedAndEachObservationFindsItsClippedTarget() {
        int a = 4;
        int n = 256;
        float[] lo = {-1f, -0.5f, 0f, -2f};
        float[] hi = {1f, 0.5f, 1f, 2f};
        INDArray targets = Nd4j.createFromArray(new float[][] {{1.5f, -0.2f, -0.7f, 0.4f}, {-0.3f, 0.9f, 0.6f, -1.1f}});
        Dfo.Energies f = quadratic(targets, n, 1000, null);
        INDArray u = Nd4j.create(DataType.FLOAT, 2 * n, a);
        for (int j = 0; j < a; j++) {
            u.getColumn(j).assign(uniform(40 + j, 2 * n, 1, lo[j], hi[j]));
        }
        Dfo.Result r = AutoregressiveDfo.run(f, 2, u, n, lo, hi, DEFAULTS, NoiseSource.seeded(17));
        for (int j = 0; j < a; j++) {
            INDArray col = r.actions().getColumn(j);
            assertTrue(col.minNumber().floatValue() >= lo[j] && col.maxNumber().floatValue() <= hi[j], "dim " + j);
        }
        for (int b = 0; b < 2; b++) {
            INDArray x = best(r, b, n);
            for (int j = 0; j < a; j++) {
                float clipped = Math.min(Math.max(targets.getFloat(b, j), lo[j]), hi[j]);
                assertEquals(clipped, x.getFloat(j), 0.02, "observation " + b + ", dim " + j);
            }
        }
    }

    @Test
    void aSeededSourceReproducesAndAnotherSeedDiffers() {
        INDArray u = uniform(8, 128, 3, -1f, 1f);
        Dfo.Energies f = quadratic(Nd4j.createFromArray(new float[][] {{0.1f, -0.2f, 0.3f}}), 128, 100, null);
        Dfo.Result first = AutoregressiveDfo.run(f, 1, u, 128, fill(3, -1f), fill(3, 1f), DEFAULTS,
                NoiseSource.seeded(13));
        Dfo.Result again = AutoregressiveDfo.run(f, 1, u, 128, fill(3, -1f), fill(3, 1f), DEFAULTS,
                NoiseSource.seeded(13));
        Dfo.Result other = AutoregressiveDfo.run(f, 1, u, 128, fill(3, -1f), fill(3, 1f), DEFAULTS,
                NoiseSource.seeded(14));
        assertEquals(first.actions(), again.actions());
        assertEquals(first.probabilities(), again.probabilities());
        assertNotEquals(first.actions(), other.actions());
        assertEquals(u, uniform(8, 128, 3, -1f, 1f), "the input samples are not modified");
    }

    @Test
    void badSettingsAndShapesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new AutoregressiveDfo.Settings(0, 0.33f, 0.5f, 1f));
        assertThrows(IllegalArgumentException.class, () -> new AutoregressiveDfo.Settings(3, 0.33f, 0.5f, 0f));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AutoregressiveDfo.run(
                (x, out) -> out.assign(0), 2, Nd4j.zeros(DataType.FLOAT, 5, 2), 3, fill(2, -1f), fill(2, 1f),
                DEFAULTS, NoiseSource.seeded(1)));
        assertTrue(e.getMessage().contains("batch_size 2"), e.getMessage());
        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class,
                () -> AutoregressiveDfo.isSelectedBy("IbcPolicy.dfo_kind", "joint"));
        assertEquals("IbcPolicy.dfo_kind 'joint' is not one of 'iterative' (IBC's iterative_dfo) or 'autoregressive' "
                + "(autoregressive_dfo)", kind.getMessage());
    }
}
