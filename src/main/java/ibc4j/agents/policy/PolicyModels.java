package ibc4j.agents.policy;

import ibc4j.agents.IbcPolicy;
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

/**
 * A trained IbcPolicy as a DL4J model: a {@link ComputationGraph} with one input {@value #INPUT} (the raw flat
 * observation) and one {@link IbcPolicyLayer} {@value #OUTPUT} (the action), whose parameter array is the EBM's.
 */
public final class PolicyModels {
    public static final String INPUT = "obs";
    public static final String OUTPUT = "policy";

    private PolicyModels() {}

    /**
     * The graph of {@code policy} with the EBM's current weights.
     *
     * @param obsLayout observation key → width per frame (the flat input's layout; see {@link IbcPolicyLayer})
     * @param noiseSeed the seed of the policy's draws
     */
    public static ComputationGraph export(IbcPolicy policy, SortedMap<String, Integer> obsLayout, long noiseSeed) {
        IbcPolicyLayer layer = IbcPolicyLayer.of(policy, obsLayout, noiseSeed);
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
        org.nd4j.linalg.api.ndarray.INDArray ebm = policy.network().graph().params();
        graph.params().assign(ebm.reshape(graph.params().shape()));
        return graph;
    }

    /**
     * {@link #export(IbcPolicy, SortedMap, long)} with the layout read off a per-key obs normalizer
     * ({@code Map<String, Normalizers.Std>}, as IBC's NestMap): each key's width is its statistics' length.
     */
    public static ComputationGraph export(IbcPolicy policy, long noiseSeed) {
        Object norm = policy.settings().obsNormLayer();
        if (!(norm instanceof Map<?, ?> perKey)) {
            throw new IllegalArgumentException("the observation layout cannot be read off obs_norm_layer "
                    + (norm == null ? "None" : norm.getClass().getName()) + "; pass it");
        }
        SortedMap<String, Integer> layout = new TreeMap<>();
        perKey.forEach((k, v) -> layout.put((String) k, ((Normalizers.Std) v).mean().length));
        return export(policy, layout, noiseSeed);
    }

    /** The policy layer of a graph {@link #export} built (or ModelSerializer restored). */
    public static IbcPolicyLayerImpl policyLayer(ComputationGraph graph) {
        if (!(graph.getLayer(OUTPUT) instanceof IbcPolicyLayerImpl l)) {
            throw new IllegalArgumentException("not an exported IBC policy: no IbcPolicyLayer '" + OUTPUT + "'");
        }
        return l;
    }
}
