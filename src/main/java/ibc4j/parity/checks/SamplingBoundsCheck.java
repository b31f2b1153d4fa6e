package ibc4j.parity.checks;

import ibc4j.agents.mcmc.Mcmc;
import ibc4j.normalizers.Normalizers;
import ibc4j.normalizers.SamplingSpec;
import ibc4j.parity.Golden;
import ibc4j.parity.ParityCheck;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.factory.Nd4j;

/** {@link SamplingSpec} against {@code get_sampling_spec}, and the Langevin delta clip derived from it. */
public final class SamplingBoundsCheck implements ComponentCheck {
    @Override
    public String component() {
        return "sampling_bounds";
    }

    @Override
    public List<TensorResult> run(Golden g) {
        float[] min = g.tensor("min_actions").toFloatVector();
        float[] max = g.tensor("max_actions").toFloatVector();
        int a = min.length;
        float[] envMin = new float[a];
        float[] envMax = new float[a];
        Arrays.fill(envMin, g.tensor("env_action_minimum").getFloat(0));
        Arrays.fill(envMax, g.tensor("env_action_maximum").getFloat(0));
        Normalizers.MinMax actNorm = new Normalizers.MinMax(min, max);
        SamplingSpec s = SamplingSpec.of(min, max, envMin, envMax, (float) g.doubleParam("uniform_boundary_buffer"),
                actNorm);
        float[] nmin = actNorm.normalize(s.bufferedMin());
        float[] nmax = actNorm.normalize(s.bufferedMax());
        float lo = nmin[0];
        float hi = nmax[0];
        // mcmc.langevin_step inside its tf.function: the bounds are float32 tensors, so every op is float32.
        float clip = Mcmc.deltaClip(g.doubleParam("delta_action_clip"), lo, hi);
        Tolerance exact = Tolerance.exact("each value is one or two float32 ops in IBC's order");
        return List.of(
                TensorResult.compare(g, "buffered_min", Nd4j.createFromArray(s.bufferedMin()), exact),
                TensorResult.compare(g, "buffered_max", Nd4j.createFromArray(s.bufferedMax()), exact),
                TensorResult.compare(g, "normalized_min_vector", Nd4j.createFromArray(nmin), exact),
                TensorResult.compare(g, "normalized_max_vector", Nd4j.createFromArray(nmax), exact),
                TensorResult.compare(g, "sampling_lo", Nd4j.scalar(lo), exact),
                TensorResult.compare(g, "sampling_hi", Nd4j.scalar(hi), exact),
                TensorResult.compare(g, "delta_clip", Nd4j.scalar(clip), exact));
    }
}
