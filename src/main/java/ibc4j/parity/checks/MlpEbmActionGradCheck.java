package ibc4j.parity.checks;

import ibc4j.networks.EbmKernel;
import ibc4j.networks.Float32ErrorBounds;
import ibc4j.networks.MLPEBM;
import ibc4j.parity.Golden;
import ibc4j.parity.ParityCheck;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link EbmKernel#actionGradient} against {@code ibc/agents/mcmc.py:gradient_wrt_act} (which returns
 * {@code −∂f/∂a}), both with the observations concatenated and with the observation half prepared once per chain.
 */
public final class MlpEbmActionGradCheck implements ComponentCheck {
    @Override
    public String component() {
        return "mlp_ebm_action_grad";
    }

    @Override
    public List<TensorResult> run(Golden g) {
        MLPEBM net = GoldenNetworks.network(g);
        INDArray obs = g.tensor("obs");
        INDArray act = g.tensor("actions");
        EbmKernel k = EbmKernel.create(net, (int) obs.size(0));
        INDArray energies = k.energies(obs, act).dup();
        Float32ErrorBounds b = new Float32ErrorBounds(k);
        boolean[] ambiguous = b.ambiguousRows();
        boolean[] wide = b.ambiguousRows(Caps.RELU_WIDE);
        INDArray deDact = k.actionGradient(obs, act).neg();
        Tolerance tg = Tolerance.of(b.actionGradient(), 0,
                "backward chain wo·W2ᵀ, ·W1ᵀ, ·Wp_aᵀ: each dot's 4·√K·u·S plus the carried error");
        String skipped = GoldenNetworks.count(ambiguous) + " rows with a ReLU input within rounding of 0 not compared";
        INDArray expected = g.tensor("de_dact");
        k.prepareObservations(obs);
        INDArray prepared = k.actionGradient(act).neg();
        return List.of(
                TensorResult.compare(g, "energies", energies, Tolerance.of(b.head, 0,
                        "4·√K·u·Σ|terms| through the network")),
                TensorResult.of(g, "de_dact", GoldenNetworks.keepRows(expected, ambiguous),
                        GoldenNetworks.keepRows(deDact, ambiguous), tg).withNote(skipped)
                        .excusing(Caps.reluRows(ambiguous, wide, "rows")),
                TensorResult.of(g, "de_dact", GoldenNetworks.keepRows(expected, ambiguous),
                        GoldenNetworks.keepRows(prepared, ambiguous), tg)
                        .withNote("prepared observation half (the Langevin path)")
                        .excusing(Caps.reluRows(ambiguous, wide, "rows")));
    }
}
