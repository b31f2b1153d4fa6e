package ibc4j.parity.checks;

import ibc4j.networks.Float32ErrorBounds;
import ibc4j.networks.GaussianMixture;
import ibc4j.networks.GraphErrorBounds;
import ibc4j.networks.MLPMDN;
import ibc4j.parity.Golden;
import ibc4j.parity.TensorSpec;
import ibc4j.normalizers.Normalizers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Shared by the MDN checks: the golden's MLPMDN with TF's weights, and the float32 bounds of its mixture. */
final class GoldenMdn {
    static final double U = Float32ErrorBounds.U;

    private GoldenMdn() {}

    /** The network the golden's params describe, every {@code weight} tensor loaded by its short name. */
    static MLPMDN network(Golden g) {
        MLPMDN.Config cfg = new MLPMDN.Config(g.intParam("width"), g.intParam("depth"), g.doubleParam("rate"),
                (String) g.param("layers"), g.intParam("num_components"), g.doubleParam("training_temperature"),
                g.doubleParam("test_temperature"), g.doubleParam("test_variance_exponent"));
        MLPMDN net = MLPMDN.create(cfg, g.intParam("obs_dim"), g.intParam("action_dim"), 0,
                g.has("act_mean") ? denorm(g) : null);
        Map<String, INDArray> weights = new LinkedHashMap<>();
        for (TensorSpec t : g.tensorsWithRole("weight")) {
            weights.put(t.name(), g.tensor(t.name()));
        }
        net.setParams(weights);
        return net;
    }

    /** The StdDenormalizationLayer of mlp_mse.gin's normalizers (act_mean, act_std). */
    static Normalizers.Std denorm(Golden g) {
        return new Normalizers.Std(g.tensor("act_mean").toFloatVector(), g.tensor("act_std").toFloatVector());
    }

    static double maxStd(Normalizers.Std std) {
        double s = 0;
        for (float v : std.std()) {
            s = Math.max(s, Math.max(v, Normalizers.EPS));
        }
        return s;
    }

    /**
     * Bounds of one pass on {@code obs} (dropout from the current noise in training): the three Dense outputs by
     * {@link GraphErrorBounds}, then what the head does to them.
     *
     * @param mu      |Δmu| (normalized units)
     * @param logvar  |Δlogvar|
     * @param pi      |Δpi|
     * @param logits  |Δ(pi / T)|: e(pi)/T plus one rounding
     * @param scaleRel relative |Δs|/s of the mixture's scale: exp turns e(logvar) into expm1(p·e) (p the variance
     *                exponent at inference, 1 in training), plus 8u for exp (≤ 2u each side), pow and ×std roundings
     */
    record Bounds(double mu, double logvar, double pi, double logits, double scaleRel) {}

    static Bounds bounds(MLPMDN net, INDArray obs, boolean training) {
        return bounds(net, obs, training, 0);
    }

    /** As above, with {@code obsError} already in {@code obs} (e.g. a conv encoder's output). */
    static Bounds bounds(MLPMDN net, INDArray obs, boolean training, double obsError) {
        Map<String, INDArray> acts = net.graph().feedForward(new INDArray[] {obs}, training, false);
        Map<String, Double> e = GraphErrorBounds.of(net.graph(), acts, training, Map.of("obs", obsError));
        net.graph().clearLayersStates();
        float temp = net.head().temperature(training);
        double maxPi = acts.get("pi").amaxNumber().doubleValue();
        double p = training ? 1.0 : net.config().testVarianceExponent();
        return new Bounds(e.get("mu"), e.get("logvar"), e.get("pi"), e.get("pi") / temp + U * maxPi / temp,
                Math.expm1(p * e.get("logvar")) + 8 * U);
    }

    /**
     * A bound on |Δ log_prob| per row, from the head bounds: first order, ∂lp/∂μ_ja = r_j·z/s, ∂lp/∂logvar_ja =
     * r_j·(z² − 1), ∂lp/∂logits_j = r_j − w_j (Σ|·| ≤ 2), with Σ r_j = 1 so the max over components bounds the
     * r-weighted sum; ×2 for second-order terms; plus the roundings of the sums: 4·(A + k + 4)·u times the largest
     * magnitude summed (Σ_a ½z² + ½log 2π + |log s|, the log-weight, |lp|).
     */
    static double logProbBound(GaussianMixture mix, INDArray x, Bounds b) {
        int k = mix.components();
        int a = mix.actionDim();
        float[] xs = x.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data().asFloat();
        float[] t = new float[k];
        float[] z = new float[k * a];
        double worst = 0;
        for (int r = 0; r < mix.batch(); r++) {
            float lp = mix.logProbRow(r, xs, t, z);
            double dMu = 0;
            double dLv = 0;
            double mag = 0;
            for (int j = 0; j < k; j++) {
                double sMu = 0;
                double sLv = 0;
                double m = Math.abs(t[j]);
                for (int i = 0; i < a; i++) {
                    double zi = z[j * a + i];
                    double s = mix.scale()[(r * k + j) * a + i];
                    sMu += Math.abs(zi / s);
                    sLv += Math.abs(zi * zi - 1);
                    m += 0.5 * zi * zi + 0.92 + Math.abs(Math.log(s));
                }
                dMu = Math.max(dMu, sMu);
                dLv = Math.max(dLv, sLv);
                mag = Math.max(mag, m);
            }
            double first = dMu * b.mu() + dLv * b.logvar() + 2 * b.logits();
            worst = Math.max(worst, 2 * first + 4.0 * (a + k + 4) * U * (mag + Math.abs(lp)));
        }
        return worst;
    }

    /** Uniform dropout draws {@code dropout<i>_uniform} in call order. */
    static List<INDArray> dropoutDraws(Golden g) {
        List<INDArray> draws = new java.util.ArrayList<>();
        for (int i = 0; g.has("dropout" + i + "_uniform"); i++) {
            draws.add(g.tensor("dropout" + i + "_uniform"));
        }
        return draws;
    }
}
