package ibc4j.agents.policy;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A running {@link PolicyLayer}: checks the raw flat observation {@code [B, nIn]}, hands it to the policy as one
 * observation key {@code [B, 1, nIn]} (the flatten is then the identity and the obs normalizer, laid over the flat
 * row, is the per-key one value for value) and returns its action {@code [B, nOut]}. Inference only (no
 * backprop), not thread-safe. The work runs outside DL4J's workspaces: the kernels keep buffers across calls.
 */
public abstract class PolicyLayerImpl<C extends PolicyLayer> extends BaseLayer<C> {
    /** The one observation key the policy is called with. */
    static final String KEY = "obs";

    protected PolicyLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** What a layer config's {@code instantiate} does (as DL4J's own layers do it). */
    static org.deeplearning4j.nn.api.Layer wire(PolicyLayerImpl<?> layer, NeuralNetConfiguration conf,
                                                Collection<TrainingListener> listeners, int index,
                                                INDArray paramsView, boolean initializeParams) {
        layer.setListeners(listeners);
        layer.setIndex(index);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(NetworkParamInitializer.INSTANCE.init(conf, paramsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }

    /** The policy's actions for {@code [B, 1, nIn]} raw observations under {@link #KEY}, with the current params. */
    protected abstract INDArray act(Map<String, INDArray> observations);

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        C c = layerConf();
        if (input.rank() != 2 || input.size(1) != c.getNIn()) {
            throw new IllegalArgumentException(c.getClass().getSimpleName() + ": expected raw flat observations [B, "
                    + c.getNIn() + "] (" + c.getHistoryLength() + " frames of "
                    + java.util.Arrays.toString(c.getObsKeys()) + " widths "
                    + java.util.Arrays.toString(c.getObsKeyDims()) + "), got "
                    + java.util.Arrays.toString(input.shape()));
        }
        INDArray actions;
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray obs = input.castTo(DataType.FLOAT).dup('c');
            actions = act(Map.of(KEY, obs.reshape(obs.size(0), 1, obs.size(1))));
        }
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, actions.castTo(dataType));
    }

    /** Copies this layer's parameters into {@code networkParams} in place (kernels over it see the new values). */
    protected void loadInto(INDArray networkParams) {
        networkParams.assign(params().reshape(networkParams.shape()).castTo(networkParams.dataType()));
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        throw new UnsupportedOperationException(layerConf().getClass().getSimpleName() + " is inference only: train "
                + "the network (ibc4j train), then export the policy");
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public boolean hasBias() {
        return false;
    }

    @Override
    public void clearNoiseWeightParams() {
        // no weight noise
    }
}
