package ibc4j.parity.checks;

import ibc4j.networks.GaussianMixture;
import ibc4j.networks.MLPMDN;
import ibc4j.networks.layers.KerasDropout;
import ibc4j.normalizers.Normalizers;
import ibc4j.parity.Golden;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import ibc4j.runtime.NoiseSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link MLPMDN} (the DL4J graph and {@link ibc4j.networks.MdnHead}) against {@code networks/mlp_mdn.py:MLPMDN.call}
 * with TF's weights: the Dense outputs and the mixture's logits, locs and scales at inference (test temperature,
 * variance exponent, act_denorm_layer) and in training (TF's dropout draws replayed), and the training mixture's
 * {@code log_prob} of the batch's actions.
 */
public final class MlpMdnForwardCheck implements ComponentCheck {
    static final String WHY = MlpMseForwardCheck.WHY;

    @Override
    public String component() {
        return "mlp_mdn_forward";
    }

    @Override
    public List<TensorResult> run(Golden g) {
        MLPMDN net = GoldenMdn.network(g);
        INDArray obs = g.tensor("obs");
        List<TensorResult> out = new ArrayList<>();
        GoldenMdn.Bounds be = GoldenMdn.bounds(net, obs, false);
        INDArray[] eval = net.graph().output(false, obs);
        GaussianMixture mixEval = net.call(obs, false);
        out.addAll(heads(g, "eval_", eval, be));
        Normalizers.Std std = GoldenMdn.denorm(g);
        out.addAll(mixture(g, "eval_", mixEval, be, GoldenMdn.maxStd(std), "eval"));

        List<INDArray> draws = GoldenMdn.dropoutDraws(g);
        GoldenMdn.Bounds bt;
        try (KerasDropout.Binding s = net.dropoutNoise(NoiseSource.replay(draws, List.of()))) {
            bt = GoldenMdn.bounds(net, obs, true);
        }
        INDArray[] train;
        try (KerasDropout.Binding s = net.dropoutNoise(NoiseSource.replay(draws, List.of()))) {
            train = net.graph().output(true, obs);
        }
        GaussianMixture mixTrain = net.head().mixture(train[0], train[1], train[2], true, null);
        out.addAll(heads(g, "train_", train, bt));
        out.addAll(mixture(g, "train_", mixTrain, bt, 1.0, "train"));
        INDArray x = g.tensor("true_actions");
        out.add(TensorResult.compare(g, "train_log_prob", Nd4j.create(mixTrain.logProb(x)),
                Tolerance.of(GoldenMdn.logProbBound(mixTrain, x, bt), 0, "first-order propagation of the head "
                        + "bounds through log_prob (×2), plus the sums' roundings (GoldenMdn.logProbBound)"))
                .withNote(draws.size() + " dropout draws replayed"));
        return out;
    }

    static List<TensorResult> heads(Golden g, String prefix, INDArray[] raw, GoldenMdn.Bounds b) {
        return List.of(
                TensorResult.compare(g, prefix + "mu", raw[0], Tolerance.of(b.mu(), 0, WHY)),
                TensorResult.compare(g, prefix + "logvar", raw[1], Tolerance.of(b.logvar(), 0, WHY)),
                TensorResult.compare(g, prefix + "pi", raw[2], Tolerance.of(b.pi(), 0, WHY)));
    }

    /** logits, loc, scale; {@code stdMax} is the denorm's max std (1 in training: no denorm). */
    static List<TensorResult> mixture(Golden g, String prefix, GaussianMixture mix, GoldenMdn.Bounds b,
                                      double stdMax, String mode) {
        double maxLoc = mix.locArray().amaxNumber().doubleValue();
        return List.of(
                TensorResult.compare(g, prefix + "logits", mix.logitsArray(), Tolerance.of(b.logits(), 0,
                        "e(pi)/T plus one rounding of the division")),
                TensorResult.compare(g, prefix + "loc", mix.locArray(), Tolerance.of(b.mu() * stdMax
                        + ("eval".equals(mode) ? 2 * GoldenMdn.U * maxLoc : 0), 0,
                        "e(mu) × max std, plus the two roundings of mu·std + mean (training: mu itself)")),
                TensorResult.compare(g, prefix + "scale", mix.scaleArray(), Tolerance.of(0, b.scaleRel(),
                        "relative: expm1(p·e(logvar)) + 8u (exp, pow, ×std roundings)")));
    }
}
