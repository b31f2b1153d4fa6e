package ibc4j.normalizers;

import ibc4j.data.SequenceWindow;
import ibc4j.gin.Configurable;
import ibc4j.gin.Param;
import ibc4j.gin.Positive;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code get_normalizers} ({@code ibc/train/get_normalizers.py}) and {@code compute_dataset_statistics}
 * ({@code ibc/train/stats.py}) as gin configurables, so {@code get_normalizers.num_samples = 5000} and
 * {@code compute_dataset_statistics.min_max_actions = True} in IBC's particle configs take effect here too.
 * The statistics themselves are {@link DatasetStatistics} (checked against IBC's values in the parity rows).
 */
public final class GetNormalizers {
    private GetNormalizers() {}

    /**
     * IBC's {@code NormalizationInfo}.
     *
     * @param obsNorm    per observation key, sorted (IBC's NestMap of StdNormalizationLayer)
     * @param actNorm    a {@link Normalizers.MinMax} (min_max_actions) or {@link Normalizers.Std}
     * @param minActions per-dimension minimum action seen
     * @param maxActions per-dimension maximum action seen
     */
    public record NormalizationInfo(Map<String, Normalizers.Std> obsNorm, Object actNorm, float[] minActions,
                                    float[] maxActions) {
        /** Normalizes a flat {@code [.., A]} action vector with {@link #actNorm}. */
        public float[] normalizeActions(float[] a) {
            return actNorm instanceof Normalizers.MinMax m ? m.normalize(a) : ((Normalizers.Std) actNorm).normalize(a);
        }
    }

    /**
     * @param trainData the shuffled training windows ({@code train_data.unbatch()} in IBC)
     * @param batchSize only for {@code num_samples = num_batches * batch_size} when num_samples is None
     * @param envName   unused here (IBC flattens non-nested, non-D4RL observations)
     */
    @Configurable("get_normalizers")
    public static NormalizationInfo getNormalizers(
            @Param(value = "train_data", doc = "the (unnormalized, shuffled) training windows")
            Iterator<SequenceWindow> trainData,
            @Positive @Param(value = "batch_size", doc = "train_eval's batch size") int batchSize,
            @Param(value = "env_name", doc = "e.g. Particle-v0") String envName,
            @Param(value = "nested_obs", dflt = "False", doc = "per-key normalizers (particle configs: True)")
            boolean nestedObs,
            @Param(value = "nested_actions", dflt = "False", doc = "only False") boolean nestedActions,
            @Positive
            @Param(value = "num_batches", dflt = "100", doc = "samples = num_batches * batch_size, if no num_samples")
            int numBatches,
            @Positive
            @Param(value = "num_samples", dflt = "None", doc = "windows to compute statistics over")
                    Integer numSamples) {
        int n = numSamples != null ? numSamples : numBatches * batchSize;
        // Through gin, as IBC's call is: compute_dataset_statistics.min_max_actions comes from the config.
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("dataset", trainData);
        args.put("num_samples", n);
        args.put("nested_obs", nestedObs);
        args.put("nested_actions", nestedActions);
        ibc4j.gin.GinConfig gin = ibc4j.gin.GinConfig.currentOrNull();
        if (gin == null) { // called from Java, not through gin: IBC's code defaults
            return computeDatasetStatistics(trainData, n, nestedObs, nestedActions, false, false);
        }
        return (NormalizationInfo) gin.call("compute_dataset_statistics", args);
    }

    /**
     * {@code compute_dataset_statistics}. With {@code nested_obs = False} the observation must be one tensor (D4RL's
     * flat Box): its one normalizer is the same per-dimension z-score; a dict is refused as stats.py refuses it.
     */
    @Configurable("compute_dataset_statistics")
    public static NormalizationInfo computeDatasetStatistics(
            @Param(value = "dataset", doc = "the windows") Iterator<SequenceWindow> dataset,
            @Positive @Param(value = "num_samples", doc = "windows to read") int numSamples,
            @Param(value = "nested_obs", dflt = "True", doc = "per-key normalizers") boolean nestedObs,
            @Param(value = "nested_actions", dflt = "False", doc = "only False") boolean nestedActions,
            @Param(value = "min_max_actions", dflt = "False", doc = "actions to [-1, 1] instead of z-scores")
            boolean minMaxActions,
            @Param(value = "use_sqrt_std", dflt = "False", doc = "divide by sqrt(std)") boolean useSqrtStd) {
        if (nestedActions) {
            throw new UnsupportedOperationException("nested_actions=True is not supported (IBC's tasks have one "
                    + "action tensor)");
        }
        DatasetStatistics s = DatasetStatistics.compute(dataset, numSamples);
        if (!nestedObs && s.observation().size() > 1) {
            // stats.py raises this for a dict observation; a flat one (D4RL's Box) has one tensor and one normalizer.
            throw new IllegalArgumentException("compute_dataset_statistics: found " + s.observation().size()
                    + " observations " + s.observation().keySet() + ", make sure you set `nested=True` or you flatten "
                    + "them (get_normalizers.nested_obs = True)");
        }
        Map<String, Normalizers.Std> obs = new LinkedHashMap<>();
        s.observation().forEach((k, v) -> obs.put(k, useSqrtStd ? sqrtStd(v) : v));
        Object act = minMaxActions ? s.actionMinMax() : (useSqrtStd ? sqrtStd(s.actionStd()) : s.actionStd());
        return new NormalizationInfo(obs, act, s.actionMinMax().min().clone(), s.actionMinMax().max().clone());
    }

    private static Normalizers.Std sqrtStd(Normalizers.Std s) {
        float[] r = new float[s.std().length];
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) Math.sqrt(s.std()[i]);
        }
        return new Normalizers.Std(s.mean(), r);
    }
}
