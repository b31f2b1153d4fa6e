package ibc4j.networks.pixel;

import ibc4j.gin.Configurable;
import ibc4j.gin.Param;
import ibc4j.gin.Positive;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.nd4j.linalg.activations.Activation;

/**
 * PixelEBM's value network; mirrors {@code DenseResnetValue} in {@code networks/layers/dense_resnet_value.py}
 * (IBC db89ddb):
 * <pre>
 * x = dense0(x)                                        Dense(width), linear
 * num_blocks × ResNetDenseBlock:  y = dense2(relu(dense1(relu(dense0(relu(x))))));  x = x + y
 *                                 (dense0, dense1: width/4; dense2: width; dense3 is never called: same widths)
 * dense1(x) → [R, 1]                                   Dense(1), linear
 * </pre>
 * Every Dense has Keras' 'normal' init (RandomNormal(0, 0.05)) for kernel and bias. Layer names, which are the
 * parameter prefixes: {@code dense0}, {@code block<i>_dense0..2}, {@code dense1}.
 *
 * @param width     IBC default 512; the pixel EBM configs bind 1024
 * @param numBlocks IBC default 2; the pixel EBM configs bind 1
 */
public record DenseResnetValue(int width, int numBlocks) {
    public DenseResnetValue {
        if (width < 4) {
            throw new IllegalArgumentException("DenseResnetValue.width must be >= 4 (blocks use width // 4), got "
                    + width);
        }
        if (numBlocks < 0) {
            throw new IllegalArgumentException("DenseResnetValue.num_blocks must be >= 0, got " + numBlocks);
        }
    }

    /** The {@code DenseResnetValue} gin configurable, IBC's constructor parameter for parameter. */
    @Configurable("DenseResnetValue")
    public static DenseResnetValue fromGin(
            @Positive @Param(value = "width", dflt = "512", doc = "hidden width (blocks: width // 4 inside)")
            int width,
            @Param(value = "num_blocks", dflt = "2", doc = "residual blocks") int numBlocks) {
        return new DenseResnetValue(width, numBlocks);
    }

    /** Dense layer names in Keras' trainable-variable order. */
    public List<String> denseNames() {
        List<String> names = new ArrayList<>();
        names.add("dense0");
        for (int i = 0; i < numBlocks; i++) {
            for (int d = 0; d < 3; d++) {
                names.add("block" + i + "_dense" + d);
            }
        }
        names.add("dense1");
        return names;
    }

    /** Adds the network after {@code input} ({@code nIn} wide); returns the output vertex {@code dense1}. */
    public String addTo(GraphBuilder gb, String input, int nIn) {
        gb.addLayer("dense0", dense(nIn, width), input);
        String x = "dense0";
        int quarter = width / 4;
        for (int i = 0; i < numBlocks; i++) {
            String p = "block" + i + "_";
            // DL4J's ActivationLayer applies relu IN PLACE on its input when workspaces are off; x also feeds
            // the skip, so relu0 reads a copy (ScaleVertex 1.0: a fresh, equal array; see ResNetPreActivationLayer).
            gb.addVertex(p + "in_copy", new ScaleVertex(1.0), x);
            gb.addLayer(p + "relu0", relu(), p + "in_copy");
            gb.addLayer(p + "dense0", dense(width, quarter), p + "relu0");
            gb.addVertex(p + "dense0_copy", new ScaleVertex(1.0), p + "dense0"); // keeps dense0's output
            gb.addLayer(p + "relu1", relu(), p + "dense0_copy");
            gb.addLayer(p + "dense1", dense(quarter, quarter), p + "relu1");
            gb.addVertex(p + "dense1_copy", new ScaleVertex(1.0), p + "dense1");
            gb.addLayer(p + "relu2", relu(), p + "dense1_copy");
            gb.addLayer(p + "dense2", dense(quarter, width), p + "relu2");
            gb.addVertex(p + "add", new ElementWiseVertex(ElementWiseVertex.Op.Add), x, p + "dense2");
            x = p + "add";
        }
        gb.addLayer("dense1", dense(width, 1), x);
        return "dense1";
    }

    private static DenseLayer dense(int nIn, int nOut) {
        return new DenseLayer.Builder().nIn(nIn).nOut(nOut).activation(Activation.IDENTITY).build();
    }

    private static ActivationLayer relu() {
        return new ActivationLayer.Builder().activation(Activation.RELU).build();
    }
}
