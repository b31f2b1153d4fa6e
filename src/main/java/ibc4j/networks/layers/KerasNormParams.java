package ibc4j.networks.layers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The parameters of a {@link KerasNorm}, Keras' variable names: {@code gamma}, {@code beta} and, for Batch,
 * {@code moving_mean}, {@code moving_variance}, each a {@code [1, width]} view of the layer's slice of the graph's
 * flat array. A fresh layer gets Keras' initial values (1, 0, 0, 1); given parameters are kept as they are.
 */
public final class KerasNormParams implements ParamInitializer {
    public static final String GAMMA = "gamma";
    public static final String BETA = "beta";
    public static final String MOVING_MEAN = "moving_mean";
    public static final String MOVING_VARIANCE = "moving_variance";
    private static final List<String> BATCH_KEYS = List.of(GAMMA, BETA, MOVING_MEAN, MOVING_VARIANCE);
    private static final List<String> LAYER_KEYS = List.of(GAMMA, BETA);

    static final KerasNormParams INSTANCE = new KerasNormParams();

    private KerasNormParams() {}

    /** Whether {@code key} is a moving statistic (not trainable). */
    public static boolean isMoving(String key) {
        return MOVING_MEAN.equals(key) || MOVING_VARIANCE.equals(key);
    }

    /** Keras' initial value of {@code key}. */
    public static double initialValue(String key) {
        return GAMMA.equals(key) || MOVING_VARIANCE.equals(key) ? 1.0 : 0.0;
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        KerasNorm n = (KerasNorm) layer;
        return paramKeys(layer).size() * n.getNOut();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return ((KerasNorm) layer).isBatch() ? BATCH_KEYS : LAYER_KEYS;
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return List.of(GAMMA);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return List.of(BETA);
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return GAMMA.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return BETA.equals(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        Map<String, INDArray> table = split(conf.getLayer(), paramsView);
        if (initializeParams) {
            table.forEach((k, v) -> v.assign(initialValue(k)));
        }
        return table;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return split(conf.getLayer(), gradientView);
    }

    private Map<String, INDArray> split(Layer layer, INDArray flat) {
        long w = ((KerasNorm) layer).getNOut();
        List<String> keys = paramKeys(layer);
        if (flat.length() != keys.size() * w) {
            throw new IllegalArgumentException(layer.getLayerName() + ": parameter view of " + flat.length()
                    + " values, expected " + keys.size() * w);
        }
        INDArray row = flat.reshape(1, flat.length());
        Map<String, INDArray> table = new LinkedHashMap<>();
        for (int k = 0; k < keys.size(); k++) {
            table.put(keys.get(k), row.get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(k * w, (k + 1) * w)));
        }
        return table;
    }
}
