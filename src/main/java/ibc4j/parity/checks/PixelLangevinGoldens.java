package ibc4j.parity.checks;

import ibc4j.networks.Float32ErrorBounds;
import ibc4j.networks.GraphErrorBounds;
import ibc4j.networks.pixel.ConvErrorBounds;
import ibc4j.networks.pixel.ConvMaxpoolEncoder;
import ibc4j.networks.pixel.DenseResnetGradPenalty;
import ibc4j.networks.pixel.DenseResnetValue;
import ibc4j.networks.pixel.PixelEBM;
import ibc4j.parity.Golden;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Shared by {@link PixelGradPenaltyCheck} and {@link PixelEbmTrainStepCheck}: the PixelEBM with TF's weights in
 * float32 or float64, the encoder's end-to-end bound, the value network's bounds at given actions, and the
 * penalty's gradient in float64.
 */
final class PixelLangevinGoldens {
    static final double U = Float32ErrorBounds.U;

    private PixelLangevinGoldens() {}

    static PixelEBM net(Golden g, DataType dt) {
        PixelEBM.ImageSpec spec = new PixelEBM.ImageSpec(g.intParam("sequence_length"), g.intParam("raw_height"),
                g.intParam("raw_width"), 3);
        PixelEBM net = PixelEBM.create(spec, g.intParam("action_dim"), g.intParam("target_height"),
                g.intParam("target_width"), new DenseResnetValue(g.intParam("value_width"),
                        g.intParam("value_num_blocks")), 0, dt);
        Map<String, INDArray> w = new LinkedHashMap<>();
        PixelGoldens.weights(g).forEach((k, v) -> w.put(k, v.castTo(dt)));
        net.setParams(w);
        return net;
    }

    /** The encoder's end-to-end bound from the normalized obs (the resize's error carried in). */
    static double encoderBound(PixelEBM net, INDArray rgb) {
        INDArray images = net.preprocess(rgb);
        Map<String, INDArray> acts = net.encoder().feedForward(new INDArray[] {images}, false);
        return ConvErrorBounds.of(net.encoder(), acts, "rgb", PixelGoldens.resizeBound(rgb))
                .get(ConvMaxpoolEncoder.OUTPUT);
    }

    /**
     * Bounds of the value network at {@code actions} with ibc4j's tiled encoding (its error {@code encBound}
     * carried in): f's, ∂f/∂a's (a function of the masks only: the encoding enters ∂f/∂a through them), and the
     * rows with a ReLU input within rounding (or RELU_WIDE× rounding) of 0.
     */
    record Probe(double f, double grad, boolean[] ambiguous, boolean[] wide) {
        static Probe at(PixelEBM net, INDArray tiled, INDArray actions, double encBound) {
            Map<String, INDArray> acts = net.value().feedForward(new INDArray[] {tiled, actions}, false);
            Map<String, Double> vb = GraphErrorBounds.of(net.value(), acts, false, Map.of("encoding", encBound));
            DenseResnetValue cfg = net.valueConfig();
            return new Probe(vb.get("dense1"), PixelGoldens.actionGradientBound(net.value(), acts, cfg,
                    net.actionDim()), PixelGoldens.ambiguousRows(acts, vb, cfg, 1),
                    PixelGoldens.ambiguousRows(acts, vb, cfg, Caps.RELU_WIDE));
        }
    }

    /**
     * IBC's penalty gradient G = ∂(Σ_b P_b / B)/∂(∂f/∂a) in float64: per row the ∞-norm's element j*,
     * 2·max(|g_j*| − margin, 0)/m/B·sign(g_j*) there (m = rows per example).
     */
    static INDArray penaltyG64(INDArray dfDa, int b, double margin) {
        int rows = (int) dfDa.size(0);
        int a = (int) dfDa.size(1);
        int m = rows / b;
        double[] g = dfDa.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] out = new double[g.length];
        for (int r = 0; r < rows; r++) {
            int j = 0;
            for (int i = 1; i < a; i++) {
                j = Math.abs(g[r * a + i]) > Math.abs(g[r * a + j]) ? i : j;
            }
            double c = Math.max(Math.abs(g[r * a + j]) - margin, 0);
            out[r * a + j] = 2 * c / m / b * Math.signum(g[r * a + j]);
        }
        return Nd4j.create(out, new long[] {rows, a}, 'c');
    }

    /** The penalty's parameter gradient in float64 on the float64 network, Keras names. */
    static Map<String, INDArray> penaltyGrad64(PixelEBM net64, INDArray rgb, INDArray combined, int b, double margin) {
        int n1 = (int) (combined.size(0) / b);
        INDArray tiled = PixelEBM.tileBatch(net64.encode(rgb), n1);
        DenseResnetGradPenalty d = new DenseResnetGradPenalty(net64.valueConfig(), net64.params(), tiled,
                combined.castTo(DataType.DOUBLE));
        return d.paramGradient(penaltyG64(d.dfDa(), b, margin));
    }

    /** The norms' rows: ∞-norm of ∂f/∂a, each picks one element, so its bound is ∂f/∂a's. */
    static List<TensorResult> penaltyRows(Golden g, String deDactName, String normsName, String perExampleName,
                                          INDArray dfDa, INDArray norms, INDArray perExample, Probe p, int b,
                                          double margin) {
        int rows = (int) dfDa.size(0);
        int m = rows / b;
        String skipped = GoldenNetworks.count(p.ambiguous()) + " rows with a ReLU input within rounding of 0 not "
                + "compared";
        List<TensorResult> out = new ArrayList<>();
        out.add(TensorResult.of(g, deDactName, GoldenNetworks.keepRows(g.tensor(deDactName), p.ambiguous()),
                GoldenNetworks.keepRows(dfDa.neg(), p.ambiguous()), Tolerance.of(p.grad(), 0,
                        "backward g·Wᵀ chain through the value network: 4·√K·u·Σ|g·w| + carried·‖Wᵀ col‖₂"))
                .withNote(skipped).excusing(Caps.reluRows(p.ambiguous(), p.wide(), "rows")));
        out.add(TensorResult.of(g, normsName, GoldenNetworks.keepRows(g.tensor(normsName).reshape(rows, 1),
                        p.ambiguous()), GoldenNetworks.keepRows(norms.reshape(rows, 1), p.ambiguous()),
                Tolerance.of(p.grad(), 0, "max |g_i| picks one element of ∂f/∂a: its bound"))
                .excusing(Caps.reluRows(p.ambiguous(), p.wide(), "rows")));
        boolean[] ambEx = new boolean[b];
        for (int r = 0; r < rows; r++) {
            ambEx[r / m] |= p.ambiguous()[r];
        }
        double cmax = Math.max(0, norms.maxNumber().doubleValue() - margin);
        out.add(TensorResult.of(g, perExampleName, GoldenNetworks.keepRows(g.tensor(perExampleName), ambEx),
                GoldenNetworks.keepRows(perExample, ambEx), Tolerance.of(2 * cmax * p.grad() + 1e-7, 4 * U,
                        "2c·tol(norm) for c² = (norm−1)², plus a mean of n+1 float32 terms"))
                .excusing(Caps.reluExamples(ambEx, p.wide())));
        return out;
    }
}
