package ibc4j.normalizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Statistics, normalizers and sampling bounds, against direct double-precision computation and IBC's quirks. */
class NormalizersTest {

    @Test
    void chanStatisticsAreThePopulationMeanAndStd() {
        Random r = new Random(4);
        ChanRunningStatistics s = new ChanRunningStatistics(2);
        double[] sum = new double[2];
        double[] sq = new double[2];
        int n = 5000;
        float[][] xs = new float[n][2];
        for (int i = 0; i < n; i++) {
            xs[i] = new float[] {(float) (0.3 + 0.1 * r.nextGaussian()), (float) (5 + 2 * r.nextGaussian())};
            s.update(xs[i]);
            sum[0] += xs[i][0];
            sum[1] += xs[i][1];
        }
        for (float[] x : xs) {
            sq[0] += Math.pow(x[0] - sum[0] / n, 2);
            sq[1] += Math.pow(x[1] - sum[1] / n, 2);
        }
        // Chan's update in float32 over 5000 samples: mean error ~n·ulp(mean)/sqrt(n) ≈ 1e-6 relative; the Kahan-summed
        // second moment is accurate to a few ulps, so 1e-5 relative on std is ample.
        assertEquals(sum[0] / n, s.mean()[0], 1e-5 * 0.3);
        assertEquals(sum[1] / n, s.mean()[1], 1e-5 * 5);
        assertEquals(Math.sqrt(sq[0] / n), s.std()[0], 1e-5 * 0.1);
        assertEquals(Math.sqrt(sq[1] / n), s.std()[1], 1e-5 * 2);
        assertEquals(n, s.count());
    }

    @Test
    void stdNormalizationFloorsTheStd() {
        Normalizers.Std std = new Normalizers.Std(new float[] {1f}, new float[] {0f});
        assertEquals(1f / Normalizers.EPS, std.normalize(new float[] {2f})[0], 0);
        assertEquals(1.1920929e-7f, Normalizers.EPS, 0);
    }

    @Test
    void minMaxMapsTheRangeToMinusOneOne() {
        Normalizers.MinMax mm = new Normalizers.MinMax(new float[] {0.1f, 0f}, new float[] {0.9f, 1f});
        assertArrayEquals(new float[] {-1f, 1f}, mm.normalize(new float[] {0.1f, 1f}), 1e-6f);
        assertArrayEquals(new float[] {0.5f, 0.25f}, mm.denormalize(new float[] {0f, -0.5f}), 1e-6f);
    }

    @Test
    void samplingBoundsUseDimensionZeroForEveryDimension() {
        // Particle-like: actions in [0.02, 0.98] × [0.1, 0.5]; env bounds [0, 1].
        float[] min = {0.02f, 0.1f};
        float[] max = {0.98f, 0.5f};
        Normalizers.MinMax mm = new Normalizers.MinMax(min, max);
        SamplingSpec s = SamplingSpec.of(min, max, new float[] {0f, 0f}, new float[] {1f, 1f}, 0.05f, mm);
        // dim 0: range 0.96 → [0.02-0.048, 0.98+0.048] clipped to [0, 1] → normalized (0-0.5)/0.48, (1-0.5)/0.48.
        assertEquals(-0.5f / 0.48f, s.normalizedMin(), 1e-6);
        assertEquals(0.5f / 0.48f, s.normalizedMax(), 1e-6);
        assertArrayEquals(new float[] {s.normalizedMin(), s.normalizedMin()}, s.minActions(2));
        assertArrayEquals(new float[] {0.08f, 0.52f}, new float[] {s.bufferedMin()[1], s.bufferedMax()[1]}, 1e-6f);
    }
}
