package ibc4j.agents;

import ibc4j.runtime.NoiseSource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.networks.pixel.DenseResnetValue;
import ibc4j.networks.pixel.PixelEBM;
import ibc4j.optimizers.ExponentialDecay;
import ibc4j.optimizers.KerasAdam;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The PixelEBM training step (uniform counter examples, info_nce, late fusion) learns a synthetic target. Small
 * images (24×32 after the resize, IBC's sequence length 2) and a small value network so that CI stays fast.
 */
class PixelImplicitBCTest {
    /** Images whose left/right brightness encodes the action: a learnable map from pixels to actions. */
    private static INDArray[] batch(org.nd4j.linalg.api.rng.Random rng, int b) {
        // Actions in [0.2, 0.6]² (the counter examples are uniform in [-1, 1]²): learnable within a few steps.
        INDArray act = rng.nextDouble(new long[] {b, 2}).castTo(DataType.FLOAT).muli(0.4).addi(0.2);
        INDArray rgb = rng.nextGaussian(new long[] {b, 2, 32, 40, 3}).castTo(DataType.FLOAT).muli(0.1f);
        for (int i = 0; i < b; i++) {
            rgb.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0,
                            20)).addi(act.getFloat(i, 0));
            rgb.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(20,
                            40)).addi(act.getFloat(i, 1));
        }
        return new INDArray[] {rgb, act};
    }

    @Test
    void lossDecreasesOnALearnableTarget() {
        PixelEBM net = PixelEBM.create(new PixelEBM.ImageSpec(2, 32, 40, 3), 2, 24, 32, new DenseResnetValue(64, 1),
                3);
        PixelImplicitBC agent = PixelImplicitBC.create(net, new KerasAdam(new ExponentialDecay(3e-3f, 100f, 0.99f),
                net.flatParams().length()), 8, new float[] {-1, -1}, new float[] {1, 1}, 1f, 0, 0, false);
        org.nd4j.linalg.api.rng.Random rng = Nd4j.getRandomFactory().getNewRandomInstance(11);
        NoiseSource noise = NoiseSource.seeded(5);
        float first = 0;
        float last = 0;
        int steps = 20;
        for (int s = 0; s < steps; s++) {
            INDArray[] b = batch(rng, 4);
            float loss = agent.train(b[0], b[1], noise).loss();
            assertTrue(Float.isFinite(loss), "step " + s + ": loss " + loss);
            if (s < 5) {
                first += loss / 5;
            }
            if (s >= steps - 5) {
                last += loss / 5;
            }
        }
        System.out.printf("PixelEBM info_nce loss: first 5 steps %.4f, last 5 steps %.4f%n", first, last);
        assertEquals(20, agent.trainStep());
        // ln(9) ≈ 2.197 is chance for 8 counter examples + 1 true action.
        assertTrue(first > 2.0, "initial loss near chance, got " + first);
        assertTrue(last < first - 0.1, "mean loss of the first 5 steps " + first + ", of the last 5 " + last);
    }

    @Test
    void langevinCounterExamplesAreRefusedWithTheReason() {
        PixelEBM net = PixelEBM.create(new PixelEBM.ImageSpec(2, 32, 40, 3), 2, 24, 32, new DenseResnetValue(8, 1),
                3);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () ->
                PixelImplicitBC.create(net, new KerasAdam(new ExponentialDecay(1e-3f, 100f, 0.99f),
                        net.flatParams().length()), 8, new float[] {-1, -1}, new float[] {1, 1}, 1f, 1.0, 0, true));
        assertTrue(e.getMessage().contains("fraction_langevin_samples=1.0"), e.getMessage());
    }
}
