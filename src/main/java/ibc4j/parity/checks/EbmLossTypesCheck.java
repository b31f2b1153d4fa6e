package ibc4j.parity.checks;

import ibc4j.losses.EbmLoss;
import ibc4j.networks.Float32ErrorBounds;
import ibc4j.parity.Golden;
import ibc4j.parity.ParityCheck;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link EbmLoss#cd} and {@link EbmLoss#clippedCd} against {@code ImplicitBCAgent._compute_ebm_loss} for
 * ebm_loss_type cd, clipped_cd and soft_clipped_cd, on TF's inputs: per-example loss, aggregated total, the
 * gradient w.r.t. the predictions, and the debug scalars.
 *
 * <p>Tolerances (u = 2^-24, n counter examples, |z| the largest prediction): a mean of n float32 terms of size
 * ≤ 2|z| in another summation order is within √n·4u·2|z| (4σ of a random walk of roundings); soft_clipped_cd adds
 * as many terms again. The gradient entries are u/n (one rounding), or sums of n of them for the true action's
 * column: n ulps of max|g|. A counter example whose squared distance lies within 8 ulps of the 0.2 threshold
 * could be classified differently by two correct float32 implementations (TF's sum over A may round differently);
 * its example is not compared, and none is expected (counted in the note).
 */
public final class EbmLossTypesCheck implements ComponentCheck {
    private static final double U = Float32ErrorBounds.U;

    @Override
    public String component() {
        return "ebm_loss_types";
    }

    @Override
    public List<TensorResult> run(Golden g) {
        INDArray pred = g.tensor("predictions");
        INDArray counter = g.tensor("counter_example_actions");
        INDArray actions = g.tensor("true_actions");
        int b = (int) pred.size(0);
        int n = (int) pred.size(1) - 1;
        int a = (int) actions.size(1);
        boolean[] nearThreshold = nearThreshold(counter, actions, b, n, a);
        int skipped = GoldenNetworks.count(nearThreshold);
        float upstream = 1f / b;
        double zmax = pred.amaxNumber().doubleValue();
        List<TensorResult> out = new ArrayList<>();
        for (String type : List.of("cd", "clipped_cd", "soft_clipped_cd")) {
            EbmLoss.Contrastive r = type.equals("cd") ? EbmLoss.cd(pred, upstream)
                    : EbmLoss.clippedCd(pred, counter, actions, type.equals("soft_clipped_cd"), upstream);
            int terms = type.equals("soft_clipped_cd") ? 2 * n : n;
            // soft terms |(f_data − f_j) − err| are ≤ 2|z| + 0.2; both kinds of term are bounded by 2|z| + 1.
            double tLoss = Math.sqrt(terms) * 4 * U * (2 * zmax + 1);
            String why = "√(terms)·4u·(2·max|z| + 1): the means' float32 sums in another order";
            boolean[] drop = type.equals("cd") ? new boolean[b] : nearThreshold;
            String note = type.equals("cd") ? "" : skipped + " examples with a squared distance within 8 ulps of "
                    + "0.2 not compared";
            out.add(TensorResult.of(g, type + "_per_example_loss",
                    GoldenNetworks.keepRows(g.tensor(type + "_per_example_loss").reshape(b, 1), drop),
                    GoldenNetworks.keepRows(r.perExampleLoss().reshape(b, 1), drop), Tolerance.of(tLoss, 0, why))
                    .withNote(note).excusing(excused(drop)));
            if (skipped == 0 || type.equals("cd")) {
                float total = 0f;
                for (float v : r.perExampleLoss().toFloatVector()) {
                    total += v;
                }
                total /= b;
                out.add(TensorResult.compare(g, type + "_total_loss", Nd4j.scalar(total), Tolerance.of(tLoss,
                        4 * U * Math.sqrt(b), "the per-example bound, plus Σ of B float32 terms in another order")));
            }
            double gmax = g.tensor(type + "_grad_predictions").amaxNumber().doubleValue();
            out.add(TensorResult.of(g, type + "_grad_predictions",
                    GoldenNetworks.keepRows(g.tensor(type + "_grad_predictions"), drop),
                    GoldenNetworks.keepRows(r.gradPredictions(), drop), Tolerance.of(2 * n * U * gmax, 0,
                            "u/(B·n) rounded once, or a sum of 2n of them (true column): 2n ulps of max|g|"))
                    .excusing(excused(drop)));
            for (Map.Entry<String, Float> e : r.debug().entrySet()) {
                String name = type + "_debug_" + e.getKey();
                Tolerance t = e.getKey().equals("fraction_outside_threshold")
                        ? Tolerance.of(skipped * (double) 1 / ((double) b * n), 2 * U, "a count over B·n: exact, "
                        + "but for counter examples at the threshold")
                        : Tolerance.of(tLoss, 4 * U * Math.sqrt(b), "the per-example bound, and a mean over B");
                out.add(TensorResult.compare(g, name, Nd4j.scalar(e.getValue()), t));
            }
        }
        return out;
    }

    private static ibc4j.parity.Excused excused(boolean[] drop) {
        return new ibc4j.parity.Excused(GoldenNetworks.count(drop), drop.length, Caps.THRESHOLD,
                "examples with a squared distance within 8 ulps of the 0.2 threshold");
    }

    /** Examples with a counter example whose squared distance (float64) is within 8 ulps of the threshold. */
    private static boolean[] nearThreshold(INDArray counter, INDArray actions, int b, int n, int a) {
        double[] c = counter.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] t = actions.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double thr = EbmLoss.CLIPPED_CD_THRESHOLD;
        boolean[] near = new boolean[b];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < n; j++) {
                double ss = 0;
                for (int k = 0; k < a; k++) {
                    double d = c[(i * n + j) * a + k] - t[i * a + k];
                    ss += d * d;
                }
                near[i] |= Math.abs(ss - thr) <= 8 * Math.ulp((float) thr);
            }
        }
        return near;
    }
}
