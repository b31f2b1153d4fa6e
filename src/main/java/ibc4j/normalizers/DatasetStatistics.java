package ibc4j.normalizers;

import ibc4j.data.SequenceWindow;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code compute_dataset_statistics} as {@code ibc/train/get_normalizers.py} calls it for nested observations:
 * the first {@code num_samples} (window, action) pairs of the (shuffled) training stream, each observation key's
 * time steps fed one vector at a time, then per-key z-scoring and, with min_max_actions, min-max actions.
 *
 * @param observation per-key normalizers (sorted keys)
 * @param actionMinMax min-max action normalizer (IBC's particle configs set min_max_actions = True)
 * @param actionStd    z-scoring action normalizer (used when min_max_actions = False)
 */
public record DatasetStatistics(Map<String, Normalizers.Std> observation, Normalizers.MinMax actionMinMax,
                                Normalizers.Std actionStd) {

    /** IBC asserts more than 2 samples were seen. */
    public static DatasetStatistics compute(Iterator<SequenceWindow> stream, int numSamples) {
        Map<String, ChanRunningStatistics> obs = new LinkedHashMap<>();
        ChanRunningStatistics act = null;
        float[] min = null;
        float[] max = null;
        int seen = 0;
        while (seen < numSamples && stream.hasNext()) {
            SequenceWindow w = stream.next();
            for (String key : w.observation().keySet()) {
                float[][] frames = w.observation().get(key);
                ChanRunningStatistics s = obs.computeIfAbsent(key, k -> new ChanRunningStatistics(frames[0].length));
                for (float[] frame : frames) {
                    s.update(frame);
                }
            }
            float[] a = w.targetAction();
            if (act == null) {
                act = new ChanRunningStatistics(a.length);
                min = a.clone();
                max = a.clone();
            }
            act.update(a);
            for (int i = 0; i < a.length; i++) {
                min[i] = Math.min(min[i], a[i]);
                max[i] = Math.max(max[i], a[i]);
            }
            seen++;
        }
        if (seen <= 2) {
            throw new IllegalArgumentException("compute_dataset_statistics: needs more than 2 samples, the dataset "
                    + "gave " + seen);
        }
        Map<String, Normalizers.Std> out = new LinkedHashMap<>();
        obs.forEach((k, s) -> out.put(k, new Normalizers.Std(s.mean(), s.std())));
        return new DatasetStatistics(out, new Normalizers.MinMax(min, max), new Normalizers.Std(act.mean(), act.std()));
    }
}
