package ibc4j.agents.mcmc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ibc4j.runtime.NoiseSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link Dfo}: IBC's resampling order and its probabilities quirk, then convergence on a peaked energy. */
class DfoTest {

    @Test
    void resamplingGathersByIndexWithMultiplicityAndProbsPredateIt() {
        // B=1, n=3 samples at x=0,1,2; f = x; replayed draws pick index 2 twice and index 0 once.
        INDArray samples = Nd4j.createFromArray(new float[][] {{0f, 0f}, {1f, 0f}, {2f, 0f}});
        Dfo.Energies f = (a, out) -> out.assign(a.getColumn(0));
        NoiseSource draws = NoiseSource.replay(List.of(), List.of(),
                List.of(Nd4j.createFromArray(new int[][] {{2, 0, 2}})));
        Dfo.Result r = Dfo.iterativeDfo(f, 1, samples, 3, new float[] {-5f, -5f}, new float[] {5f, 5f}, 1f, 1, 0.33f,
                draws);
        assertEquals(0.0, r.actions().getDouble(0, 0), 0);
        assertEquals(2.0, r.actions().getDouble(1, 0), 0);
        assertEquals(2.0, r.actions().getDouble(2, 0), 0);
        // softmax([0,1,2]) of the samples before resampling.
        double z = 1 + Math.E + Math.E * Math.E;
        assertEquals(Math.E * Math.E / z, r.probabilities().getDouble(2), 1e-6);
    }

    @Test
    void samplesGatherAtTheMaximum() {
        Nd4j.getRandom().setSeed(11);
        INDArray samples = Nd4j.rand(DataType.FLOAT, 256, 2).muli(2f).subi(1f);
        Dfo.Energies f = (a, out) -> {
            for (int i = 0; i < a.size(0); i++) {
                double dx = a.getDouble(i, 0) - 0.5;
                double dy = a.getDouble(i, 1) + 0.25;
                out.putScalar(i, -50 * (dx * dx + dy * dy));
            }
        };
        Dfo.Result r = Dfo.iterativeDfo(f, 1, samples, 256, new float[] {-1f, -1f}, new float[] {1f, 1f}, 1f, 3,
                0.33f, NoiseSource.seeded(5));
        assertEquals(0.5, r.actions().getColumn(0).meanNumber().doubleValue(), 0.1);
        assertEquals(-0.25, r.actions().getColumn(1).meanNumber().doubleValue(), 0.1);
    }
}
