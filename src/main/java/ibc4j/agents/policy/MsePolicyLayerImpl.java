package ibc4j.agents.policy;

import ibc4j.agents.MsePolicy;
import ibc4j.networks.MLPMSE;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The running {@link MsePolicyLayer}: the layer's parameters copied into an MLPMSE, then {@link MsePolicy}. */
public class MsePolicyLayerImpl extends PolicyLayerImpl<MsePolicyLayer> {
    private transient MLPMSE net;
    private transient MsePolicy policy;

    public MsePolicyLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    protected INDArray act(Map<String, INDArray> observations) {
        if (net == null) {
            net = layerConf().newMse(NetworkParamInitializer.INIT_SEED);
            policy = layerConf().newPolicy(net);
        }
        loadInto(net.graph().params());
        return policy.action(observations, null);
    }
}
