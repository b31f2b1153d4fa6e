package ibc4j.parity.checks;

import ibc4j.networks.EbmKernel;
import ibc4j.networks.Float32ErrorBounds;
import ibc4j.networks.MLPEBM;
import ibc4j.networks.PreActivationKernel;
import ibc4j.parity.Golden;
import ibc4j.parity.ParityCheck;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link MLPEBM} (the DL4J graph, the model of record) and its {@link EbmKernel} against
 * {@code networks/mlp_ebm.py:MLPEBM.call}: every intermediate and the output, with TF's weights.
 */
public final class MlpEbmForwardCheck implements ComponentCheck {
    private static final String WHY = "4·√K·u·Σ|terms| on these inputs, plus the input error through ‖W col‖₂";

    @Override
    public String component() {
        return "mlp_ebm_forward";
    }

    @Override
    public List<TensorResult> run(Golden g) {
        MLPEBM net = GoldenNetworks.network(g);
        INDArray obs = g.tensor("obs");
        INDArray act = g.tensor("actions");
        PreActivationKernel k = (PreActivationKernel) EbmKernel.create(net, (int) obs.size(0));
        INDArray energy = k.energies(obs, act).dup();
        Map<String, INDArray> mine = k.intermediates();
        Float32ErrorBounds b = new Float32ErrorBounds(k);
        return List.of(
                TensorResult.compare(g, "net_input", mine.get("net_input"), Tolerance.exact("a concatenation")),
                TensorResult.compare(g, "projection", mine.get("projection"), Tolerance.of(b.projection, 0, WHY)),
                TensorResult.compare(g, "relu1", mine.get("relu1"), Tolerance.of(b.projection, 0,
                        "relu is exact and 1-Lipschitz: the projection's bound")),
                TensorResult.compare(g, "dense1", mine.get("dense1"), Tolerance.of(b.dense1, 0, WHY)),
                TensorResult.compare(g, "relu2", mine.get("relu2"), Tolerance.of(b.dense1, 0, "dense1's bound")),
                TensorResult.compare(g, "dense2", mine.get("dense2"), Tolerance.of(b.dense2, 0, WHY)),
                TensorResult.compare(g, "residual", mine.get("residual"), Tolerance.of(b.residual, 0,
                        "sum of the two branches' bounds plus one rounding")),
                TensorResult.compare(g, "head", mine.get("head"), Tolerance.of(b.head, 0, WHY)),
                TensorResult.compare(g, "energy", energy, Tolerance.of(b.head, 0, WHY + " (kernel)")),
                // The model of record: the DL4J graph's output() does the same GEMMs with other blocking.
                TensorResult.compare(g, "energy", net.energies(obs, act), Tolerance.of(b.head, 0,
                        WHY + " (DL4J graph output())")).withNote("graph output()"));
    }
}
