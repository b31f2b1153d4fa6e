package ibc4j.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link KerasAdam} and {@link ExponentialDecay} against values worked out from Keras' formulas by hand. */
class KerasAdamTest {

    @Test
    void scheduleIsContinuousWithDecayStepsOneHundred() {
        ExponentialDecay s = new ExponentialDecay(1e-3f, 100f, 0.99f);
        assertEquals(1e-3, s.learningRate(0), 1e-10);
        assertEquals(1e-3 * Math.pow(0.99, 0.5), s.learningRate(50), 1e-9);   // no staircase
        assertEquals(3.660323e-4, s.learningRate(10_000), 1e-9);
    }

    @Test
    void firstStepMovesByAlmostTheLearningRate() {
        // g = 1: m = 0.1, v = 0.001, α = 1e-3·sqrt(0.001)/0.1 = 3.1622777e-4,
        // Δ = 0.1·α / (sqrt(0.001) + 1e-7) = 9.999968e-4 (ε on the uncorrected v makes it just under lr).
        KerasAdam adam = new KerasAdam(new ExponentialDecay(1e-3f, 100f, 0.99f), 2);
        INDArray params = Nd4j.zeros(DataType.FLOAT, 2);
        adam.apply(params, Nd4j.createFromArray(1f, -2f));
        assertEquals(-9.999968e-4, params.getDouble(0), 2e-10);
        assertEquals(9.999984e-4, params.getDouble(1), 2e-10);
        assertEquals(1, adam.iterations());
        assertEquals(0.1, adam.m().getDouble(0), 1e-7);
        // 1 - 0.999f is 9.9998713e-4 in float32 (as in TF, which subtracts in float32), so v = 4·that.
        assertEquals(3.9999485e-3, adam.v().getDouble(1), 1e-10);
    }
}
