package ibc4j.optimizers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Keras Adam as IBC's {@code ibc/train/get_agent.py} builds it: {@code tf.keras.optimizers.Adam(learning_rate=
 * ExponentialDecay(lr, decay_steps, 0.99))} with Keras defaults β1 = 0.9, β2 = 0.999, ε = 1e-7.
 *
 * <p>Not ND4J's Adam: Keras adds ε to the square root of the <em>uncorrected</em> v and folds the bias correction
 * into the step size, and the schedule reads the step count before the update. In float32, with k = t + 1:
 * <pre>
 *   m ← m + (g − m)(1 − β1);  v ← v + (g² − v)(1 − β2)
 *   α = lr(t)·sqrt(1 − β2^k)/(1 − β1^k);  θ ← θ − (m·α)/(sqrt(v) + ε)
 * </pre>
 * Works on one flat parameter vector (a DL4J graph's {@code params()} view), so the graph stays the model of
 * record and the state is three flat arrays that checkpoint as they are.
 */
public final class KerasAdam {
    public static final float BETA_1 = 0.9f;
    public static final float BETA_2 = 0.999f;
    public static final float EPSILON = 1e-7f;

    private final ExponentialDecay schedule;
    private final INDArray m;
    private final INDArray v;
    private long iterations;

    public KerasAdam(ExponentialDecay schedule, long numParams) {
        this.schedule = schedule;
        this.m = Nd4j.zeros(DataType.FLOAT, numParams);
        this.v = Nd4j.zeros(DataType.FLOAT, numParams);
    }

    /** Restores a checkpointed state. */
    public KerasAdam(ExponentialDecay schedule, INDArray m, INDArray v, long iterations) {
        this.schedule = schedule;
        this.m = m.castTo(DataType.FLOAT).dup();
        this.v = v.castTo(DataType.FLOAT).dup();
        this.iterations = iterations;
    }

    /** One update of {@code params} (in place) from {@code grad}; both flat float vectors of the same length. */
    public void apply(INDArray params, INDArray grad) {
        if (params.length() != m.length() || grad.length() != m.length()) {
            throw new IllegalArgumentException("KerasAdam: expected " + m.length() + " parameters and gradients, got "
                    + params.length() + " and " + grad.length());
        }
        float lr = schedule.learningRate(iterations);
        float k = (float) (iterations + 1);
        float beta1Power = (float) Math.pow(BETA_1, k);
        float beta2Power = (float) Math.pow(BETA_2, k);
        float alpha = lr * (float) Math.sqrt(1f - beta2Power) / (1f - beta1Power);
        INDArray p = params.reshape(m.length());
        INDArray g = grad.reshape(m.length());
        m.addi(g.sub(m).muli(1f - BETA_1));
        v.addi(g.mul(g).subi(v).muli(1f - BETA_2));
        INDArray denom = org.nd4j.linalg.ops.transforms.Transforms.sqrt(v, true).addi(EPSILON);
        p.subi(m.mul(alpha).divi(denom));
        iterations++;
    }

    public long iterations() {
        return iterations;
    }

    public INDArray m() {
        return m;
    }

    public INDArray v() {
        return v;
    }

    /** The learning rate the next {@link #apply} will use. */
    public float currentLearningRate() {
        return schedule.learningRate(iterations);
    }
}
