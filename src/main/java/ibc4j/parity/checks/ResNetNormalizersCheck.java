package ibc4j.parity.checks;

import ibc4j.networks.Float32ErrorBounds;
import ibc4j.networks.MLPMSE;
import ibc4j.parity.Fmt;
import ibc4j.parity.Golden;
import ibc4j.parity.TensorResult;
import ibc4j.parity.TensorSpec;
import ibc4j.parity.Tolerance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * MLPMSE with {@code ResNetLayer.normalizer} 'Batch' / 'Layer' in ResNetPreActivation and ResNetOrig against IBC's
 * ({@code networks/layers/resnet.py} with Keras 2.15's BatchNormalization / LayerNormalization), per variant: the
 * inference output with given moving statistics, one training call (its output, each normalizer's output, every
 * parameter gradient of {@code L = Σ upstream·y}), the moving statistics that call leaves, and the inference
 * output after it.
 *
 * <p>Tolerances: a normalizer divides by {@code sqrt(var + ε)} of a batch or a row, so its float32 rounding error
 * scales with the conditioning of that variance (a few ulps of |x − mean|/σ per feature for well-spread inputs,
 * more when a feature barely varies over the 7 or 12 rows); an a-priori bound would have to assume the worst
 * spread. Instead every value is also computed in float64 from the same float32 inputs and weights, ibc4j's own
 * float32 error e32 = max|x32 − x64| is measured per tensor, and TF, running the same float32 operations (Keras'
 * non-fused path: moments, rsqrt, x·inv + (β − mean·inv)) with Eigen's summation order and rsqrt, is allowed an
 * error of the same size: atol = 8·e32 + 16 ulps of max|tf| (as {@link SpectralNormCheck}). The moving statistics
 * add one float32 {@code assign_sub} to the batch statistics: the same rule covers them.
 */
public final class ResNetNormalizersCheck implements ComponentCheck {
    private static final double U = Float32ErrorBounds.U;

    @Override
    public String component() {
        return "resnet_normalizers";
    }

    @Override
    public List<TensorResult> run(Golden g) {
        List<TensorResult> out = new ArrayList<>();
        for (Object v : (List<?>) g.param("variants")) {
            Map<?, ?> variant = (Map<?, ?>) v;
            out.addAll(variant(g, (String) variant.get("tag"), (String) variant.get("layers"),
                    (String) variant.get("normalizer")));
        }
        return out;
    }

    private static MLPMSE network(Golden g, String tag, MLPMSE.Config cfg, DataType dt) {
        DataType saved = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(dt, dt);
        try {
            MLPMSE net = MLPMSE.create(cfg, g.intParam("obs_dim"), g.intParam("action_dim"), 0);
            Map<String, INDArray> w = new LinkedHashMap<>();
            for (TensorSpec s : g.tensorsWithRole("weight")) {
                if (s.name().startsWith(tag + ".")) {
                    w.put(s.name().substring(tag.length() + 1), g.tensor(s.name()).castTo(dt));
                }
            }
            net.setParams(w); // every name of the graph, moving statistics included, or an error
            return net;
        } finally {
            Nd4j.setDefaultDataTypes(saved, saved);
        }
    }

    private static List<TensorResult> variant(Golden g, String tag, String layers, String normalizer) {
        MLPMSE.Config cfg = new MLPMSE.Config(g.intParam("width"), g.intParam("depth"), g.doubleParam("rate"),
                layers, normalizer);
        MLPMSE net = network(g, tag, cfg, DataType.FLOAT);
        MLPMSE net64 = network(g, tag, cfg, DataType.DOUBLE);
        INDArray obs = g.tensor(tag + ".obs").castTo(DataType.FLOAT);
        INDArray obs64 = obs.castTo(DataType.DOUBLE);
        INDArray up = g.tensor(tag + ".upstream").castTo(DataType.FLOAT);
        List<TensorResult> out = new ArrayList<>();
        out.add(measured(g, tag + ".eval_before", net.outputNormalized(obs), net64.outputNormalized(obs64)));

        // The normalizers' outputs in a training call, on copies (a training call moves Batch's statistics).
        Map<String, INDArray> taps = network(g, tag, cfg, DataType.FLOAT).graph()
                .feedForward(new INDArray[] {obs}, true, false);
        Map<String, INDArray> taps64 = network(g, tag, cfg, DataType.DOUBLE).graph()
                .feedForward(new INDArray[] {obs64}, true, false);
        for (TensorSpec s : g.tensorsWithRole("output")) {
            String prefix = tag + ".train_";
            if (s.name().startsWith(prefix)) {
                String layer = s.name().substring(prefix.length());
                out.add(measured(g, s.name(), taps.get(layer), taps64.get(layer)));
            }
        }

        MLPMSE.TrainingPass p = net.trainingPass(obs, y -> up);
        MLPMSE.TrainingPass p64 = net64.trainingPass(obs64, y -> up.castTo(DataType.DOUBLE));
        out.add(measured(g, tag + ".train", p.output(), p64.output()));
        Map<String, INDArray> grads = net.viewsOf(p.gradient());
        Map<String, INDArray> grads64 = net64.viewsOf(p64.gradient());
        for (TensorSpec s : g.tensorsWithRole("output")) {
            String prefix = tag + ".grad_";
            if (s.name().startsWith(prefix)) {
                String name = s.name().substring(prefix.length());
                out.add(measured(g, s.name(), grads.get(name), grads64.get(name)));
            }
        }
        for (TensorSpec s : g.tensorsWithRole("output")) {
            String prefix = tag + ".after_";
            if (s.name().startsWith(prefix)) {
                String name = s.name().substring(prefix.length());
                out.add(measured(g, s.name(), net.param(name), net64.param(name))
                        .withNote("moved once by the training call"));
            }
        }
        out.add(measured(g, tag + ".eval_after", net.outputNormalized(obs), net64.outputNormalized(obs64)));
        return out;
    }

    /** One tensor against TF with the measured tolerance of the class comment. */
    private static TensorResult measured(Golden g, String tensor, INDArray mine, INDArray ref64) {
        INDArray tf = g.tensor(tensor);
        INDArray m = mine.reshape(tf.shape());
        INDArray r = ref64.reshape(tf.shape());
        double e32 = m.castTo(DataType.DOUBLE).sub(r).amaxNumber().doubleValue();
        double eTf = tf.castTo(DataType.DOUBLE).sub(r).amaxNumber().doubleValue();
        double tol = 8 * e32 + 16 * U * tf.amaxNumber().doubleValue();
        return TensorResult.of(g, tensor, tf, m, Tolerance.of(tol, 0, "8·e32 (ibc4j vs its own float64: "
                        + Fmt.sci(e32) + "; TF does the same float32 operations in another order) + 16 ulps of "
                        + "max|tf|"))
                .withNote("max|TF32 − ibc4j64| " + Fmt.sci(eTf));
    }
}
