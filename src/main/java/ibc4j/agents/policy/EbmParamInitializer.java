package ibc4j.agents.policy;

import ibc4j.networks.MLPEBM;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The parameters of an {@link IbcPolicyLayer}: one entry, {@value #KEY}, the MLPEBM graph's whole flat parameter
 * array in that graph's layout (so an ibc4j checkpoint's parameters load into it unchanged). A freshly initialised
 * layer gets MLPEBM's own initialisation (N(0, 0.05)) with seed {@value #INIT_SEED}.
 */
public final class EbmParamInitializer implements ParamInitializer {
    /** The single parameter key. */
    public static final String KEY = "ebm";
    /** The seed of a fresh layer's weights (an exported policy overwrites them). */
    public static final long INIT_SEED = 0L;

    static final EbmParamInitializer INSTANCE = new EbmParamInitializer();

    private EbmParamInitializer() {}

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        return ((IbcPolicyLayer) layer).numEbmParams();
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
        IbcPolicyLayer layer = (IbcPolicyLayer) conf.getLayer();
        if (paramsView.length() != layer.numEbmParams()) {
            throw new IllegalArgumentException("IbcPolicyLayer: parameter view of " + paramsView.length()
                    + " values, the EBM has " + layer.numEbmParams());
        }
        if (initializeParams) {
            MLPEBM fresh = layer.newEbm(INIT_SEED);
            paramsView.assign(fresh.graph().params().reshape(paramsView.shape()));
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
