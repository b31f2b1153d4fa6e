package ibc4j.networks;

import ibc4j.networks.layers.KerasNormLayer;
import ibc4j.networks.layers.KerasNormParams;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Keras-named views into a DL4J graph's flat parameter array, for graphs whose parameters all live in dense
 * layers ({@link MLPEBM}, {@link MLPMSE}): {@code <dense>_kernel} [in, out] ('f'-order DL4J views) and
 * {@code <dense>_bias} [out], in the order of the dense names given (Keras' trainable-variable order); a ResNet
 * normalizer's {@code <norm>_gamma}, {@code <norm>_beta} [width] in that order too, and its
 * {@code <norm>_moving_mean}, {@code <norm>_moving_variance} after every trainable one (Keras' non-trainable).
 */
final class DenseParams {
    private final ComputationGraph graph;
    private final Map<String, long[]> segments = new LinkedHashMap<>(); // name → {offset, length}
    private final Map<String, INDArray> views;

    DenseParams(ComputationGraph graph, List<String> denseNames) {
        this.graph = graph;
        INDArray flat = graph.params();
        Map<String, INDArray> v = new LinkedHashMap<>();
        Map<String, INDArray> moving = new LinkedHashMap<>(); // Keras lists non-trainable variables last
        for (String d : denseNames) {
            if (graph.getLayer(d) instanceof KerasNormLayer norm) {
                for (Map.Entry<String, INDArray> p : norm.paramTable().entrySet()) {
                    INDArray a = p.getValue();
                    String name = d + "_" + p.getKey();
                    segments.put(name, new long[] {a.offset() - flat.offset(), a.length()});
                    (KerasNormParams.isMoving(p.getKey()) ? moving : v).put(name, a.reshape(a.length()));
                }
                continue;
            }
            INDArray w = graph.getLayer(d).getParam("W");
            INDArray b = graph.getLayer(d).getParam("b");
            // Where DL4J put each view, so that viewsOf() can lay the same names over a gradient array.
            segments.put(d + "_kernel", new long[] {w.offset() - flat.offset(), w.length()});
            segments.put(d + "_bias", new long[] {b.offset() - flat.offset(), b.length()});
            v.put(d + "_kernel", w);
            v.put(d + "_bias", b.reshape(b.length()));
        }
        v.putAll(moving);
        this.views = Collections.unmodifiableMap(v);
    }

    /**
     * Sets every {@link KerasNormLayer}'s parameters to Keras' initial values (γ 1, β 0, moving mean 0, moving
     * variance 1): the networks draw their whole flat array from N(0, 0.05) for the dense layers first.
     */
    static void initNormalizers(ComputationGraph graph) {
        for (org.deeplearning4j.nn.api.Layer l : graph.getLayers()) {
            if (l instanceof KerasNormLayer) {
                l.paramTable().forEach((k, a) -> a.assign(KerasNormParams.initialValue(k)));
            }
        }
    }

    Map<String, INDArray> views() {
        return views;
    }

    INDArray param(String name) {
        INDArray p = views.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no parameter '" + name + "'; known: " + views.keySet());
        }
        return p;
    }

    /** The same names over another flat array with the graph's layout ({@code [n]} or {@code [1, n]}). */
    Map<String, INDArray> viewsOf(INDArray flat) {
        long n = graph.numParams();
        Preconditions.checkArgument(flat.length() == n && flat.isVectorOrScalar(),
                "expected a flat array of %s parameters, got shape %s", n, flat.shapeInfoToString());
        INDArray v = flat.reshape(n);
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : views.entrySet()) {
            long[] seg = segments.get(e.getKey());
            INDArray part = v.get(NDArrayIndex.interval(seg[0], seg[0] + seg[1]));
            INDArray p = e.getValue();
            out.put(e.getKey(), p.rank() == 1 ? part : part.reshape(p.ordering(), p.shape()));
        }
        return out;
    }

    /** Sets every parameter from Keras-shaped arrays; a missing or unknown name, or another shape, is an error. */
    void set(Map<String, INDArray> values) {
        for (String k : values.keySet()) {
            param(k);
        }
        for (Map.Entry<String, INDArray> e : views.entrySet()) {
            INDArray v = values.get(e.getKey());
            if (v == null) {
                throw new IllegalArgumentException("missing parameter '" + e.getKey() + "'");
            }
            Preconditions.checkArgument(Arrays.equals(v.shape(), e.getValue().shape()),
                    "%s: expected shape %s, got %s", e.getKey(), e.getValue().shape(), v.shape());
            e.getValue().assign(v); // assign copies by index, so C-order goldens land right in 'f'-order views
        }
    }
}
