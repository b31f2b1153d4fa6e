package ibc4j.networks.layers;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.nd4j.linalg.activations.Activation;

/**
 * Shared construction of IBC's residual MLPs; mirrors {@code ResNetLayer.__init__} in
 * {@code networks/layers/resnet.py} (IBC db89ddb).
 *
 * <p>{@code hidden_sizes = [width] * depth}: a linear projection to {@code width}, then {@code depth / 2} residual
 * blocks of two dense layers each. {@code depth = 2} is ONE block (IBC asserts {@code depth} is even).
 * {@code ResNetLayer.normalizer} must be {@code None} (IBC's default and every IBC config); 'Batch'/'Layer' are
 * not implemented.
 *
 * <p>Dense layer names: {@code proj}, then {@code block_dense1}, {@code block_dense2} for one block, or
 * {@code block<l>_dense1}, {@code block<l>_dense2} (l from 0) for several.
 */
public abstract class ResNetLayer extends TrunkLayer {
    protected ResNetLayer(int width, int depth, double rate, String activation) {
        super(width, depth, rate, activation);
        if (depth % 2 != 0) {
            // resnet.py: assert len(hidden_sizes) % 2 == 0 (the projection is extra, not counted).
            throw new IllegalArgumentException("ResNet layers need an even depth (2 dense layers per block), got "
                    + depth);
        }
    }

    /** Number of residual blocks, {@code depth / 2}. */
    public int numBlocks() {
        return depth / 2;
    }

    /** Name prefix of block {@code l}: {@code block} when there is one block, else {@code block<l>}. */
    public static String blockPrefix(int l, int numBlocks) {
        return numBlocks == 1 ? "block" : "block" + l;
    }

    @Override
    public List<String> denseNames() {
        // Keras tracks _projection_layer, then _weight_layers (all first denses), then _weight_layers_2.
        List<String> names = new ArrayList<>();
        names.add("proj");
        for (int l = 0; l < numBlocks(); l++) {
            names.add(blockPrefix(l, numBlocks()) + "_dense1");
        }
        for (int l = 0; l < numBlocks(); l++) {
            names.add(blockPrefix(l, numBlocks()) + "_dense2");
        }
        return names;
    }

    @Override
    public final String addTo(GraphBuilder gb, String input, int nIn) {
        gb.addLayer("proj", dense(nIn, width, Activation.IDENTITY), input);
        String x = "proj";
        for (int l = 0; l < numBlocks(); l++) {
            x = addBlock(gb, blockPrefix(l, numBlocks()), x);
        }
        return x;
    }

    /** Adds one residual block reading {@code input}; returns its output vertex. */
    protected abstract String addBlock(GraphBuilder gb, String prefix, String input);
}
