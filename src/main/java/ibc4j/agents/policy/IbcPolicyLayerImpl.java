package ibc4j.agents.policy;

import ibc4j.agents.IbcPolicy;
import ibc4j.networks.MLPEBM;
import ibc4j.runtime.NoiseSource;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The running {@link IbcPolicyLayer}. Each forward pass copies the layer's parameters into an {@link MLPEBM} of
 * the layer's architecture (same flat layout) and calls {@link IbcPolicy#action} on it, so the samplers run in
 * ibc4j's own kernels ({@code EbmKernel}, {@code Mcmc}, {@code Dfo}) exactly as in training and evaluation.
 *
 * <p>Random draws: the layer owns one {@link PortableNoise} generator, seeded with
 * {@link IbcPolicyLayer#getNoiseSeed()} when the layer is instantiated (building, restoring or cloning the graph);
 * every forward pass continues its stream, so a restored policy's calls draw what the saved policy's calls drew,
 * in any JVM. {@link #reseed} restarts it and
 * {@link #useNoise} replaces it.
 */
public class IbcPolicyLayerImpl extends PolicyLayerImpl<IbcPolicyLayer> {
    private transient MLPEBM ebm;
    private transient IbcPolicy policy;
    private transient NoiseSource noise;

    public IbcPolicyLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** Restarts this layer's generator at {@code seed}. */
    public void reseed(long seed) {
        noise = new PortableNoise(seed);
    }

    /** Draws from {@code source} from now on (e.g. {@link NoiseSource#replay} in tests). */
    public void useNoise(NoiseSource source) {
        noise = java.util.Objects.requireNonNull(source, "source");
    }

    @Override
    protected INDArray act(Map<String, INDArray> observations) {
        if (ebm == null) {
            ebm = layerConf().newEbm(NetworkParamInitializer.INIT_SEED);
            policy = layerConf().newPolicy(ebm);
        }
        if (noise == null) {
            reseed(layerConf().getNoiseSeed());
        }
        loadInto(ebm.graph().params());
        return policy.action(observations, noise);
    }
}
