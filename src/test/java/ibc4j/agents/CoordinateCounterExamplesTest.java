package ibc4j.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ibc4j.networks.MLPEBM;
import ibc4j.normalizers.SamplingSpec;
import ibc4j.optimizers.ExponentialDecay;
import ibc4j.optimizers.KerasAdam;
import ibc4j.runtime.NoiseSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** ibc4j's {@code fraction_coordinate_samples}: the true action with one coordinate from the uniform draw. */
class CoordinateCounterExamplesTest {
    private static final SamplingSpec SPEC = new SamplingSpec(null, null, -1f, 1f);

    private static ImplicitBCAgent.Builder builder() {
        MLPEBM net = MLPEBM.create(MLPEBM.Config.particle().withWidth(16), 2, 2, 4);
        return ImplicitBCAgent.builder(net, new KerasAdam(new ExponentialDecay(1e-3f, 100, 0.99f),
                net.graph().numParams()), SPEC).numCounterExamples(7).fractions(0.0, 0.0).returnFullChain(false);
    }

    @Test
    void theCoordinateShareComesLastAndVariesCoordinateKModA() {
        ImplicitBCAgent agent = builder().fractionCoordinateSamples(0.5).build();
        INDArray obs = Nd4j.createFromArray(new float[][] {{0.2f, -0.4f}, {1.0f, 0.3f}});
        float[][] demo = {{0.1f, 0.2f}, {-0.5f, 0.6f}};
        ImplicitBCAgent.CounterExamples ce = agent.makeCounterExampleActions(obs, Nd4j.createFromArray(demo),
                NoiseSource.seeded(3));
        INDArray u = ce.initial().reshape(2, 7, 2);
        INDArray c = ce.counterExamples();
        // int(0.5·7) = 3 coordinate columns (4, 5, 6), the residual 4 stay uniform, as IBC rounds its shares.
        for (int i = 0; i < 2; i++) {
            for (int k = 0; k < 7; k++) {
                for (int j = 0; j < 2; j++) {
                    float want = k < 4 || j != k % 2 ? (k < 4 ? u.getFloat(i, k, j) : demo[i][j]) : u.getFloat(i, k, j);
                    assertEquals(want, c.getFloat(i, k, j), "example " + i + ", counter example " + k + ", coord " + j);
                }
            }
        }
        assertEquals(Nd4j.createFromArray(demo[1]), ce.combined().getRow(2 * 8 - 1), "the true action stays last");
    }

    @Test
    void atZeroTheCounterExamplesAreIbcsUniformDraw() {
        INDArray obs = Nd4j.createFromArray(new float[][] {{0.2f, -0.4f}});
        INDArray act = Nd4j.createFromArray(new float[][] {{0.1f, 0.2f}});
        ImplicitBCAgent.CounterExamples ce = builder().build().makeCounterExampleActions(obs, act,
                NoiseSource.seeded(4));
        assertEquals(ce.initial().reshape(1, 7, 2), ce.counterExamples());
    }

    @Test
    void theSharesMustStillSumToAtMostOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> builder().fractions(0.0, 0.6).fractionCoordinateSamples(0.5).build());
        assertEquals("ImplicitBCAgent: need fraction_dfo_samples >= 0, fraction_langevin_samples >= 0, "
                + "fraction_coordinate_samples >= 0 and their sum <= 1, got 0.0, 0.6 and 0.5", e.getMessage());
    }
}
