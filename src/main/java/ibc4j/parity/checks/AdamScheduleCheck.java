package ibc4j.parity.checks;

import ibc4j.optimizers.ExponentialDecay;
import ibc4j.optimizers.KerasAdam;
import ibc4j.parity.Golden;
import ibc4j.parity.ParityCheck;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link KerasAdam} + {@link ExponentialDecay} against the optimizer IBC's {@code get_agent} builds, driven by
 * TF's recorded gradient sequence for 101 steps; weights and slots compared after steps 1, 2, 100 and 101.
 */
public final class AdamScheduleCheck implements ComponentCheck {
    private static final int[] RECORDED = {1, 2, 100, 101};

    @Override
    public String component() {
        return "adam_schedule";
    }

    @Override
    public List<TensorResult> run(Golden g) {
        ExponentialDecay schedule = new ExponentialDecay((float) g.doubleParam("learning_rate"),
                (float) g.doubleParam("decay_steps"), (float) g.doubleParam("decay_rate"));
        INDArray kernel = g.tensor("init_head_kernel").dup();
        INDArray bias = g.tensor("init_head_bias").dup();
        KerasAdam adamKernel = new KerasAdam(schedule, kernel.length());
        KerasAdam adamBias = new KerasAdam(schedule, bias.length());
        INDArray gk = g.tensor("grads_head_kernel");
        INDArray gb = g.tensor("grads_head_bias");
        int steps = g.intParam("steps");
        float[] lrs = new float[steps];
        List<TensorResult> out = new ArrayList<>();
        // Each step moves weights by ~lr = 1e-3 with float32 rounding ~1e-10; over 101 steps the drift is
        // ~1e-8 absolute on weights of size ~0.05 (TF's pow/sqrt may differ from Java's by an ulp).
        Tolerance weights = Tolerance.of(1e-8, 1e-5, "101 float32 Adam updates of ~1e-3: accumulated ulps ~1e-8");
        Tolerance slots = Tolerance.of(1e-10, 1e-5, "m and v are float32 running averages: a few ulps relative");
        for (int step = 1; step <= steps; step++) {
            lrs[step - 1] = adamKernel.currentLearningRate();
            adamKernel.apply(kernel, gk.get(NDArrayIndex.point(step - 1)).dup());
            adamBias.apply(bias, gb.get(NDArrayIndex.point(step - 1)).dup());
            for (int r : RECORDED) {
                if (r == step) {
                    String p = "step" + step + "_";
                    out.add(TensorResult.compare(g, p + "head_kernel", kernel, weights));
                    out.add(TensorResult.compare(g, p + "m_head_kernel", adamKernel.m().reshape(kernel.shape()), slots));
                    out.add(TensorResult.compare(g, p + "v_head_kernel", adamKernel.v().reshape(kernel.shape()), slots));
                    out.add(TensorResult.compare(g, p + "head_bias", bias, weights));
                    out.add(TensorResult.compare(g, p + "m_head_bias", adamBias.m().reshape(bias.shape()), slots));
                    out.add(TensorResult.compare(g, p + "v_head_bias", adamBias.v().reshape(bias.shape()), slots));
                }
            }
        }
        out.add(0, TensorResult.compare(g, "learning_rate", Nd4j.createFromArray(lrs), Tolerance.of(0, 2e-7,
                "lr0·pow(0.99, t/100) in float32: one rounding of pow, ≤ 1 ulp")));
        return out;
    }
}
