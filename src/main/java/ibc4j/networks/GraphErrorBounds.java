package ibc4j.networks;

import ibc4j.networks.layers.KerasDropout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link Float32ErrorBounds}' tolerance model walked over any dense DL4J graph of IBC's layers ({@link MLPMSE},
 * {@link MLPEBM}): how far two correct float32 implementations may disagree at every vertex, measured on the
 * activations at hand (one forward pass, inference or training).
 *
 * <p>Per vertex, with e(·) the bound of an input: Dense {@code y = act(x·W + b)}:
 * {@code 4·√K·u·max_j Σ_k|x_k W_kj| + |b_j|} (its own rounding, see Float32ErrorBounds) {@code + e(x)·max‖W col‖₂};
 * relu and identity are exact and 1-Lipschitz, swish is ≤ 1.1-Lipschitz; Keras dropout in training multiplies by
 * {@code scale} (one rounding: {@code + u·max|y|}), and is the identity in inference; the residual add is
 * {@code e(a) + e(b) + u·max|y|}; a copy or a concatenation keeps the largest input bound. Network inputs are
 * exact (0).
 */
public final class GraphErrorBounds {
    private static final double U = Float32ErrorBounds.U;

    private GraphErrorBounds() {}

    /**
     * Bounds for every vertex of {@code graph}, given {@code activations} from
     * {@code graph.feedForward(inputs, training, false)} (vertex name → output, inputs included).
     */
    public static Map<String, Double> of(ComputationGraph graph, Map<String, INDArray> activations,
                                         boolean training) {
        return of(graph, activations, training, Map.of());
    }

    /** As above, with an error already in some inputs (e.g. an encoder's output fed to a value network). */
    public static Map<String, Double> of(ComputationGraph graph, Map<String, INDArray> activations,
                                         boolean training, Map<String, Double> inputErrors) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        Map<String, Double> err = new LinkedHashMap<>();
        for (String in : conf.getNetworkInputs()) {
            err.put(in, inputErrors.getOrDefault(in, 0.0));
        }
        for (int idx : graph.topologicalSortOrder()) {
            String name = graph.getVertices()[idx].getVertexName();
            if (err.containsKey(name)) {
                continue;
            }
            GraphVertex v = conf.getVertices().get(name);
            List<String> inputs = conf.getVertexInputs().get(name);
            INDArray out = activations.get(name);
            double maxOut = out == null ? 0 : out.amaxNumber().doubleValue();
            double e;
            if (v instanceof LayerVertex lv) {
                Layer l = lv.getLayerConf().getLayer();
                double eIn = err.get(inputs.get(0));
                if (l instanceof DenseLayer d) {
                    INDArray w = graph.getLayer(name).getParam("W");
                    INDArray b = graph.getLayer(name).getParam("b");
                    e = (Float32ErrorBounds.dot(activations.get(inputs.get(0)), w, b)
                            + eIn * Float32ErrorBounds.colNorm(w)) * lipschitz(d.getActivationFn(), name);
                } else if (l instanceof ActivationLayer a) {
                    e = eIn * lipschitz(a.getActivationFn(), name);
                } else if (l instanceof DropoutLayer dl) {
                    if (!training) {
                        e = eIn;
                    } else if (dl.getIDropout() instanceof KerasDropout kd) {
                        e = eIn * kd.scale() + U * maxOut;
                    } else {
                        throw new IllegalArgumentException(name + ": no error model for " + dl.getIDropout());
                    }
                } else {
                    throw new IllegalArgumentException(name + ": no error model for layer " + l.getClass());
                }
            } else if (v instanceof ElementWiseVertex ew && ew.getOp() == ElementWiseVertex.Op.Add) {
                e = U * maxOut;
                for (String in : inputs) {
                    e += err.get(in);
                }
            } else if (v instanceof ScaleVertex s && s.getScaleFactor() == 1.0) {
                e = err.get(inputs.get(0));
            } else if (v instanceof MergeVertex) {
                e = 0;
                for (String in : inputs) {
                    e = Math.max(e, err.get(in));
                }
            } else {
                throw new IllegalArgumentException(name + ": no error model for vertex " + v);
            }
            err.put(name, e);
        }
        return err;
    }

    private static double lipschitz(IActivation a, String name) {
        if (a instanceof ActivationReLU || a instanceof ActivationIdentity) {
            return 1.0;
        }
        if (a instanceof org.nd4j.linalg.activations.impl.ActivationSwish) {
            return 1.1; // max d/dx x·σ(x) ≈ 1.0998
        }
        throw new IllegalArgumentException(name + ": no error model for activation " + a);
    }
}
