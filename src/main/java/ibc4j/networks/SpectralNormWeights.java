package ibc4j.networks;

import ibc4j.networks.layers.SpectralNorm;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.GaussianDistribution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link MLPEBM}'s DenseSN state: the vectors u, and a graph of the same configuration holding the weights of the
 * last call (W̄ per kernel, the biases as they are). That graph is derived from the model's parameters at every
 * {@link #call}, the way {@code wInActC} in {@link EbmKernel} is: a cache, not a second set of weights.
 */
final class SpectralNormWeights {
    private final ComputationGraph raw;
    private final DenseParams rawParams;
    private final ComputationGraph normalized;
    private final DenseParams normalizedParams;
    private final List<String> denseNames;
    private final Map<String, INDArray> u;

    /** Draws every layer's u from RandomNormal(0, 1), as DenseSN's initializer, with a generator seeded {@code seed}. */
    SpectralNormWeights(ComputationGraph raw, DenseParams rawParams, List<String> denseNames, long seed) {
        this.raw = raw;
        this.rawParams = rawParams;
        this.denseNames = denseNames;
        this.normalized = new ComputationGraph(raw.getConfiguration().clone());
        normalized.init(raw.params().dup(), false);
        this.normalizedParams = new DenseParams(normalized, denseNames);
        Map<String, INDArray> m = new LinkedHashMap<>();
        org.nd4j.linalg.api.rng.Random rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
        for (String d : denseNames) {
            INDArray ud = Nd4j.create(raw.params().dataType(), 1, rawParams.param(d + "_kernel").size(1));
            Nd4j.getExecutioner().exec(new GaussianDistribution(ud, 0.0, 1.0), rng);
            m.put(d, ud);
        }
        this.u = Collections.unmodifiableMap(m);
        call(false);
    }

    Map<String, INDArray> u() {
        return u;
    }

    ComputationGraph normalized() {
        return normalized;
    }

    DenseParams normalizedParams() {
        return normalizedParams;
    }

    /** Every DenseSN's call: W̄ from one power iteration, and u ← u' when training. */
    MLPEBM.Call call(boolean training) {
        normalized.params().assign(raw.params()); // the biases; every kernel is overwritten next
        List<SpectralNorm.Iteration> its = new ArrayList<>(denseNames.size());
        for (String d : denseNames) {
            SpectralNorm.Iteration it = SpectralNorm.normalize(rawParams.param(d + "_kernel"), u.get(d),
                    normalizedParams.param(d + "_kernel"));
            its.add(it);
            if (training) {
                u.get(d).assign(it.uNext());
            }
        }
        return g -> toParamGradient(its, g);
    }

    private INDArray toParamGradient(List<SpectralNorm.Iteration> its, INDArray forwardGradient) {
        INDArray out = forwardGradient.dup();
        Map<String, INDArray> in = rawParams.viewsOf(forwardGradient);
        Map<String, INDArray> dst = rawParams.viewsOf(out);
        for (int i = 0; i < denseNames.size(); i++) {
            String k = denseNames.get(i) + "_kernel";
            dst.get(k).assign(SpectralNorm.backward(rawParams.param(k), its.get(i), in.get(k)));
        }
        return out;
    }
}
