package ibc4j.networks.pixel;

import ibc4j.networks.Float32ErrorBounds;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link Float32ErrorBounds}' tolerance model for the {@link ConvMaxpoolEncoder}: how far two correct float32
 * implementations may disagree at each vertex, measured on the activations at hand.
 *
 * <p>A 3×3 'same' conv output is a dot product of K = 9·C_in terms (zero padding adds nothing), summed in another
 * order by TF's Eigen kernel and DL4J's im2col + GEMM: 4·√K·u·S with S = max over outputs of Σ|x·w| + |b|,
 * computed by convolving |x| with |W|; an input error δ reaches an output as δ·max‖W[·, ·, ·, out]‖₂. ReLU and max
 * pooling are exact and 1-Lipschitz (a near-tie picks another element, within the same bound). The global
 * average over P positions adds 4·√P·u·max|x| for the sum (the division by P is one more rounding, u·max).
 */
public final class ConvErrorBounds {
    private static final double U = Float32ErrorBounds.U;

    private ConvErrorBounds() {}

    /**
     * Bounds per encoder vertex ({@link ConvMaxpoolEncoder#vertices()}), given {@code acts} from
     * {@code encoder.feedForward(input, false)} and the error already in the input image.
     */
    public static Map<String, Double> of(ComputationGraph encoder, Map<String, INDArray> acts, String input,
                                         double inputError) {
        Map<String, Double> err = new LinkedHashMap<>();
        double e = inputError;
        String prev = input;
        for (String v : ConvMaxpoolEncoder.vertices()) {
            if (v.startsWith("conv")) {
                INDArray w = encoder.getLayer(v).getParam("W"); // [out, in, kh, kw]
                INDArray b = encoder.getLayer(v).getParam("b");
                INDArray yxio = Transforms.abs(w.permute(2, 3, 1, 0), true).dup('c');
                Conv2DConfig cfg = Conv2DConfig.builder().kH(w.size(2)).kW(w.size(3)).sH(1).sW(1)
                        .paddingMode(PaddingMode.SAME).dataFormat("NCHW").weightsFormat(WeightsFormat.YXIO).build();
                INDArray s = Nd4j.cnn().conv2d(Transforms.abs(acts.get(prev), true), yxio,
                        Transforms.abs(b.reshape(b.length()), true), cfg);
                double k = w.size(1) * w.size(2) * w.size(3);
                double col = Math.sqrt(Transforms.pow(w.reshape(w.size(0), -1), 2, true).sum(1).maxNumber()
                        .doubleValue());
                e = 4 * Math.sqrt(k) * U * s.maxNumber().doubleValue() + e * col;
            } else if (v.equals(ConvMaxpoolEncoder.OUTPUT)) {
                INDArray x = acts.get(prev);
                double p = x.size(2) * x.size(3);
                e = e + 4 * Math.sqrt(p) * U * x.amaxNumber().doubleValue() + U * acts.get(v).amaxNumber()
                        .doubleValue();
            }
            err.put(v, e); // pooling: exact, 1-Lipschitz
            prev = v;
        }
        return err;
    }
}
