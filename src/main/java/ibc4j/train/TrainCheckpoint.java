package ibc4j.train;

import ibc4j.normalizers.GetNormalizers;
import ibc4j.normalizers.Normalizers;
import ibc4j.normalizers.SamplingSpec;
import ibc4j.optimizers.ExponentialDecay;
import ibc4j.optimizers.KerasAdam;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What a {@code train_eval} checkpoint holds, to and from {@link CheckpointStore.Checkpoint}: the network's flat
 * parameters and its non-trainable state (DenseSN's u vectors, if any), Adam's slots and iteration count, the step, the seed, the normalizers and the sampling bounds.
 * The data stream and every step's noise are functions of (seed, step) ({@link GlobalSeed}), so step and seed are
 * all the RNG state a resumed run needs. A policy snapshot is the same without Adam's slots.
 */
public final class TrainCheckpoint {
    private TrainCheckpoint() {}

    /**
     * The restorable state of a run at {@code step}.
     *
     * @param networkState the network's non-trainable arrays by name (MLPEBM's spectral-norm u), maybe empty
     */
    public record State(long step, long seed, INDArray params, Map<String, INDArray> networkState, KerasAdam adam,
                        GetNormalizers.NormalizationInfo norm, SamplingSpec sampling) {}

    private static final String NETWORK_STATE = "network_state.";

    public static CheckpointStore.Checkpoint toCheckpoint(State s, boolean withOptimizer) {
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        arrays.put("params", s.params().dup('c').reshape(s.params().length()));
        s.networkState().forEach((k, v) -> arrays.put(NETWORK_STATE + k, v.dup('c')));
        if (withOptimizer) {
            arrays.put("adam_m", s.adam().m());
            arrays.put("adam_v", s.adam().v());
        }
        for (Map.Entry<String, Normalizers.Std> e : s.norm().obsNorm().entrySet()) {
            arrays.put("obs_norm." + e.getKey() + ".mean", Nd4j.createFromArray(e.getValue().mean()));
            arrays.put("obs_norm." + e.getKey() + ".std", Nd4j.createFromArray(e.getValue().std()));
        }
        if (s.norm().actNorm() instanceof Normalizers.MinMax m) {
            arrays.put("act_norm.min", Nd4j.createFromArray(m.min()));
            arrays.put("act_norm.max", Nd4j.createFromArray(m.max()));
        } else {
            Normalizers.Std std = (Normalizers.Std) s.norm().actNorm();
            arrays.put("act_norm.mean", Nd4j.createFromArray(std.mean()));
            arrays.put("act_norm.std", Nd4j.createFromArray(std.std()));
        }
        arrays.put("min_actions", Nd4j.createFromArray(s.norm().minActions()));
        arrays.put("max_actions", Nd4j.createFromArray(s.norm().maxActions()));
        arrays.put("sampling.buffered_min", Nd4j.createFromArray(s.sampling().bufferedMin()));
        arrays.put("sampling.buffered_max", Nd4j.createFromArray(s.sampling().bufferedMax()));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", "ibc4j train_eval checkpoint 1");
        meta.put("seed", s.seed());
        if (withOptimizer) {
            meta.put("adam_iterations", s.adam().iterations());
        }
        meta.put("obs_keys", new ArrayList<>(s.norm().obsNorm().keySet()));
        meta.put("act_norm", s.norm().actNorm() instanceof Normalizers.MinMax ? "min_max" : "std");
        meta.put("sampling.normalized_min", (double) s.sampling().normalizedMin());
        meta.put("sampling.normalized_max", (double) s.sampling().normalizedMax());
        return new CheckpointStore.Checkpoint(s.step(), meta, arrays);
    }

    /**
     * Reads a checkpoint back; {@code schedule} rebuilds Adam (its slots are restored when the checkpoint has
     * them, else Adam is null).
     */
    public static State fromCheckpoint(CheckpointStore.Checkpoint c, ExponentialDecay schedule) throws IOException {
        Map<String, INDArray> a = c.arrays();
        Map<String, Object> meta = c.meta();
        if (!"ibc4j train_eval checkpoint 1".equals(meta.get("format"))) {
            throw new IOException("checkpoint at step " + c.step() + ": unknown format " + meta.get("format"));
        }
        Map<String, Normalizers.Std> obs = new LinkedHashMap<>();
        for (Object k : (List<?>) meta.get("obs_keys")) {
            obs.put(k.toString(), new Normalizers.Std(floats(a, "obs_norm." + k + ".mean"),
                    floats(a, "obs_norm." + k + ".std")));
        }
        Object act = "min_max".equals(meta.get("act_norm"))
                ? new Normalizers.MinMax(floats(a, "act_norm.min"), floats(a, "act_norm.max"))
                : new Normalizers.Std(floats(a, "act_norm.mean"), floats(a, "act_norm.std"));
        GetNormalizers.NormalizationInfo norm = new GetNormalizers.NormalizationInfo(obs, act,
                floats(a, "min_actions"), floats(a, "max_actions"));
        SamplingSpec sampling = new SamplingSpec(floats(a, "sampling.buffered_min"),
                floats(a, "sampling.buffered_max"), ((Number) meta.get("sampling.normalized_min")).floatValue(),
                ((Number) meta.get("sampling.normalized_max")).floatValue());
        KerasAdam adam = a.containsKey("adam_m") ? new KerasAdam(schedule, a.get("adam_m"), a.get("adam_v"),
                ((Number) meta.get("adam_iterations")).longValue()) : null;
        Map<String, INDArray> networkState = new LinkedHashMap<>();
        a.forEach((k, v) -> {
            if (k.startsWith(NETWORK_STATE)) {
                networkState.put(k.substring(NETWORK_STATE.length()), v);
            }
        });
        return new State(c.step(), ((Number) meta.get("seed")).longValue(), array(a, "params"), networkState, adam,
                norm, sampling);
    }

    /** Copies checkpointed parameters into a network's flat parameter view (same architecture, by length). */
    public static void loadInto(INDArray dst, INDArray params) throws IOException {
        if (dst.length() != params.length()) {
            throw new IOException("checkpoint has " + params.length() + " parameters, the configured network "
                    + dst.length() + ": was the run's config changed?");
        }
        dst.assign(params.reshape(dst.shape()));
    }

    /** Restores a network's non-trainable state (same names and shapes; both empty for most networks). */
    public static void loadStateInto(Map<String, INDArray> dst, Map<String, INDArray> saved) throws IOException {
        if (!dst.keySet().equals(saved.keySet())) {
            throw new IOException("checkpoint has network state " + saved.keySet() + ", the configured network "
                    + dst.keySet() + ": was MLPEBM.dense_layer_type changed?");
        }
        for (Map.Entry<String, INDArray> e : dst.entrySet()) {
            INDArray v = saved.get(e.getKey());
            if (v.length() != e.getValue().length()) {
                throw new IOException("checkpoint's network state '" + e.getKey() + "' has " + v.length()
                        + " values, the configured network " + e.getValue().length());
            }
            e.getValue().assign(v.castTo(e.getValue().dataType()).reshape(e.getValue().shape()));
        }
    }

    private static INDArray array(Map<String, INDArray> a, String name) throws IOException {
        INDArray x = a.get(name);
        if (x == null) {
            throw new IOException("checkpoint has no array '" + name + "'");
        }
        return x.castTo(DataType.FLOAT);
    }

    private static float[] floats(Map<String, INDArray> a, String name) throws IOException {
        return array(a, name).dup('c').data().asFloat();
    }
}
