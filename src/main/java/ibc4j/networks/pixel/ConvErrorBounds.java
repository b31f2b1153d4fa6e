package ibc4j.networks.pixel;

import ibc4j.networks.Float32ErrorBounds;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link Float32ErrorBounds}' tolerance model for IBC's image encoders ({@link ConvMaxpoolEncoder},
 * {@link SpatialAttentionEncoder}): how far two correct float32 implementations may disagree at each vertex,
 * measured on the activations at hand.
 *
 * <p>A k×k 'same' conv output is a dot product of K = k·k·C_in terms (zero padding adds nothing), summed in another
 * order by TF's Eigen kernel and DL4J's im2col + GEMM: 4·√K·u·S with S = max over outputs of Σ|x·w| + |b|,
 * computed by convolving |x| with |W|; an input error δ reaches an output as δ·max‖W[·, ·, ·, out]‖₂. ReLU, copies
 * and max pooling are exact and 1-Lipschitz (a near-tie picks another element, within the same bound). The global
 * average over P positions adds 4·√P·u·max|x| (the sum) and u·max|y| (the division). A residual add is
 * e(a) + e(b) + u·max|y|. The spatial soft-argmax: logits z = x/T carry e/T + u·max|z|; each keypoint
 * Σ pos·softmax(z) moves by at most 2·e(z) (|pos| ≤ 1, Σp = 1), plus the softmax's and the sum's own roundings
 * 4u + 8·√P·u.
 */
public final class ConvErrorBounds {
    private static final double U = Float32ErrorBounds.U;

    private ConvErrorBounds() {}

    /**
     * Bounds for every vertex of {@code graph} (an encoder), given {@code acts} from {@code feedForward(input,
     * false)} and the error already in the input {@code input}.
     */
    public static Map<String, Double> of(ComputationGraph graph, Map<String, INDArray> acts, String input,
                                         double inputError) {
        return of(graph, acts, input, inputError, null);
    }

    /** As above, stopping after vertex {@code last} (e.g. the encoder's output inside a larger graph). */
    public static Map<String, Double> of(ComputationGraph graph, Map<String, INDArray> acts, String input,
                                         double inputError, String last) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        Map<String, Double> err = new LinkedHashMap<>();
        err.put(input, inputError);
        for (int idx : graph.topologicalSortOrder()) {
            String name = graph.getVertices()[idx].getVertexName();
            if (err.containsKey(name)) {
                continue;
            }
            GraphVertex v = conf.getVertices().get(name);
            List<String> inputs = conf.getVertexInputs().get(name);
            String in = inputs.get(0);
            double eIn = err.get(in);
            double e;
            if (v instanceof LayerVertex lv) {
                Layer l = lv.getLayerConf().getLayer();
                if (l instanceof ConvolutionLayer c) {
                    if (!(c.getActivationFn() instanceof ActivationReLU
                            || c.getActivationFn() instanceof ActivationIdentity)) {
                        throw new IllegalArgumentException(name + ": no error model for " + c.getActivationFn());
                    }
                    e = conv(graph, name, acts.get(in), eIn);
                } else if (l instanceof SubsamplingLayer s && s.getPoolingType() == PoolingType.MAX) {
                    e = eIn;
                } else if (l instanceof ActivationLayer a && a.getActivationFn() instanceof ActivationReLU) {
                    e = eIn;
                } else if (l instanceof GlobalPoolingLayer gp && gp.getPoolingType() == PoolingType.AVG) {
                    INDArray x = acts.get(in);
                    double p = x.size(2) * x.size(3);
                    e = eIn + 4 * Math.sqrt(p) * U * x.amaxNumber().doubleValue()
                            + U * acts.get(name).amaxNumber().doubleValue();
                } else if (l instanceof SpatialSoftmax ss) {
                    double t = graph.getLayer(name).getParam(SpatialSoftmax.TEMPERATURE).getDouble(0);
                    double ez = eIn / Math.abs(t) + U * acts.get(in).amaxNumber().doubleValue() / Math.abs(t);
                    e = 2 * ez + 4 * U + 8 * Math.sqrt((double) ss.getHeight() * ss.getWidth()) * U;
                } else {
                    throw new IllegalArgumentException(name + ": no error model for layer " + l.getClass());
                }
            } else if (v instanceof ScaleVertex s && s.getScaleFactor() == 1.0) {
                e = eIn;
            } else if (v instanceof ElementWiseVertex ew && ew.getOp() == ElementWiseVertex.Op.Add) {
                e = U * acts.get(name).amaxNumber().doubleValue();
                for (String i : inputs) {
                    e += err.get(i);
                }
            } else {
                throw new IllegalArgumentException(name + ": no error model for vertex " + v);
            }
            err.put(name, e);
            if (name.equals(last)) {
                break;
            }
        }
        return err;
    }

    private static double conv(ComputationGraph graph, String name, INDArray x, double eIn) {
        INDArray w = graph.getLayer(name).getParam("W"); // [out, in, kh, kw]
        INDArray b = graph.getLayer(name).getParam("b");
        INDArray yxio = Transforms.abs(w.permute(2, 3, 1, 0), true).dup('c');
        Conv2DConfig cfg = Conv2DConfig.builder().kH(w.size(2)).kW(w.size(3)).sH(1).sW(1)
                .paddingMode(PaddingMode.SAME).dataFormat("NCHW").weightsFormat(WeightsFormat.YXIO).build();
        INDArray s = Nd4j.cnn().conv2d(Transforms.abs(x, true), yxio, Transforms.abs(b.reshape(b.length()), true),
                cfg);
        double k = w.size(1) * w.size(2) * w.size(3);
        double col = Math.sqrt(Transforms.pow(w.reshape(w.size(0), -1), 2, true).sum(1).maxNumber().doubleValue());
        return 4 * Math.sqrt(k) * U * s.maxNumber().doubleValue() + eIn * col;
    }
}
