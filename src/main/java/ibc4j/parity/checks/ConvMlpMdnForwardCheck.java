package ibc4j.parity.checks;

import ibc4j.networks.GaussianMixture;
import ibc4j.networks.GraphCalls;
import ibc4j.networks.MLPMDN;
import ibc4j.networks.layers.KerasDropout;
import ibc4j.networks.pixel.ConvErrorBounds;
import ibc4j.networks.pixel.ConvMLPMDN;
import ibc4j.networks.pixel.ConvMaxpoolEncoder;
import ibc4j.networks.pixel.ImagePrepro;
import ibc4j.networks.pixel.PixelEBM;
import ibc4j.normalizers.Normalizers;
import ibc4j.parity.Golden;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import ibc4j.runtime.NoiseSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link ConvMLPMDN} against {@code networks/pixel_mdn.py:ConvMLPMDN.call} with TF's weights: the coord-conv cnn
 * input and the cnn features (as {@link ConvMlpMseForwardCheck}), then from the golden features the MLP, the three
 * Dense heads and the mixture at inference (test temperature, variance exponent, act_denorm_layer) and in training
 * (TF's dropout draws replayed) with its {@code log_prob} (as {@link MlpMdnForwardCheck}); and end to end from the
 * normalized obs through ConvMLPMDN's own graph, with the encoder's bound carried into the head's.
 */
public final class ConvMlpMdnForwardCheck implements ComponentCheck {
    @Override
    public String component() {
        return "conv_mlp_mdn_forward";
    }

    @Override
    public List<TensorResult> run(Golden g) {
        PixelEBM.ImageSpec spec = new PixelEBM.ImageSpec(g.intParam("sequence_length"), g.intParam("raw_height"),
                g.intParam("raw_width"), 3);
        Normalizers.Std std = GoldenMdn.denorm(g);
        MLPMDN.Config cfg = new MLPMDN.Config(g.intParam("width"), g.intParam("depth"), g.doubleParam("rate"),
                (String) g.param("layers"), g.intParam("num_components"), g.doubleParam("training_temperature"),
                g.doubleParam("test_temperature"), g.doubleParam("test_variance_exponent"));
        int a = g.intParam("action_dim");
        ConvMLPMDN net = ConvMLPMDN.create(spec, a, cfg, (Boolean) g.param("coord_conv"),
                g.intParam("target_height"), g.intParam("target_width"), std, 0);
        net.setParams(PixelGoldens.weights(g));
        List<TensorResult> out = new ArrayList<>();
        INDArray rgb = g.tensor("rgb");
        out.add(TensorResult.compare(g, "rgb", PixelGoldens.normalized(g, PixelGoldens.converted(g)),
                Tolerance.exact("convert_image_dtype then (x − mean) / max(std, eps): correctly rounded ops")));
        double resize = PixelGoldens.resizeBound(rgb);
        out.add(TensorResult.compare(g, "cnn_input", ImagePrepro.toNhwc(net.preprocess(rgb)), Tolerance.of(resize,
                0, "bilinear lerps in TF's order (8·u·max|x|); the coord channels are linspace's exact float32")));
        Map<String, INDArray> acts = net.graph().feedForward(new INDArray[] {ImagePrepro.toNchw(
                g.tensor("cnn_input"))}, false);
        double fb = ConvErrorBounds.of(net.graph(), acts, "rgb", 0, ConvMaxpoolEncoder.OUTPUT)
                .get(ConvMaxpoolEncoder.OUTPUT);
        out.add(TensorResult.compare(g, "features", acts.get(ConvMaxpoolEncoder.OUTPUT), Tolerance.of(fb, 0,
                "conv: 4·√(9·C_in)·u·Σ|x·w| + carried·‖W col‖₂ per layer; pooling exact; mean 4·√P·u·max|x|")));

        // The MLP and heads from the golden features: the same trunk and head code in an MLPMDN graph with the
        // same weights (ConvMLPMDN's own graph cannot be fed mid-way; it is compared end to end below).
        MLPMDN mlp = MLPMDN.create(cfg, ConvMaxpoolEncoder.OUTPUT_WIDTH, a, 0, std);
        Map<String, INDArray> w = new LinkedHashMap<>(PixelGoldens.weights(g));
        w.keySet().removeIf(k -> k.startsWith("conv"));
        mlp.setParams(w);
        INDArray features = g.tensor("features").castTo(DataType.FLOAT);
        Map<String, INDArray> mlpActs = mlp.graph().feedForward(new INDArray[] {features}, false);
        Map<String, Double> mb = ibc4j.networks.GraphErrorBounds.of(mlp.graph(), mlpActs, false);
        String top = mlp.graph().getConfiguration().getVertexInputs().get("mu").get(0);
        out.add(TensorResult.compare(g, "mlp", mlpActs.get(top), Tolerance.of(mb.get(top), 0,
                "4·√K·u·Σ|x·w| + |b| per dense, carried through ‖W col‖₂; residual adds one rounding")));
        GoldenMdn.Bounds be = GoldenMdn.bounds(mlp, features, false);
        out.addAll(MlpMdnForwardCheck.heads(g, "eval_", mlp.graph().output(false, features), be));
        out.addAll(MlpMdnForwardCheck.mixture(g, "eval_", mlp.call(features, false), be, GoldenMdn.maxStd(std),
                "eval"));

        List<INDArray> draws = GoldenMdn.dropoutDraws(g);
        GoldenMdn.Bounds bt;
        INDArray[] train;
        try (KerasDropout.Binding s = mlp.dropoutNoise(NoiseSource.replay(draws, List.of()))) {
            bt = GoldenMdn.bounds(mlp, features, true);
        }
        try (KerasDropout.Binding s = mlp.dropoutNoise(NoiseSource.replay(draws, List.of()))) {
            train = mlp.graph().output(true, features);
        }
        GaussianMixture mixTrain = mlp.head().mixture(train[0], train[1], train[2], true, null);
        out.addAll(MlpMdnForwardCheck.heads(g, "train_", train, bt));
        out.addAll(MlpMdnForwardCheck.mixture(g, "train_", mixTrain, bt, 1.0, "train"));
        INDArray x = g.tensor("true_actions");
        out.add(TensorResult.compare(g, "train_log_prob", Nd4j.create(mixTrain.logProb(x)),
                Tolerance.of(GoldenMdn.logProbBound(mixTrain, x, bt), 0, "first-order propagation of the head "
                        + "bounds through log_prob (×2), plus the sums' roundings (GoldenMdn.logProbBound)"))
                .withNote(draws.size() + " dropout draws replayed"));
        out.addAll(endToEnd(g, net, mlp, rgb, resize, draws, std));
        return out;
    }

    /**
     * ConvMLPMDN's own graph from the normalized obs: the resize's bound into the convs, the features' bound into
     * the MLP and heads ({@link GoldenMdn#bounds} with it carried in), then the head's steps as above.
     */
    private static List<TensorResult> endToEnd(Golden g, ConvMLPMDN net, MLPMDN mlp, INDArray rgb, double resize,
                                               List<INDArray> draws, Normalizers.Std std) {
        List<TensorResult> out = new ArrayList<>();
        INDArray x = net.preprocess(rgb);
        Map<String, INDArray> acts = net.graph().feedForward(new INDArray[] {x}, false);
        double featEnd = ConvErrorBounds.of(net.graph(), acts, "rgb", resize, ConvMaxpoolEncoder.OUTPUT)
                .get(ConvMaxpoolEncoder.OUTPUT);
        INDArray features = acts.get(ConvMaxpoolEncoder.OUTPUT);
        GoldenMdn.Bounds be = GoldenMdn.bounds(mlp, features, false, featEnd);
        String note = "end to end from the normalized obs";
        for (TensorResult r : MlpMdnForwardCheck.mixture(g, "eval_", net.call(rgb, false), be,
                GoldenMdn.maxStd(std), "eval")) {
            out.add(r.withNote(note));
        }
        GoldenMdn.Bounds bt;
        try (KerasDropout.Binding s = mlp.dropoutNoise(NoiseSource.replay(draws, List.of()))) {
            bt = GoldenMdn.bounds(mlp, features, true, featEnd);
        }
        INDArray[] train;
        try (KerasDropout.Binding s = net.dropoutNoise(NoiseSource.replay(draws, List.of()))) {
            train = GraphCalls.output(net.graph(), true, x);
        }
        GaussianMixture mix = net.head().mixture(train[0], train[1], train[2], true, null);
        INDArray t = g.tensor("true_actions");
        out.add(TensorResult.compare(g, "train_log_prob", Nd4j.create(mix.logProb(t)),
                Tolerance.of(GoldenMdn.logProbBound(mix, t, bt), 0, "the log_prob bound with the encoder's "
                        + "bound carried into the heads")).withNote(note + ", " + draws.size()
                + " dropout draws replayed"));
        return out;
    }
}
