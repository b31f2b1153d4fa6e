package ibc4j.parity.checks;

import ibc4j.networks.MLPMSE;
import ibc4j.networks.layers.KerasDropout;
import ibc4j.normalizers.Normalizers;
import ibc4j.parity.Golden;
import ibc4j.parity.ParityCheck;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import ibc4j.runtime.NoiseSource;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link MLPMSE} (the DL4J graph) against {@code networks/mlp_mse.py:MLPMSE.call}, with TF's weights: inference
 * (head output and its act_denorm_layer) and training mode with TF's dropout draws replayed.
 */
public final class MlpMseForwardCheck implements ComponentCheck {
    static final String WHY = "4·√K·u·Σ|terms| per dense on these activations, input errors through ‖W col‖₂, "
            + "dropout ×scale, residual adds (GraphErrorBounds)";

    @Override
    public String component() {
        return "mlp_mse_forward";
    }

    @Override
    public List<TensorResult> run(Golden g) {
        MLPMSE net = GoldenMse.network(g);
        INDArray obs = g.tensor("obs");
        List<TensorResult> out = new ArrayList<>();
        double eEval = GoldenMse.headBound(net, obs, false);
        INDArray head = net.outputNormalized(obs);
        out.add(TensorResult.compare(g, "eval_head", head, Tolerance.of(eEval, 0, WHY)));
        INDArray actions = net.call(obs, false);
        Normalizers.Std std = GoldenMse.denorm(g);
        out.add(TensorResult.compare(g, "eval_actions", actions, Tolerance.of(GoldenMse.denormBound(eEval, std,
                actions), 0, "the head's bound × max std, plus the rounding of y·std + mean")));

        List<INDArray> draws = new ArrayList<>();
        for (int i = 0; i < net.numDropoutLayers(); i++) {
            draws.add(g.tensor("dropout" + i + "_uniform"));
        }
        double eTrain;
        try (KerasDropout.Binding s = net.dropoutNoise(NoiseSource.replay(draws, List.of()))) {
            eTrain = GoldenMse.headBound(net, obs, true);
        }
        INDArray train;
        try (KerasDropout.Binding s = net.dropoutNoise(NoiseSource.replay(draws, List.of()))) {
            train = net.call(obs, true);
        }
        out.add(TensorResult.compare(g, "train_actions", train, Tolerance.of(eTrain, 0, WHY
                + "; TF's dropout draws replayed (same masks)")).withNote(draws.size() + " dropout draws replayed"));
        return out;
    }
}
