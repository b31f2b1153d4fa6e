package ibc4j.parity.checks;

import ibc4j.losses.GradientLoss;
import ibc4j.networks.pixel.DenseResnetGradPenalty;
import ibc4j.networks.pixel.PixelEBM;
import ibc4j.parity.Golden;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * IBC's {@code grad_penalty} on a PixelEBM ({@code ibc/losses/gradient_loss.py}, {@code only_apply_final}, margin
 * 1, ∞-norm, squared) and the gradient of its batch mean with respect to every variable, which TF gets by double
 * backprop and ibc4j by {@link DenseResnetGradPenalty}'s hand derivation: ∂f/∂a, the norms, the per-example
 * penalty and its mean from the normalized images and fixed actions; then the parameter gradient. Gradient
 * tolerances as {@link TrainStepCheck}'s: ibc4j's float32 error against its own float64 run (a float64 PixelEBM on
 * the same inputs), 4·e32, plus 16 ulps of max|TF| for TF's own rounding; the biases' and the encoder's gradients
 * are exact zeros on both sides.
 */
public final class PixelGradPenaltyCheck implements ComponentCheck {
    @Override
    public String component() {
        return "pixel_grad_penalty";
    }

    @Override
    public List<TensorResult> run(Golden g) {
        PixelEBM net = PixelLangevinGoldens.net(g, DataType.FLOAT);
        int b = g.intParam("batch");
        int n1 = g.intParam("num_counter_examples") + 1;
        double margin = g.doubleParam("grad_margin");
        INDArray rgb = g.tensor("rgb");
        INDArray combined = g.tensor("combined_actions");
        INDArray tiled = PixelEBM.tileBatch(net.encode(rgb), n1);
        DenseResnetGradPenalty d = new DenseResnetGradPenalty(net.valueConfig(), net.params(), tiled, combined);
        GradientLoss.Penalty p = GradientLoss.gradPenalty(d.dfDa(), b, "inf", (float) margin, true, 1f, 1f / b);
        PixelLangevinGoldens.Probe probe = PixelLangevinGoldens.Probe.at(net, tiled, combined,
                PixelLangevinGoldens.encoderBound(net, rgb));
        List<TensorResult> out = new ArrayList<>(PixelLangevinGoldens.penaltyRows(g, "de_dact", "grad_norms",
                "per_example_penalty", d.dfDa(), p.norms(), p.perExample(), probe, b, margin));
        float mean = ibc4j.agents.PixelImplicitBC.batchMean(p.perExample());
        double atol = out.get(out.size() - 1).tolerance().atol();
        out.add(TensorResult.compare(g, "penalty_mean", Nd4j.scalar(mean), Tolerance.of(atol,
                4 * PixelLangevinGoldens.U * Math.sqrt(b), "the per-example bound, plus Σ of B float32 terms in "
                        + "another order: √B ulps")));

        Map<String, INDArray> mine = d.paramGradient(p.gradActionGrads());
        Map<String, INDArray> ref = PixelLangevinGoldens.penaltyGrad64(PixelLangevinGoldens.net(g, DataType.DOUBLE),
                rgb, combined, b, margin);
        for (String name : mine.keySet()) {
            out.add(TrainStepCheck.gradResult(g, "grad_" + name, mine.get(name), ref.get(name)));
        }
        out.add(TensorResult.compare(g, "grad_encoder_amax", Nd4j.scalar(0f), Tolerance.exact(
                "ibc4j sends the penalty nothing into the encoder (∂f/∂a meets the encoding only in ReLU masks, "
                        + "whose derivative TF's ReluGradGrad sets to 0): TF's largest encoder gradient must be "
                        + "exactly 0")));
        return out;
    }
}
