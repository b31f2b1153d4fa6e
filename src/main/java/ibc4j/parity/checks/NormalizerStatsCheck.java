package ibc4j.parity.checks;

import ibc4j.normalizers.ChanRunningStatistics;
import ibc4j.normalizers.Normalizers;
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
 * {@link ChanRunningStatistics} and {@link Normalizers.MinMax} against {@code stats.compute_dataset_statistics}
 * on the exporter's windows: per sample, each key's time steps are fed one vector at a time, as IBC does. The
 * flat-observation path (nested_obs = False, D4RL) is {@link FlatNormalizerStats}.
 */
public final class NormalizerStatsCheck implements ComponentCheck {
    private static final String[] KEYS = {"pos_agent", "pos_first_goal", "pos_second_goal", "vel_agent"};

    @Override
    public String component() {
        return "normalizer_stats";
    }

    @Override
    public List<TensorResult> run(Golden g) {
        // Same float32 operations in the same order as NumPy: equal up to NumPy's own int→float conversions.
        Tolerance same = Tolerance.of(0, 1e-6, "Chan's update in NumPy's float32 op order: identical or 1 ulp");
        List<TensorResult> out = new ArrayList<>();
        for (String key : KEYS) {
            INDArray w = g.tensor("window_obs_" + key);
            ChanRunningStatistics s = new ChanRunningStatistics((int) w.size(2));
            for (int i = 0; i < w.size(0); i++) {
                for (int t = 0; t < w.size(1); t++) {
                    s.update(w.get(NDArrayIndex.point(i), NDArrayIndex.point(t), NDArrayIndex.all()).toFloatVector());
                }
            }
            out.add(TensorResult.compare(g, "mean_" + key, Nd4j.createFromArray(s.mean()), same));
            out.add(TensorResult.compare(g, "std_" + key, Nd4j.createFromArray(s.std()), same));
        }
        INDArray actions = g.tensor("window_actions");
        INDArray min = actions.min(0);
        INDArray max = actions.max(0);
        Normalizers.MinMax mm = new Normalizers.MinMax(min.toFloatVector(), max.toFloatVector());
        float[] mid = new float[(int) min.length()];
        float[] half = new float[mid.length];
        for (int d = 0; d < mid.length; d++) {
            mid[d] = mm.mid(d);
            half[d] = mm.half(d);
        }
        Tolerance exact = Tolerance.exact("min/max pick float32 values; mid and half are one float32 op each");
        out.add(TensorResult.compare(g, "action_min", min, exact));
        out.add(TensorResult.compare(g, "action_max", max, exact));
        out.add(TensorResult.compare(g, "action_mid", Nd4j.createFromArray(mid), exact));
        out.add(TensorResult.compare(g, "action_half", Nd4j.createFromArray(half), exact));
        out.addAll(FlatNormalizerStats.run(g)); // nested_obs = False, as the d4rl configs run it
        return out;
    }
}
