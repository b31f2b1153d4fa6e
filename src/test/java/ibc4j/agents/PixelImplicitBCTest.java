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

    /**
     * pixel_ebm_langevin.gin's agent: Langevin counter examples (the full 100-step chain), the final-sample
     * gradient penalty at margin 1 and compute_mse, on a small image (24×32 after the resize) and batch (4 × 8
     * counter examples) so that it stays a few seconds in CI. The value network's weights are scaled up so that
     * the penalty is active from the first step.
     */
    @Test
    void langevinCounterExamplesWithThePenaltyTrain() {
        PixelEBM net = PixelEBM.create(new PixelEBM.ImageSpec(2, 32, 40, 3), 2, 24, 32, new DenseResnetValue(32, 1),
                3);
        long nEnc = net.numEncoderParams();
        net.flatParams().get(org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex
                .interval(nEnc, net.flatParams().length())).muli(10);
        PixelImplicitBC.Settings s = new PixelImplicitBC.Settings(8, new float[] {-1, -1}, new float[] {1, 1}, 1f,
                1.0, 0, true, "inf", true, ibc4j.agents.mcmc.LangevinConfig.ibcDefaults().withNumIterations(100)
                .withReturnChain(true), ibc4j.losses.GradientLoss.Settings.ibcDefaults());
        PixelImplicitBC agent = PixelImplicitBC.create(net, new KerasAdam(new ExponentialDecay(3e-3f, 100f, 0.99f),
                net.flatParams().length()), s);
        org.nd4j.linalg.api.rng.Random rng = Nd4j.getRandomFactory().getNewRandomInstance(11);
        NoiseSource noise = NoiseSource.seeded(5);
        float first = 0;
        float last = 0;
        float firstPenalty = 0;
        int steps = 10;
        for (int i = 0; i < steps; i++) {
            INDArray[] b = batch(rng, 4);
            PixelImplicitBC.Step st = agent.train(b[0], b[1], noise);
            PixelImplicitBC.Loss l = st.detail();
            assertTrue(Float.isFinite(st.loss()), "step " + i + ": loss " + st.loss());
            assertTrue(l.summaries().containsKey("Losses/final_grad_norms_avg"), "chain summaries");
            assertTrue(Float.isFinite(l.summaries().get("Losses/mse_counter_examples")), "compute_mse");
            // The penalty's parameter gradient touches the value network only.
            assertEquals(0.0, l.gradPenalty().get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(0, nEnc)).amaxNumber().doubleValue(), 0.0);
            if (i == 0) {
                firstPenalty = l.summaries().get("Losses/grad_loss");
            }
            if (i < 3) {
                first += st.loss() / 3;
            }
            if (i >= steps - 3) {
                last += st.loss() / 3;
            }
        }
        System.out.printf("PixelEBM Langevin + penalty: first penalty %.4f; loss first 3 steps %.4f, last 3 %.4f%n",
                firstPenalty, first, last);
        assertTrue(firstPenalty > 0, "the penalty is active at the first step: " + firstPenalty);
        assertTrue(last < first, "mean loss of the first 3 steps " + first + ", of the last 3 " + last);
    }

    @Test
    void dfoCounterExamplesAreRefusedWithTheReason() {
        PixelEBM net = PixelEBM.create(new PixelEBM.ImageSpec(2, 32, 40, 3), 2, 24, 32, new DenseResnetValue(8, 1),
                3);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () ->
                PixelImplicitBC.create(net, new KerasAdam(new ExponentialDecay(1e-3f, 100f, 0.99f),
                        net.flatParams().length()), 8, new float[] {-1, -1}, new float[] {1, 1}, 1f, 0.5, 0.5, true));
        assertTrue(e.getMessage().contains("fraction_dfo_samples=0.5"), e.getMessage());
    }
}
