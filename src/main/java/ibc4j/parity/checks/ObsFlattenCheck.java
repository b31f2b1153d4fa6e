package ibc4j.parity.checks;

import ibc4j.agents.Observations;
import ibc4j.normalizers.Normalizers;
import ibc4j.parity.Golden;
import ibc4j.parity.ParityCheck;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Observations#normalize} and {@link Observations#flatten} against IBC's observation path: the
 * StdNormalizationLayer per key (NestMap), then {@code MLPEBM.call}'s {@code tf.nest.flatten} (sorted keys),
 * concat on the last axis and reshape (time-major), then the concat with the actions.
 */
public final class ObsFlattenCheck implements ComponentCheck {
    @Override
    public String component() {
        return "obs_flatten";
    }

    @Override
    public List<TensorResult> run(Golden g) {
        @SuppressWarnings("unchecked")
        List<String> keys = (List<String>) g.param("obs_keys");
        Map<String, INDArray> raw = new LinkedHashMap<>();
        Map<String, Normalizers.Std> norms = new LinkedHashMap<>();
        // Feed the keys in reverse order: the flatten must sort them itself, as tf.nest does.
        for (int i = keys.size() - 1; i >= 0; i--) {
            String k = keys.get(i);
            raw.put(k, g.tensor("raw_obs_" + k));
            norms.put(k, new Normalizers.Std(g.tensor("mean_" + k).toFloatVector(), g.tensor("std_" + k).toFloatVector()));
        }
        Map<String, INDArray> normalized = Observations.normalize(raw, norms);
        List<TensorResult> out = new ArrayList<>();
        for (String k : keys) {
            out.add(TensorResult.compare(g, "norm_obs_" + k, normalized.get(k), Tolerance.exact(
                    "(x − mean) / max(std, eps): two correctly rounded float32 ops in TF's order")));
        }
        INDArray flat = Observations.flatten(normalized);
        out.add(TensorResult.compare(g, "obs_flat", flat, Tolerance.exact("a permutation of the normalized values")));
        out.add(TensorResult.compare(g, "net_input", Nd4j.concat(1, flat, g.tensor("actions")),
                Tolerance.exact("a concatenation")));
        return out;
    }
}
