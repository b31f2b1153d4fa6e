package ibc4j.networks.pixel;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.GaussianDistribution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Keras-named access to the conv and dense layers of a DL4J graph: {@code <layer>_kernel}, {@code <layer>_bias} in
 * Keras' layouts. Conv kernels: Keras {@code [kh, kw, in, out]} (TF is NHWC) ↔ DL4J {@code [out, in, kh, kw]}
 * (NCHW), a permutation (3, 2, 0, 1); dense kernels {@code [in, out]} on both sides.
 */
public final class KerasParams {
    private final ComputationGraph graph;
    private final List<String> layers;

    public KerasParams(ComputationGraph graph, List<String> layers) {
        this.graph = graph;
        this.layers = List.copyOf(layers);
    }

    /** The layers, in Keras' trainable-variable order. */
    public List<String> layers() {
        return layers;
    }

    /** Copies of every parameter in Keras layout, in Keras' order. */
    public Map<String, INDArray> get() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (String l : layers) {
            INDArray w = graph.getLayer(l).getParam("W");
            out.put(l + "_kernel", w.rank() == 4 ? w.permute(2, 3, 1, 0).dup('c') : w.dup('c'));
            INDArray b = graph.getLayer(l).getParam("b");
            out.put(l + "_bias", b.reshape(b.length()).dup());
        }
        return out;
    }

    /** Sets every parameter from Keras-layout arrays (e.g. TF goldens); a missing or unknown name is an error. */
    public void set(Map<String, INDArray> values) {
        Map<String, INDArray> current = get();
        for (String k : values.keySet()) {
            Preconditions.checkArgument(current.containsKey(k), "unknown parameter '%s'; known: %s", k,
                    current.keySet());
        }
        for (String l : layers) {
            INDArray k = values.get(l + "_kernel");
            INDArray b = values.get(l + "_bias");
            Preconditions.checkArgument(k != null && b != null, "missing parameter %s_kernel or %s_bias", l, l);
            Preconditions.checkArgument(Arrays.equals(k.shape(), current.get(l + "_kernel").shape()),
                    "%s_kernel: expected Keras shape %s, got %s", l, current.get(l + "_kernel").shape(), k.shape());
            INDArray w = graph.getLayer(l).getParam("W");
            w.assign(w.rank() == 4 ? k.permute(3, 2, 0, 1) : k);
            INDArray bias = graph.getLayer(l).getParam("b");
            Preconditions.checkArgument(b.length() == bias.length(), "%s_bias: expected %s values, got %s", l,
                    bias.length(), b.length());
            bias.assign(b.reshape(bias.shape()));
        }
    }

    /**
     * Keras' {@code 'normal'} (RandomNormal(0, 0.05)) for the kernel AND bias of the given layers, drawn from a
     * seeded generator (DL4J's biasInit is a constant). The global ND4J RNG is not touched.
     */
    public static void normalInit(ComputationGraph graph, List<String> denseLayers, long seed) {
        var rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
        for (String l : denseLayers) {
            for (String p : List.of("W", "b")) {
                INDArray v = graph.getLayer(l).getParam(p);
                INDArray draw = Nd4j.create(v.dataType(), v.length());
                Nd4j.getExecutioner().exec(new GaussianDistribution(draw, 0.0, 0.05), rng);
                v.assign(draw.reshape(v.ordering(), v.shape()));
            }
        }
    }

    /**
     * Keras' defaults for every conv layer of {@code graph}: glorot_uniform kernels, U(±√(6/(fan_in + fan_out)))
     * with fan_in = k·k·in and fan_out = k·k·out, zero biases; a {@link SpatialSoftmax} temperature of 1. For
     * graphs initialised on a given parameter array (DL4J then runs no initialiser). Seeded generator, the global
     * ND4J RNG is not touched.
     */
    public static void kerasConvInit(ComputationGraph graph, long seed) {
        var rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
        for (org.deeplearning4j.nn.api.Layer layer : graph.getLayers()) {
            var conf = layer.conf().getLayer();
            if (conf instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer) {
                INDArray w = layer.getParam("W"); // [out, in, kh, kw]
                double receptive = w.size(2) * w.size(3);
                double limit = Math.sqrt(6.0 / (receptive * w.size(1) + receptive * w.size(0)));
                INDArray draw = Nd4j.create(w.dataType(), w.length());
                Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.random.impl.UniformDistribution(draw, -limit,
                        limit), rng);
                w.assign(draw.reshape(w.ordering(), w.shape()));
                layer.getParam("b").assign(0);
            } else if (conf instanceof SpatialSoftmax) {
                layer.getParam(SpatialSoftmax.TEMPERATURE).assign(1.0);
            }
        }
    }
}
