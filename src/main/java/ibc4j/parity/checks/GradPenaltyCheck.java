package ibc4j.parity.checks;

import ibc4j.losses.GradientLoss;
import ibc4j.parity.Golden;
import ibc4j.parity.ParityCheck;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link GradientLoss#gradPenalty} against {@code ibc/losses/gradient_loss.py:grad_penalty}, teacher-forced on
 * TF's dE/da (the network's own dE/da is {@code mlp_ebm_action_grad}'s row).
 */
public final class GradPenaltyCheck implements ComponentCheck {
    @Override
    public String component() {
        return "grad_penalty";
    }

    @Override
    public List<TensorResult> run(Golden g) {
        INDArray deDact = g.tensor("de_dact");
        Float margin = g.param("grad_margin") == null ? null : (float) g.doubleParam("grad_margin");
        GradientLoss.Penalty p = GradientLoss.gradPenalty(deDact, g.intParam("batch"),
                (String) g.param("grad_norm_type"), margin, (Boolean) g.param("square_grad_penalty"),
                (float) g.doubleParam("grad_loss_weight"), 1f);
        return List.of(
                TensorResult.compare(g, "grad_norms", p.norms(), Tolerance.exact(
                        "max |g_i| picks one float32 value: no rounding at all")),
                TensorResult.compare(g, "per_example_penalty", p.perExample(), Tolerance.of(1e-6, 2e-6,
                        "(x-1)^2 then a mean of n+1 float32 terms: a few ulps; atol for rows where every norm < 1")));
    }
}
