package ibc4j.agents.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The parameters of a {@link PolicyLayer}: one entry, {@value #KEY}, the policy network's whole flat parameter
 * array in that network's own DL4J graph layout (MLPEBM's, MLPMSE's), so an ibc4j checkpoint's parameters load
 * into it unchanged. A freshly initialised layer gets the network's own initialisation (N(0, 0.05)) with seed
 * {@value #INIT_SEED}.
 */
public final class NetworkParamInitializer implements ParamInitializer {
    /** The single parameter key. */
    public static final String KEY = "network";
    /** The seed of a fresh layer's weights (an exported policy overwrites them). */
    public static final long INIT_SEED = 0L;

    static final NetworkParamInitializer INSTANCE = new NetworkParamInitializer();

    private NetworkParamInitializer() {}

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        return ((PolicyLayer) layer).numNetworkParams();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return List.of(KEY);
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return List.of(KEY);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return List.of();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return KEY.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return false;
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        PolicyLayer layer = (PolicyLayer) conf.getLayer();
        if (paramsView.length() != layer.numNetworkParams()) {
            throw new IllegalArgumentException(layer.getClass().getSimpleName() + ": parameter view of "
                    + paramsView.length() + " values, the network has " + layer.numNetworkParams());
        }
        if (initializeParams) {
            paramsView.assign(layer.freshParams(INIT_SEED).reshape(paramsView.shape()));
        }
        Map<String, INDArray> table = new LinkedHashMap<>();
        table.put(KEY, paramsView);
        return table;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        Map<String, INDArray> table = new LinkedHashMap<>();
        table.put(KEY, gradientView);
        return table;
    }
}
