package ibc4j.losses;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The loss of IBC's MSE agent ({@code ibc/agents/mse_agent.py} {@code _loss}): per example
 * {@code tf.losses.mse(actions, bc_action)} = Keras {@code mean_squared_error} = {@code mean_a (y − t)²}
 * ({@code squared_difference}, then {@code reduce_mean} over the last axis), then tf-agents'
 * {@code aggregate_losses} = {@code Σ_b loss_b / B} (no sample weights, no regularization losses).
 *
 * <p>Float32 in TF's operation order; the gradient is what TF's autodiff computes, in its order: the sum/B
 * division gives {@code 1/B} per example, the mean's gradient divides by A, and {@code SquaredDifference}'s is
 * {@code (2·g)·(y − t)}.
 */
public final class MseLoss {
    private MseLoss() {}

    /**
     * @param perExample {@code [B]}
     * @param total      {@code Σ_b perExample_b / B}
     * @param gradOutput {@code ∂total/∂y} {@code [B, A]}
     */
    public record Result(INDArray perExample, float total, INDArray gradOutput) {}

    /** {@code predictions} (the network's y) and {@code targets}, both {@code [B, A]}. */
    public static Result compute(INDArray predictions, INDArray targets) {
        if (predictions.rank() != 2 || !java.util.Arrays.equals(predictions.shape(), targets.shape())) {
            throw new IllegalArgumentException("MSE loss: predictions and targets must both be [B, A], got "
                    + java.util.Arrays.toString(predictions.shape()) + " and "
                    + java.util.Arrays.toString(targets.shape()));
        }
        int b = (int) predictions.size(0);
        int a = (int) predictions.size(1);
        float[] y = predictions.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] t = targets.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] per = new float[b];
        float[] grad = new float[y.length];
        float g = (1f / b) / a;          // DivNoNan(1, B), then Mean's division by A
        float twoG = 2f * g;             // scalar_mul(2.0, grad)
        float sum = 0f;
        for (int i = 0; i < b; i++) {
            float s = 0f;
            for (int j = 0; j < a; j++) {
                float d = y[i * a + j] - t[i * a + j];
                s += d * d;
                grad[i * a + j] = twoG * d;
            }
            per[i] = s / a;
            sum += per[i];
        }
        return new Result(Nd4j.create(per, new long[] {b}), sum / b, Nd4j.create(grad, new long[] {b, a}, 'c'));
    }
}
