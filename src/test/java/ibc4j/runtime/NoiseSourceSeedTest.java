package ibc4j.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A seed always gives the same draws, whatever was drawn before (seed 0 included, which ND4J does not reset). */
class NoiseSourceSeedTest {
    private static float[] draws(long seed) {
        NoiseSource n = NoiseSource.seeded(seed);
        INDArray u = Nd4j.create(DataType.FLOAT, 64);
        n.uniform(u);
        INDArray g = Nd4j.create(DataType.FLOAT, 64);
        n.normal(g);
        float[] out = Arrays.copyOf(u.toFloatVector(), 128);
        System.arraycopy(g.toFloatVector(), 0, out, 64, 64);
        return out;
    }

    @Test
    void everySeedRepeatsItsDrawsWhateverCameBefore() {
        for (long seed : new long[] {0, 1, 7, -3, Long.MAX_VALUE}) {
            float[] first = draws(seed);
            draws(99);
            float[] again = draws(seed);
            float[] third = draws(seed);
            assertArrayEquals(first, again, "seed " + seed + " after another seed");
            assertArrayEquals(first, third, "seed " + seed + " twice in a row");
        }
    }

    @Test
    void seedZeroIsItsOwnStream() {
        assertFalse(Arrays.equals(draws(0), draws(1)));
    }
}
