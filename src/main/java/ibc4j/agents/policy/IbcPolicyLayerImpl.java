package ibc4j.agents.policy;

import ibc4j.agents.IbcPolicy;
import ibc4j.networks.MLPEBM;
import ibc4j.runtime.NoiseSource;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The running {@link IbcPolicyLayer}: raw flat observations {@code [B, nIn]} in, IbcPolicy's greedy actions
 * {@code [B, nOut]} out. Each forward pass copies the layer's parameters into an {@link MLPEBM} of the layer's
 * architecture (same flat layout) and calls {@link IbcPolicy#action} on it, so the samplers run in ibc4j's own
 * kernels ({@code EbmKernel}, {@code Mcmc}, {@code Dfo}) exactly as in training and evaluation.
 *
 * <p>Random draws: the layer owns one generator, seeded with {@link IbcPolicyLayer#getNoiseSeed()} when the layer
 * is instantiated (building, restoring or cloning the graph); every forward pass continues its stream, so a
 * restored policy's first call draws what the saved policy's first call drew. {@link #reseed} restarts it and
 * {@link #useNoise} replaces it. Inference only (no backprop), not thread-safe.
 *
 * <p>The work runs outside DL4J's workspaces: the kernels keep buffers across calls.
 */
public class IbcPolicyLayerImpl extends BaseLayer<IbcPolicyLayer> {
    private static final String KEY = "obs";
    private transient MLPEBM ebm;
    private transient IbcPolicy policy;
    private transient NoiseSource noise;

    public IbcPolicyLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** Restarts this layer's generator at {@code seed}. */
    public void reseed(long seed) {
        noise = NoiseSource.ownGenerator(seed);
    }

    /** Draws from {@code source} from now on (e.g. {@link NoiseSource#replay} in tests). */
    public void useNoise(NoiseSource source) {
        noise = java.util.Objects.requireNonNull(source, "source");
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        IbcPolicyLayer c = layerConf();
        if (input.rank() != 2 || input.size(1) != c.getNIn()) {
            throw new IllegalArgumentException("IbcPolicyLayer: expected raw flat observations [B, " + c.getNIn()
                    + "] (" + c.getHistoryLength() + " frames of " + java.util.Arrays.toString(c.getObsKeys())
                    + " widths " + java.util.Arrays.toString(c.getObsKeyDims()) + "), got "
                    + java.util.Arrays.toString(input.shape()));
        }
        INDArray actions;
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray obs = input.castTo(DataType.FLOAT).dup('c');
            actions = policy().action(Map.of(KEY, obs.reshape(obs.size(0), 1, obs.size(1))), noise());
        }
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, actions.castTo(dataType));
    }

    private NoiseSource noise() {
        if (noise == null) {
            reseed(layerConf().getNoiseSeed());
        }
        return noise;
    }

    /** The policy over this layer's current parameters (copied in place: the kernels see the new values). */
    private IbcPolicy policy() {
        if (ebm == null) {
            ebm = layerConf().newEbm(EbmParamInitializer.INIT_SEED);
            policy = layerConf().newPolicy(ebm);
        }
        INDArray p = ebm.graph().params();
        p.assign(params().reshape(p.shape()).castTo(p.dataType()));
        return policy;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        throw new UnsupportedOperationException("IbcPolicyLayer is inference only: train the EBM (ibc4j train), "
                + "then export the policy");
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
