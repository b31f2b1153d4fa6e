package ibc4j.parity.checks;

import ibc4j.networks.Float32ErrorBounds;
import ibc4j.networks.pixel.DenseResnetValue;
import ibc4j.networks.pixel.ImagePrepro;
import ibc4j.networks.pixel.PixelEBM;
import ibc4j.networks.GraphErrorBounds;
import ibc4j.parity.Golden;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import ibc4j.parity.TensorSpec;
import ibc4j.normalizers.Normalizers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Shared by the pixel checks: networks with TF's weights, the image pipeline, the value network's ∂f/∂a bound. */
final class PixelGoldens {
    private PixelGoldens() {}

    static PixelEBM pixelEbm(Golden g) {
        PixelEBM.ImageSpec spec = new PixelEBM.ImageSpec(g.intParam("sequence_length"), g.intParam("raw_height"),
                g.intParam("raw_width"), 3);
        PixelEBM net = PixelEBM.create(spec, g.intParam("action_dim"), g.intParam("target_height"),
                g.intParam("target_width"), new DenseResnetValue(g.intParam("value_width"),
                        g.intParam("value_num_blocks")), 0);
        net.setParams(weights(g));
        return net;
    }

    static Map<String, INDArray> weights(Golden g) {
        Map<String, INDArray> w = new LinkedHashMap<>();
        for (TensorSpec t : g.tensorsWithRole("weight")) {
            w.put(t.name(), g.tensor(t.name()).castTo(DataType.FLOAT));
        }
        return w;
    }

    /** convert_image_dtype of the golden's uint8 frames. */
    static INDArray converted(Golden g) {
        return ImagePrepro.convertImageDtype(g.tensor("rgb_uint8"));
    }

    /** The per-pixel StdNormalizationLayer with the golden's statistics, on {@code frames}. */
    static INDArray normalized(Golden g, INDArray frames) {
        Normalizers.Std std = new Normalizers.Std(g.tensor("obs_mean").castTo(DataType.FLOAT).dup('c').data()
                .asFloat(), g.tensor("obs_std").castTo(DataType.FLOAT).dup('c').data().asFloat());
        float[] out = std.normalize(frames.dup('c').data().asFloat());
        return Nd4j.create(out, frames.shape(), 'c');
    }

    /** The resize's own rounding: three lerps of ≤ 2 roundings each, every intermediate ≤ max|x|: 8·u·max|x|. */
    static double resizeBound(INDArray input) {
        return 8 * Float32ErrorBounds.U * input.amaxNumber().doubleValue();
    }

    /**
     * Bound on ∂f/∂a through a {@link DenseResnetValue} graph, walked backwards as DL4J computes it: each step
     * {@code g·Wᵀ} costs 4·√K·u·Σ|g·Wᵀ| plus the carried error through ‖Wᵀ col‖₂; the ReLU masks are exact on rows
     * whose ReLU inputs are not ambiguous ({@link #ambiguousRows}); the residual add one rounding.
     */
    static double actionGradientBound(ComputationGraph value, Map<String, INDArray> acts, DenseResnetValue cfg,
                                      int actionDim) {
        INDArray g = value.getLayer("dense1").getParam("W").transpose().broadcast(acts.get("dense0").size(0),
                cfg.width()).dup('c'); // d head / d x: exact (times 1)
        double e = 0;
        for (int i = cfg.numBlocks() - 1; i >= 0; i--) {
            String p = "block" + i + "_";
            INDArray t = g;
            double et = e;
            for (int d = 2; d >= 0; d--) {
                INDArray wt = value.getLayer(p + "dense" + d).getParam("W").transpose();
                double step = Float32ErrorBounds.dot(t, wt, null) + et * Float32ErrorBounds.colNorm(wt);
                INDArray mask = acts.get(p + "relu" + d).gt(0).castTo(DataType.FLOAT);
                t = t.mmul(wt).muli(mask);
                et = step;
            }
            g = g.add(t);
            e = e + et + Float32ErrorBounds.U * g.amaxNumber().doubleValue();
        }
        INDArray w0 = value.getLayer("dense0").getParam("W");
        long in = w0.size(0);
        INDArray wa = w0.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(in - actionDim, in),
                org.nd4j.linalg.indexing.NDArrayIndex.all()).transpose().dup();
        return Float32ErrorBounds.dot(g, wa, null) + e * Float32ErrorBounds.colNorm(wa);
    }

    /** Rows with a ReLU input of the value network within {@code scale}× its forward bound of 0. */
    static boolean[] ambiguousRows(Map<String, INDArray> acts, Map<String, Double> bounds, DenseResnetValue cfg,
                                   double scale) {
        int rows = (int) acts.get("dense0").size(0);
        boolean[] amb = new boolean[rows];
        for (int i = 0; i < cfg.numBlocks(); i++) {
            String x = i == 0 ? "dense0" : "block" + (i - 1) + "_add";
            for (String in : List.of(x, "block" + i + "_dense0", "block" + i + "_dense1")) {
                INDArray near = Transforms.abs(acts.get(in), true).lte(scale * bounds.get(in));
                for (int r = 0; r < rows; r++) {
                    amb[r] |= near.getRow(r).any();
                }
            }
        }
        return amb;
    }

    /**
     * The value network's rows (late fusion from the golden encoding): every {@code value_<dense>} the golden
     * has, f, gradient_wrt_act's f and −∂f/∂a (rows with an ambiguous ReLU excused), and f end to end from the
     * normalized obs with {@code encBound} (the encoder's end-to-end bound) carried in.
     */
    static List<TensorResult> valueRows(Golden g, PixelEBM net, INDArray rgb, double encBound) {
        List<TensorResult> out = new ArrayList<>();
        int n = g.intParam("num_action_samples");
        INDArray tiled = PixelEBM.tileBatch(g.tensor("encoding"), n);
        INDArray actions = g.tensor("actions");
        Map<String, INDArray> va = net.value().feedForward(new INDArray[] {tiled, actions}, false);
        Map<String, Double> vb = GraphErrorBounds.of(net.value(), va, false);
        if (g.has("value_input")) {
            out.add(TensorResult.compare(g, "value_input", va.get("value_input"), Tolerance.exact(
                "tile_batch and a concatenation")));
        }
        for (String d : net.valueConfig().denseNames()) {
            if (!g.has("value_" + d)) {
                continue;
            }
            out.add(TensorResult.compare(g, "value_" + d, va.get(d), Tolerance.of(vb.get(d), 0,
                    "4·√K·u·Σ|x·w| + |b| plus the carried error through ‖W col‖₂")));
        }
        double fBound = vb.get("dense1");
        INDArray f = net.energiesGivenEncoding(tiled, actions);
        out.add(TensorResult.compare(g, "energy", f, Tolerance.of(fBound, 0, "the head's bound (late fusion)")));
        out.add(TensorResult.compare(g, "grad_energies", f, Tolerance.of(fBound, 0,
                "the head's bound (gradient_wrt_act's call)")));
        // End to end from the normalized obs: the encoding's error enters the value network.
        Map<String, Double> vbEnd = GraphErrorBounds.of(net.value(), va, false, Map.of("encoding", encBound));
        out.add(TensorResult.compare(g, "energy", net.energies(rgb, actions), Tolerance.of(vbEnd.get("dense1"), 0,
                "the head's bound with the encoder's carried in")).withNote("end to end: preprocess, encode, "
                + "tile, value"));

        PixelEBM.ActionGradient ag = net.actionGradient(tiled, actions);
        boolean[] amb = PixelGoldens.ambiguousRows(va, vb, net.valueConfig(), 1);
        boolean[] wide = PixelGoldens.ambiguousRows(va, vb, net.valueConfig(), Caps.RELU_WIDE);
        double gBound = PixelGoldens.actionGradientBound(net.value(), va, net.valueConfig(), g.intParam(
                "action_dim"));
        out.add(TensorResult.of(g, "de_dact", GoldenNetworks.keepRows(g.tensor("de_dact"), amb),
                GoldenNetworks.keepRows(ag.dfDa().neg(), amb), Tolerance.of(gBound, 0,
                        "backward g·Wᵀ chain through the value network: 4·√K·u·Σ|g·w| + carried·‖Wᵀ col‖₂"))
                .withNote(GoldenNetworks.count(amb) + " rows with a ReLU input within rounding of 0 not compared")
                .excusing(Caps.reluRows(amb, wide, "rows")));
        out.add(TensorResult.compare(g, "grad_energies", ag.energies(), Tolerance.of(fBound, 0,
                "the head's bound (backprop pass)")).withNote("DL4J backprop's forward"));
        return out;
    }
}
