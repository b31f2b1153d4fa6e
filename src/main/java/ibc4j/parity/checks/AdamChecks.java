package ibc4j.parity.checks;

import ibc4j.networks.Float32ErrorBounds;
import ibc4j.optimizers.KerasAdam;
import ibc4j.parity.Golden;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Adam's first step against TF's legacy Adam, shared by the train-step checks (see {@link #results}). */
final class AdamChecks {
    private static final double U = Float32ErrorBounds.U;

    private AdamChecks() {}

    /**
     * Adam's slots and the updated weights after the first step. With TF's gradient ({@code tolGrad} null) the
     * optimizer alone is checked: the same float32 formula as TF's fused kernel. With ibc4j's gradient each
     * slot inherits the gradient's tolerance; the weights too, except where Adam's first step is sensitive to it:
     * u(g) = α·(1−β1)g/(√(1−β2)|g| + ε) has du/dg = α(1−β1)ε/(√(1−β2)|g| + ε)², up to α(1−β1)/ε ≈ 316 at g ≈ 0
     * (the first step is sign-like). Elements with √(1−β2)(|g| − tol_g) < 30ε get tol_g·α(1−β1)/(31²ε) plus the
     * rounding of θ − u where they are not; where they are, no tolerance on g bounds the update, but the step
     * itself is bounded: |u| = lr·|m̂|/(√v̂ + ε) ≤ lr on the first step (|m̂| = √v̂ = |g|), so ibc4j's weight must
     * lie within lr·(1 + 4u) plus θ's rounding of the weight before the step ({@code update_bound_<name>}). Their
     * Adam math is checked exactly by the optimizer-alone rows, their gradient by the grad rows.
     *
     * @param names      parameter short names; TF's tensors are {@code <gradPrefix><name>}, {@code adam_m_<name>},
     *                   {@code adam_v_<name>}, {@code updated_<name>}
     * @param before     the parameters before the step, by name (read only when {@code tolGrad} is given)
     * @param weights    ibc4j's parameters after the step, by name
     * @param m          ibc4j's first-moment slots, by name
     * @param v          ibc4j's second-moment slots, by name
     * @param tolGrad    per name, the tolerance of ibc4j's gradient; null when the step used TF's gradient
     */
    static List<TensorResult> results(Golden g, List<String> names, String gradPrefix, Map<String, INDArray> before,
                                      Map<String, INDArray> weights, Map<String, INDArray> m,
                                      Map<String, INDArray> v, Map<String, Double> tolGrad, float lr) {
        List<TensorResult> out = new ArrayList<>();
        String what = tolGrad == null ? "TF's total gradient (the optimizer alone)"
                : "ibc4j's gradients (the agent's step)";
        double c = Math.sqrt(1 - KerasAdam.BETA_2);
        double alpha = lr * Math.sqrt(1 - KerasAdam.BETA_2) / (1 - KerasAdam.BETA_1);
        double eps = KerasAdam.EPSILON;
        for (String name : names) {
            INDArray gtf = g.tensor(gradPrefix + name);
            if (tolGrad == null) {
                Tolerance same = Tolerance.of(0, 2 * U, "the same float32 formula as TF's fused ResourceApplyAdam: "
                        + "≤ 1 ulp (observed 0)");
                out.add(TensorResult.compare(g, "adam_m_" + name, m.get(name), same).withNote(what));
                out.add(TensorResult.compare(g, "adam_v_" + name, v.get(name), same).withNote(what));
                out.add(TensorResult.compare(g, "updated_" + name, weights.get(name), same).withNote(what));
                continue;
            }
            double tg = tolGrad.get(name);
            out.add(TensorResult.compare(g, "adam_m_" + name, m.get(name), Tolerance.of((1 - KerasAdam.BETA_1) * tg,
                    2 * U, "m = 0.1·g: a tenth of g's tolerance, plus an ulp")).withNote(what));
            out.add(TensorResult.compare(g, "adam_v_" + name, v.get(name), Tolerance.of(
                    2 * (1 - KerasAdam.BETA_2) * gtf.amaxNumber().doubleValue() * tg + tg * tg, 4 * U,
                    "v = 0.001·g²: 0.002·|g|·tol(g), plus an ulp or two")).withNote(what));
            double[] gv = gtf.dup('c').castTo(DataType.DOUBLE).data().asDouble();
            boolean[] sensitive = new boolean[gv.length];
            boolean[] insensitive = new boolean[gv.length];
            for (int i = 0; i < gv.length; i++) {
                sensitive[i] = c * (Math.abs(gv[i]) - tg) < 30 * eps;
                insensitive[i] = !sensitive[i];
            }
            int nSensitive = GoldenNetworks.count(sensitive);
            String split = nSensitive + " of " + gv.length + " elements with |g| within tol(g) + 30ε/√(1−β2) of 0 "
                    + "(first step sign-like) are checked by update_bound_" + name;
            INDArray mine = weights.get(name).dup('c').reshape(gv.length, 1);
            if (nSensitive < gv.length) {
                INDArray tfW = g.tensor("updated_" + name);
                out.add(TensorResult.of(g, "updated_" + name, GoldenNetworks.keepRows(tfW.reshape(gv.length, 1),
                        sensitive), GoldenNetworks.keepRows(mine, sensitive),
                        Tolerance.of(tg * alpha * (1 - KerasAdam.BETA_1) / (31 * 31 * eps), 2 * U,
                                "tol(g)·du/dg with du/dg ≤ α(1−β1)/(31²ε) where √(1−β2)(|g|−tol) ≥ 30ε, plus θ−u's "
                                        + "ulp")).withNote(what + "; " + split));
            }
            if (nSensitive > 0) {
                INDArray tfW = g.tensor("updated_" + name).reshape(gv.length, 1);
                out.add(TensorResult.of(g, "updated_" + name, GoldenNetworks.keepRows(tfW, insensitive),
                        GoldenNetworks.keepRows(mine, insensitive), Tolerance.of(2 * lr * (1 + 4 * U), 4 * U,
                                "sign-like first step: TF's and ibc4j's weights each lie within lr of the same "
                                        + "weight before the step, plus their roundings"))
                        .withNote(what + "; the " + nSensitive + " sign-like elements"));
                INDArray w0 = before.get(name).dup('c').reshape(gv.length, 1);
                out.add(TensorResult.of(g, "update_bound_" + name, GoldenNetworks.keepRows(w0, insensitive),
                        GoldenNetworks.keepRows(mine, insensitive), Tolerance.of(lr * (1 + 4 * U), 2 * U,
                                "the first Adam step moves a weight by at most lr (|m̂| = √v̂), plus its roundings: "
                                        + "ibc4j's weight against the weight before the step"))
                        .withNote(what + "; " + split));
            }
        }
        return out;
    }

    /** Copies of the parameters, to keep the weights before a step for {@link #results}. */
    static Map<String, INDArray> copy(Map<String, INDArray> params) {
        Map<String, INDArray> c = new java.util.LinkedHashMap<>();
        params.forEach((k, v) -> c.put(k, v.dup('c')));
        return c;
    }
}
