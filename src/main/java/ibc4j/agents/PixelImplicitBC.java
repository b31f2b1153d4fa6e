package ibc4j.agents;

import ibc4j.runtime.NoiseSource;
import ibc4j.losses.EbmLoss;
import ibc4j.networks.pixel.PixelEBM;
import ibc4j.optimizers.KerasAdam;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One {@code ImplicitBCAgent._train} step over a {@link PixelEBM} with {@code late_fusion=True}, as
 * {@code configs/pushing_pixels/pixel_ebm_best.gin} runs it (IBC db89ddb, {@code ibc/agents/ibc_agent.py}):
 * <pre>
 * counter examples: n uniform actions per example in the sampling bounds (fraction_dfo/langevin_samples = 0)
 * combined = concat([counter, true], 1)                    [B, n+1, A], the true action last
 * f = value(tile_batch(encode(obs), n+1), combined)       the encoder runs once per observation
 * loss = mean_b info_nce(f / T);  Adam on every weight (encoder and value network)
 * </pre>
 * Only the uniform-counter-example, info_nce, no-grad-penalty path: the Langevin config's counter examples
 * (chains under the gradient with a penalty) are refused by {@link #create} with the reason.
 */
public final class PixelImplicitBC {
    private final PixelEBM net;
    private final KerasAdam optimizer;
    private final int numCounterExamples;
    private final float[] minActions;
    private final float[] maxActions;
    private final float temperature;
    private long step;

    private PixelImplicitBC(PixelEBM net, KerasAdam optimizer, int numCounterExamples, float[] minActions,
                            float[] maxActions, float temperature) {
        this.net = net;
        this.optimizer = optimizer;
        this.numCounterExamples = numCounterExamples;
        this.minActions = minActions.clone();
        this.maxActions = maxActions.clone();
        this.temperature = temperature;
    }

    /**
     * @param fractionLangevinSamples ImplicitBCAgent.fraction_langevin_samples: only 0 is supported here
     * @param fractionDfoSamples      ImplicitBCAgent.fraction_dfo_samples: only 0
     * @param addGradPenalty          ImplicitBCAgent.add_grad_penalty: only False
     */
    public static PixelImplicitBC create(PixelEBM net, KerasAdam optimizer, int numCounterExamples,
                                         float[] minActions, float[] maxActions, float softmaxTemperature,
                                         double fractionLangevinSamples, double fractionDfoSamples,
                                         boolean addGradPenalty) {
        if (fractionLangevinSamples != 0 || fractionDfoSamples != 0 || addGradPenalty) {
            throw new UnsupportedOperationException("PixelEBM training supports uniform counter examples without "
                    + "a gradient penalty (pixel_ebm_best.gin); got fraction_langevin_samples="
                    + fractionLangevinSamples + ", fraction_dfo_samples=" + fractionDfoSamples
                    + ", add_grad_penalty=" + addGradPenalty + " (pixel_ebm_langevin.gin's Langevin counter "
                    + "examples under the gradient are not ported for PixelEBM)");
        }
        Preconditions.checkArgument(numCounterExamples >= 1, "num_counter_examples must be >= 1");
        Preconditions.checkArgument(minActions.length == net.actionDim() && maxActions.length == net.actionDim(),
                "sampling bounds: %s/%s values for %s action dimensions", minActions.length, maxActions.length,
                net.actionDim());
        return new PixelImplicitBC(net, optimizer, numCounterExamples, minActions, maxActions, softmaxTemperature);
    }

    /** What one step computed. */
    public record Step(long step, INDArray combinedActions, INDArray predictions, float loss) {}

    /**
     * One training step on normalized images {@code [B, T, H, W, C]} and normalized actions {@code [B, A]};
     * updates the network in place.
     *
     * @throws NonFiniteException if the loss or the gradient is not finite
     */
    public Step train(INDArray rgb, INDArray actions, NoiseSource noise) {
        int b = (int) rgb.size(0);
        int n = numCounterExamples;
        int a = net.actionDim();
        Preconditions.checkArgument(actions.size(0) == b && actions.size(1) == a,
                "actions: expected [%s, %s], got %s", b, a, actions.shapeInfoToString());
        INDArray u = Nd4j.create(DataType.FLOAT, b * n, a);
        noise.uniform(u);
        float[] x = u.dup('c').data().asFloat();
        for (int i = 0; i < x.length; i++) {
            int j = i % a;
            x[i] = x[i] * (maxActions[j] - minActions[j]) + minActions[j]; // tf.random.uniform(minval, maxval)
        }
        INDArray counter = Nd4j.create(x, new long[] {b, n, a}, 'c');
        INDArray combined = Nd4j.concat(1, counter, actions.castTo(DataType.FLOAT).reshape(b, 1, a))
                .reshape('c', b * (n + 1), a);
        INDArray predictions = net.energies(rgb, combined).reshape(b, n + 1);
        EbmLoss.InfoNce nce = EbmLoss.infoNce(predictions, temperature, 1f / b);
        float loss = nce.perExampleLoss().sumNumber().floatValue() / b;
        INDArray grad = net.paramGradient(rgb, combined, nce.gradPredictions().reshape(b * (n + 1)));
        NonFiniteException.check(step, "total_loss", Nd4j.scalar(loss));
        NonFiniteException.check(step, "gradient of the PixelEBM weights", grad);
        optimizer.apply(net.flatParams(), grad);
        NonFiniteException.check(step, "updated PixelEBM weights", net.flatParams());
        return new Step(step++, combined, predictions, loss);
    }

    public PixelEBM network() {
        return net;
    }

    public long trainStep() {
        return step;
    }

    /** Continues IBC's {@code train_step_counter} from {@code trainStep} (a resumed checkpoint's step). */
    public PixelImplicitBC startingAt(long trainStep) {
        Preconditions.checkArgument(trainStep >= 0, "train step must be >= 0, got %s", trainStep);
        this.step = trainStep;
        return this;
    }

    public KerasAdam optimizer() {
        return optimizer;
    }
}
