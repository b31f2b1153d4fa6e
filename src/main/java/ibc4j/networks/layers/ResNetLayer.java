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
 * {@code ResNetLayer.normalizer}: None (IBC's default and every IBC config), or 'Batch' / 'Layer', a
 * {@link KerasNorm} before each activation of a block ({@code <prefix>_norm1}, {@code <prefix>_norm2}; where
 * exactly, see the subclasses).
 *
 * <p>Dense layer names: {@code proj}, then {@code block_dense1}, {@code block_dense2} for one block, or
 * {@code block<l>_dense1}, {@code block<l>_dense2} (l from 0) for several.
 */
public abstract class ResNetLayer extends TrunkLayer {
    /** 'Batch', 'Layer' or null (None). */
    protected final String normalizer;

    protected ResNetLayer(int width, int depth, double rate, String activation, String normalizer) {
        super(width, depth, rate, activation);
        if (normalizer != null && !KerasNorm.KINDS.contains(normalizer)) {
            // resnet.py: raise ValueError('Expected a different normalizer.')
            throw new IllegalArgumentException("ResNetLayer.normalizer '" + normalizer + "' is not one of "
                    + KerasNorm.KINDS + " or None");
        }
        this.normalizer = normalizer;
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
    public String normalizer() {
        return normalizer;
    }

    /**
     * Keras' trainable order: {@code _projection_layer}, {@code _weight_layers}, {@code _norm_layers},
     * {@code _weight_layers_2}, {@code _norm_layers_2} (the order resnet.py assigns the attributes).
     */
    @Override
    public List<String> paramLayerNames() {
        if (normalizer == null) {
            return denseNames();
        }
        List<String> names = new ArrayList<>();
        names.add("proj");
        for (String part : List.of("_dense1", "_norm1", "_dense2", "_norm2")) {
            for (int l = 0; l < numBlocks(); l++) {
                names.add(blockPrefix(l, numBlocks()) + part);
            }
        }
        return names;
    }

    /** Adds {@code <name>} = KerasNorm(input) when there is a normalizer; returns the vertex to read next. */
    protected final String norm(GraphBuilder gb, String name, String input) {
        if (normalizer == null) {
            return input;
        }
        gb.addLayer(name, new KerasNorm(normalizer, width), input);
        return name;
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
