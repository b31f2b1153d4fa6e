package ibc4j.networks.pixel;

import ibc4j.gin.Configurable;
import ibc4j.gin.Param;
import ibc4j.gin.Positive;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;

/**
 * ResNet + spatial-softmax image encoder; mirrors {@code SpatialAttentionEncoder} in
 * {@code networks/layers/spatial_attention_encoder.py} (IBC db89ddb):
 * <pre>
 * x = concat(x, coords)                          coords (x: linspace along H, y: along W), 2 channels
 * x = conv0(x)                                   Conv2D(filters, 3, same), linear
 * num_blocks × ResNetConvBlock: y = conv2(relu(conv1(relu(conv0(relu(x))))));  x = x + y
 *                               (conv0: 1×1 filters/4, conv1: 3×3 filters/4, conv2: 1×1 filters; conv3 unused)
 * x = conv1(x)                                   Conv2D(num_heads, 1), linear
 * SpatialSoftmax(x) → [B, 2·num_heads]
 * </pre>
 * Convs: Keras defaults (glorot_uniform, zero bias). The coord channels are appended before the graph
 * ({@link #coordinates}); layer names {@code sa_conv0}, {@code sa_block<i>_conv0..2}, {@code sa_conv1},
 * {@code spatial_softmax}.
 *
 * @param filters  required in IBC (no default; no IBC config binds it)
 * @param numBlocks IBC default 8
 * @param numHeads  IBC default 64
 */
public record SpatialAttentionEncoder(int filters, int numBlocks, int numHeads, int targetHeight, int targetWidth) {
    public static final String OUTPUT = "spatial_softmax";

    public SpatialAttentionEncoder {
        if (filters < 4 || numHeads < 1 || numBlocks < 0 || targetHeight < 1 || targetWidth < 1) {
            throw new IllegalArgumentException("SpatialAttentionEncoder: need filters >= 4, num_heads >= 1, "
                    + "num_blocks >= 0 and a positive target size, got filters=" + filters + " num_blocks="
                    + numBlocks + " num_heads=" + numHeads + " target " + targetHeight + "x" + targetWidth);
        }
    }

    /** The {@code SpatialAttentionEncoder} gin configurable, IBC's constructor parameter for parameter. */
    @Configurable("SpatialAttentionEncoder")
    public static SpatialAttentionEncoder fromGin(
            @Positive @Param(value = "filters", doc = "conv width (required; IBC has no default)") int filters,
            @Param(value = "num_blocks", dflt = "8", doc = "residual conv blocks") int numBlocks,
            @Positive @Param(value = "num_heads", dflt = "64", doc = "attention maps (keypoints)") int numHeads,
            @Positive @Param(value = "target_height", dflt = "90", doc = "input height") int targetHeight,
            @Positive @Param(value = "target_width", dflt = "120", doc = "input width") int targetWidth) {
        return new SpatialAttentionEncoder(filters, numBlocks, numHeads, targetHeight, targetWidth);
    }

    /** Width of the encoding: two coordinates per head. */
    public int outputWidth() {
        return 2 * numHeads;
    }

    /** The coord-conv channels appended to the image, NCHW {@code [1, 2, H, W]}. */
    public org.nd4j.linalg.api.ndarray.INDArray coordinates() {
        return ImagePrepro.coordChannels(targetHeight, targetWidth);
    }

    /** Conv layer names in Keras' trainable-variable order. */
    public List<String> convNames() {
        List<String> names = new ArrayList<>();
        names.add("sa_conv0");
        for (int i = 0; i < numBlocks; i++) {
            for (int c = 0; c < 3; c++) {
                names.add("sa_block" + i + "_conv" + c);
            }
        }
        names.add("sa_conv1");
        return names;
    }

    /** Adds the encoder after {@code input} (NCHW, {@code channels} including the 2 coord channels). */
    public String addTo(GraphBuilder gb, String input, int channels) {
        gb.addLayer("sa_conv0", conv(channels, filters, 3), input);
        String x = "sa_conv0";
        int q = filters / 4;
        for (int i = 0; i < numBlocks; i++) {
            String p = "sa_block" + i + "_";
            // Copies before each in-place ActivationLayer keep x (the skip) and the conv outputs intact.
            gb.addVertex(p + "in_copy", new ScaleVertex(1.0), x);
            gb.addLayer(p + "relu0", relu(), p + "in_copy");
            gb.addLayer(p + "conv0", conv(filters, q, 1), p + "relu0");
            gb.addVertex(p + "conv0_copy", new ScaleVertex(1.0), p + "conv0");
            gb.addLayer(p + "relu1", relu(), p + "conv0_copy");
            gb.addLayer(p + "conv1", conv(q, q, 3), p + "relu1");
            gb.addVertex(p + "conv1_copy", new ScaleVertex(1.0), p + "conv1");
            gb.addLayer(p + "relu2", relu(), p + "conv1_copy");
            gb.addLayer(p + "conv2", conv(q, filters, 1), p + "relu2");
            gb.addVertex(p + "add", new ElementWiseVertex(ElementWiseVertex.Op.Add), x, p + "conv2");
            x = p + "add";
        }
        gb.addLayer("sa_conv1", conv(filters, numHeads, 1), x);
        gb.addLayer(OUTPUT, new SpatialSoftmax(targetHeight, targetWidth, numHeads), "sa_conv1");
        return OUTPUT;
    }

    private static ConvolutionLayer conv(int nIn, int nOut, int k) {
        return new ConvolutionLayer.Builder(k, k).stride(1, 1).nIn(nIn).nOut(nOut)
                .convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY)
                .weightInit(WeightInit.XAVIER_UNIFORM).biasInit(0.0).build();
    }

    private static ActivationLayer relu() {
        return new ActivationLayer.Builder().activation(Activation.RELU).build();
    }
}
