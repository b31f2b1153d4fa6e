package ibc4j.environments.particle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * {@link NumpyRandomState} against numpy 1.26.4: every expected double below was printed (as {@code repr}) by
 * {@code np.random.RandomState(seed).random_sample(k)} (or {@code .uniform}) with that numpy, and is compared
 * bit for bit.
 */
class NumpyRandomStateTest {

    private static void assertSamples(NumpyRandomState rs, double... expected) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], rs.randomSample(), 0.0, "draw " + i);
        }
    }

    @Test
    void intSeedsMatchNumpy() {
        assertSamples(new NumpyRandomState(0), 0.5488135039273248, 0.7151893663724195, 0.6027633760716439,
                0.5448831829968969, 0.4236547993389047, 0.6458941130666561);
        assertSamples(new NumpyRandomState(1), 0.417022004702574, 0.7203244934421581, 0.00011437481734488664,
                0.30233257263183977, 0.14675589081711304, 0.0923385947687978);
        assertSamples(new NumpyRandomState(42), 0.3745401188473625, 0.9507143064099162, 0.7319939418114051,
                0.5986584841970366, 0.15601864044243652, 0.15599452033620265);
        assertSamples(new NumpyRandomState(123456789), 0.532833024789759, 0.5341366008904166,
                0.509553035526467, 0.7135640318327616, 0.25699895475697543, 0.7526936088721111);
        assertSamples(new NumpyRandomState(4294967295L), 0.0976320289940138, 0.9123828453026218,
                0.78903530185164, 0.7800035981134678, 0.01793967398674523, 0.9695059322147525);
    }

    @Test
    void stateIsRegeneratedAfter624Words() {
        // RandomState(0).random_sample(1000)[[624, 625, 626, 627, 999]]: draws 312+ use the second block.
        double[] all = new NumpyRandomState(0).rand(1000);
        assertArrayEquals(new double[] {0.97622566345382, 0.8897936564455402, 0.7645619743577086,
            0.6982484778182906}, java.util.Arrays.copyOfRange(all, 624, 628), 0.0);
        assertEquals(0.6771411441114241, all[999], 0.0);
    }

    @Test
    void arraySeedUsesInitByArray() {
        // RandomState([1, 2, 3]).random_sample(4)
        assertSamples(NumpyRandomState.ofArray(1, 2, 3), 0.6098612722867289, 0.8866970434146851,
                0.47633673750662764, 0.8976583215326422);
    }

    @Test
    void uniformIsLowPlusRangeTimesSample() {
        // RandomState(0).uniform(-1, 3, 3)
        assertArrayEquals(new double[] {1.195254015709299, 1.860757465489678, 1.4110535042865755},
                new NumpyRandomState(0).uniform(-1, 3, 3), 0.0);
    }

    @Test
    void randFloat32RoundsEachDraw() {
        // RandomState(1).rand(3).astype(np.float32), numpy's shortest float32 reprs (the spec's 0.00011437482 is
        // this value rounded to 8 digits, which parses to the neighbouring float).
        assertArrayEquals(new float[] {0.417022f, 0.7203245f, 0.000114374816f},
                new NumpyRandomState(1).randFloat32(3), 0f);
    }

    @Test
    void seedOutOfRangeIsRejectedAsNumpyDoes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NumpyRandomState(-1));
        assertEquals("Seed must be between 0 and 2**32 - 1, got -1", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new NumpyRandomState(1L << 32));
        assertThrows(IllegalArgumentException.class, NumpyRandomState::ofArray);
    }

    @Test
    void noSeedStillDrawsInUnitInterval() {
        NumpyRandomState rs = new NumpyRandomState((Long) null);
        for (int i = 0; i < 1000; i++) {
            double d = rs.randomSample();
            assertEquals(true, d >= 0 && d < 1, "draw " + d);
        }
    }
}
