package ibc4j.parity.checks;

import ibc4j.data.SequenceWindow;
import ibc4j.data.TrajectoryStep;
import ibc4j.configurables.IbcConfigurables;
import ibc4j.gin.GinConfig;
import ibc4j.parity.Golden;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import ibc4j.normalizers.GetNormalizers;
import ibc4j.normalizers.Normalizers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The {@code flat_*} tensors of {@code normalizer_stats}: {@code get_normalizers} with {@code nested_obs = False}
 * on IBC's own D4RL test records, under the d4rl config the golden names. The config is parsed here too, so
 * {@code compute_dataset_statistics.min_max_actions} and {@code use_sqrt_std} are read by ibc4j's gin, not taken
 * from the golden; the windows are the golden's (IBC's unshuffled first windows).
 */
final class FlatNormalizerStats {
    private FlatNormalizerStats() {}

    static List<TensorResult> run(Golden g) {
        INDArray obs = g.tensor("flat_window_obs");
        INDArray act = g.tensor("flat_window_actions");
        int s = (int) obs.size(0);
        int t = (int) obs.size(1);
        List<SequenceWindow> windows = new ArrayList<>();
        for (int i = 0; i < s; i++) {
            float[][] frames = new float[t][];
            float[][] actions = new float[t][];
            for (int k = 0; k < t; k++) {
                frames[k] = obs.get(NDArrayIndex.point(i), NDArrayIndex.point(k), NDArrayIndex.all()).toFloatVector();
                actions[k] = act.getRow(i).toFloatVector(); // only the newest frame's action is the target
            }
            TreeMap<String, float[][]> o = new TreeMap<>();
            o.put(TrajectoryStep.WHOLE_OBSERVATION, frames);
            windows.add(new SequenceWindow(0, new int[t], new int[t], o, actions));
        }
        GinConfig gin = IbcConfigurables.newGinConfig().parseFile((String) g.param("flat_gin"));
        gin.finalizeConfig();
        GetNormalizers.NormalizationInfo n = (GetNormalizers.NormalizationInfo) gin.call("get_normalizers",
                Map.of("train_data", windows.iterator(), "batch_size", 32, "env_name", g.param("flat_task"),
                        "num_samples", s));
        Normalizers.Std obsNorm = n.obsNorm().get(TrajectoryStep.WHOLE_OBSERVATION);
        // Chan's update in NumPy's float32 op order, as the per-key rows: identical or 1 ulp; the sqrt of
        // use_sqrt_std is correctly rounded on both sides and halves a relative error.
        Tolerance chan = Tolerance.of(0, 1e-6, "Chan's update in NumPy's float32 op order: identical or 1 ulp");
        Tolerance layer = Tolerance.exact("(x − a) / b with the golden's a, b: two correctly rounded float32 ops");
        List<TensorResult> out = new ArrayList<>();
        out.add(TensorResult.compare(g, "flat_obs_mean", Nd4j.createFromArray(obsNorm.mean()), chan));
        out.add(TensorResult.compare(g, "flat_obs_std", Nd4j.createFromArray(obsNorm.std()), chan));
        Normalizers.Std goldenObs = new Normalizers.Std(g.tensor("flat_obs_mean").toFloatVector(),
                g.tensor("flat_obs_std").toFloatVector());
        out.add(TensorResult.compare(g, "flat_norm_obs", Nd4j.createFromArray(goldenObs.normalize(
                obs.dup().data().asFloat())).reshape(obs.shape()), layer));
        float[] flatAct = act.dup().data().asFloat();
        if (n.actNorm() instanceof Normalizers.MinMax mm) {
            float[] mid = new float[mm.min().length];
            float[] half = new float[mid.length];
            for (int d = 0; d < mid.length; d++) {
                mid[d] = mm.mid(d);
                half[d] = mm.half(d);
            }
            Tolerance exact = Tolerance.exact("min/max pick float32 values; mid and half are one float32 op each");
            out.add(TensorResult.compare(g, "flat_action_mid", Nd4j.createFromArray(mid), exact));
            out.add(TensorResult.compare(g, "flat_action_half", Nd4j.createFromArray(half), exact));
            out.add(TensorResult.compare(g, "flat_norm_actions", Nd4j.createFromArray(mm.normalize(flatAct))
                    .reshape(act.shape()), exact));
        } else {
            Normalizers.Std a = (Normalizers.Std) n.actNorm();
            out.add(TensorResult.compare(g, "flat_action_mean", Nd4j.createFromArray(a.mean()), chan));
            out.add(TensorResult.compare(g, "flat_action_std", Nd4j.createFromArray(a.std()), chan));
            Normalizers.Std golden = new Normalizers.Std(g.tensor("flat_action_mean").toFloatVector(),
                    g.tensor("flat_action_std").toFloatVector());
            out.add(TensorResult.compare(g, "flat_norm_actions", Nd4j.createFromArray(golden.normalize(flatAct))
                    .reshape(act.shape()), layer));
        }
        return out;
    }
}
