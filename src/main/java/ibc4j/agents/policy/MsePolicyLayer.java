package ibc4j.agents.policy;

import ibc4j.agents.MsePolicy;
import ibc4j.networks.MLPMSE;
import java.util.Collection;
import java.util.SortedMap;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The MSE baseline's evaluation policy as a DL4J layer (mirrors {@code ibc/agents/mse_policy.py}
 * MsePolicyWrapper under tf-agents' GreedyPolicy): raw flat observation in, action out; parameters MLPMSE's in
 * its flat layout. Deterministic. {@link MsePolicyLayerImpl} calls {@link MsePolicy} over these settings.
 */
public class MsePolicyLayer extends PolicyLayer {
    private static final long serialVersionUID = 1L;

    // MLPMSE.Config
    @JsonProperty
    private int mseWidth;
    @JsonProperty
    private int mseDepth;
    @JsonProperty
    private double mseRate;
    @JsonProperty
    private String mseLayers;
    @JsonProperty
    private String mseNormalizer; // ResNetLayer.normalizer; absent (null) in layers exported before it existed

    /** For DL4J's JSON reader. */
    public MsePolicyLayer() {}

    /** The layer of {@code policy}; {@code obsLayout} as for {@link IbcPolicyLayer#of}. */
    public static MsePolicyLayer of(MsePolicy policy, SortedMap<String, Integer> obsLayout) {
        MLPMSE net = policy.network();
        MsePolicyLayer l = new MsePolicyLayer();
        l.setCommon(net.obsDim(), net.actionDim(), ObsLayout.of(obsLayout, net.obsDim(), policy.obsNormLayer()),
                net.actDenormLayer(), policy.clipBounds());
        MLPMSE.Config c = net.config();
        l.mseWidth = c.width();
        l.mseDepth = c.depth();
        l.mseRate = c.rate();
        l.mseLayers = c.layers();
        l.mseNormalizer = c.normalizer();
        return l;
    }

    /** A new MLPMSE of this layer's architecture and act_denorm_layer, initialised with {@code seed}. */
    MLPMSE newMse(long seed) {
        return MLPMSE.create(new MLPMSE.Config(mseWidth, mseDepth, mseRate, mseLayers, mseNormalizer), (int) nIn,
                (int) nOut, seed, actDenormLayer(), WorkspaceMode.ENABLED);
    }

    @Override
    protected INDArray freshParams(long seed) {
        return newMse(seed).graph().params();
    }

    /** MsePolicy over {@code net} with this layer's settings, taking one observation key {@code [B, 1, nIn]}. */
    MsePolicy newPolicy(MLPMSE net) {
        return new MsePolicy(envBounds(), net, obsNorm());
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> listeners, int layerIndex,
                                                       INDArray layerParamsView, boolean initializeParams,
                                                       DataType networkDataType) {
        return PolicyLayerImpl.wire(new MsePolicyLayerImpl(conf, networkDataType), conf, listeners, layerIndex,
                layerParamsView, initializeParams);
    }
}
