package ibc4j.agents.policy;

import ibc4j.agents.IbcPolicy;
import ibc4j.agents.MsePolicy;
import ibc4j.normalizers.Normalizers;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trained policy as a DL4J model: a {@link ComputationGraph} with one input {@value #INPUT} (the raw flat
 * observation) and one {@link PolicyLayer} {@value #OUTPUT} (the action), whose parameter array is the policy
 * network's (MLPEBM's for {@link IbcPolicyLayer}, MLPMSE's for {@link MsePolicyLayer}).
 */
public final class PolicyModels {
    public static final String INPUT = "obs";
    public static final String OUTPUT = "policy";

    private PolicyModels() {}

    /**
     * The graph of {@code policy} with the EBM's current weights.
     *
     * @param obsLayout observation key → width per frame (the flat input's layout; see {@link PolicyLayer})
     * @param noiseSeed the seed of the policy's draws
     */
    public static ComputationGraph export(IbcPolicy policy, SortedMap<String, Integer> obsLayout, long noiseSeed) {
        return graph(IbcPolicyLayer.of(policy, obsLayout, noiseSeed), policy.network().graph().params());
    }

    /** {@link #export(IbcPolicy, SortedMap, long)} with the layout read off the per-key obs normalizer. */
    public static ComputationGraph export(IbcPolicy policy, long noiseSeed) {
        return export(policy, layoutOf(policy.settings().obsNormLayer()), noiseSeed);
    }

    /** The graph of the MSE baseline's {@code policy} with MLPMSE's current weights (nothing is random). */
    public static ComputationGraph export(MsePolicy policy, SortedMap<String, Integer> obsLayout) {
        return graph(MsePolicyLayer.of(policy, obsLayout), policy.network().graph().params());
    }

    /** {@link #export(MsePolicy, SortedMap)} with the layout read off the per-key obs normalizer. */
    public static ComputationGraph export(MsePolicy policy) {
        return export(policy, layoutOf(policy.obsNormLayer()));
    }

    private static ComputationGraph graph(PolicyLayer layer, INDArray networkParams) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .trainingWorkspaceMode(WorkspaceMode.NONE)
                .inferenceWorkspaceMode(WorkspaceMode.NONE)
                .graphBuilder()
                .addInputs(INPUT)
                .setInputTypes(InputType.feedForward(layer.getNIn()))
                .addLayer(OUTPUT, layer, INPUT)
                .setOutputs(OUTPUT)
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        graph.params().assign(networkParams.reshape(graph.params().shape()));
        return graph;
    }

    /**
     * The flat input's layout read off a per-key obs normalizer ({@code Map<String, Normalizers.Std>}, as IBC's
     * NestMap): each key's width is its statistics' length.
     */
    private static SortedMap<String, Integer> layoutOf(Object obsNormLayer) {
        if (!(obsNormLayer instanceof Map<?, ?> perKey)) {
            throw new IllegalArgumentException("the observation layout cannot be read off obs_norm_layer "
                    + (obsNormLayer == null ? "None" : obsNormLayer.getClass().getName()) + "; pass it");
        }
        SortedMap<String, Integer> layout = new TreeMap<>();
        perKey.forEach((k, v) -> layout.put((String) k, ((Normalizers.Std) v).mean().length));
        return layout;
    }

    /** The policy layer of a graph {@link #export} built (or ModelSerializer restored). */
    public static PolicyLayer policyLayer(ComputationGraph graph) {
        if (graph.getLayer(OUTPUT) == null
                || !(graph.getLayer(OUTPUT).conf().getLayer() instanceof PolicyLayer l)) {
            throw new IllegalArgumentException("not an exported ibc4j policy: no policy layer '" + OUTPUT + "'");
        }
        return l;
    }

    /** The running IBC policy layer of a graph {@link #export} built, to reseed or replace its draws. */
    public static IbcPolicyLayerImpl ibcPolicyLayer(ComputationGraph graph) {
        if (!(graph.getLayer(OUTPUT) instanceof IbcPolicyLayerImpl l)) {
            throw new IllegalArgumentException("not an exported IBC policy: no IbcPolicyLayer '" + OUTPUT + "'");
        }
        return l;
    }
}
