package ibc4j.networks.pixel;

import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;

/**
 * IBC's simple CNN; mirrors {@code get_conv_maxpool} in {@code networks/layers/conv_maxpool.py} (IBC db89ddb):
 * <pre>
 * 4 × [Conv2D(f, 3, padding='same', relu) → MaxPool2D()],  f = 32, 64, 128, 256;  GlobalAveragePooling2D → [B, 256]
 * </pre>
 * DL4J runs it on NCHW (TF is NHWC; {@link KerasParams} permutes the kernels). Keras 'same' with a 3×3 kernel at
 * stride 1 pads 1 on every side, as DL4J's {@link ConvolutionMode#Same}; MaxPool2D() is a 2×2 window, stride 2,
 * 'valid' (odd sizes floor), as DL4J's {@link ConvolutionMode#Truncate}. Conv init is Keras' default
 * glorot_uniform (DL4J XAVIER_UNIFORM: the same fan-in k·k·in and fan-out k·k·out) with zero biases.
 * Not a gin configurable in IBC (PixelEBM / ConvMLPMSE call it); reusable by ConvMLPMDN.
 */
public final class ConvMaxpoolEncoder {
    /** Layer names, which are also Keras' ({@code conv1}…{@code conv4}). */
    public static final List<String> CONV_LAYERS = List.of("conv1", "conv2", "conv3", "conv4");
    /** The filters of conv1…conv4. */
    public static final int[] FILTERS = {32, 64, 128, 256};
    /** Width of the encoding. */
    public static final int OUTPUT_WIDTH = 256;
    /** The vertex holding the encoding. */
    public static final String OUTPUT = "global_average_pooling2d";

    private ConvMaxpoolEncoder() {}

    /**
     * Adds the encoder after {@code input} (NCHW with {@code channels} channels; set the graph's input type so
     * DL4J infers the rest). Returns {@link #OUTPUT}.
     */
    public static String addTo(GraphBuilder gb, String input, int channels) {
        String x = input;
        int nIn = channels;
        for (int i = 0; i < 4; i++) {
            String conv = CONV_LAYERS.get(i);
            gb.addLayer(conv, new ConvolutionLayer.Builder(3, 3).stride(1, 1).nIn(nIn).nOut(FILTERS[i])
                    .convolutionMode(ConvolutionMode.Same).activation(Activation.RELU)
                    .weightInit(WeightInit.XAVIER_UNIFORM).biasInit(0.0).build(), x);
            String pool = "pool" + (i + 1);
            gb.addLayer(pool, new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                    .convolutionMode(ConvolutionMode.Truncate).build(), conv);
            x = pool;
            nIn = FILTERS[i];
        }
        gb.addLayer(OUTPUT, new GlobalPoolingLayer.Builder(PoolingType.AVG).collapseDimensions(true).build(), x);
        return OUTPUT;
    }

    /** Every vertex in call order (conv1, pool1, …, pool4, the average pool): the intermediates IBC's model has. */
    public static List<String> vertices() {
        return List.of("conv1", "pool1", "conv2", "pool2", "conv3", "pool3", "conv4", "pool4", OUTPUT);
    }

    /** Checks the image is large enough for four 2× poolings (IBC's model would produce an empty map). */
    public static void checkSize(String who, int height, int width) {
        if (height < 16 || width < 16) {
            throw new IllegalArgumentException(who + ": target_height and target_width must be >= 16 for four 2x2 "
                    + "max-poolings, got " + height + "x" + width);
        }
    }
}
