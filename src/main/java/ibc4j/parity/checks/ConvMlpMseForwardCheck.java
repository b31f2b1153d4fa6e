package ibc4j.parity.checks;

import ibc4j.networks.GraphErrorBounds;
import ibc4j.networks.MLPMSE;
import ibc4j.networks.pixel.ConvErrorBounds;
import ibc4j.networks.pixel.ConvMLPMSE;
import ibc4j.networks.pixel.ConvMaxpoolEncoder;
import ibc4j.networks.pixel.ImagePrepro;
import ibc4j.networks.pixel.PixelEBM;
import ibc4j.parity.Golden;
import ibc4j.parity.ParityCheck;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import ibc4j.normalizers.Normalizers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link ConvMLPMSE} against {@code networks/pixel_mse.py:ConvMLPMSE.call(training=False)}: the coord-conv cnn
 * input, the cnn features, the MLP, the head and the denormalized action, with TF's weights; each stage from the
 * golden's input of that stage.
 */
public final class ConvMlpMseForwardCheck implements ComponentCheck {
    @Override
    public String component() {
        return "conv_mlp_mse_forward";
    }

    @Override
    public List<TensorResult> run(Golden g) {
        PixelEBM.ImageSpec spec = new PixelEBM.ImageSpec(g.intParam("sequence_length"), g.intParam("raw_height"),
                g.intParam("raw_width"), 3);
        float[] mean = g.tensor("act_mean").castTo(DataType.FLOAT).data().asFloat();
        float[] std = g.tensor("act_std").castTo(DataType.FLOAT).data().asFloat();
        MLPMSE.Config cfg = new MLPMSE.Config(g.intParam("width"), g.intParam("depth"), g.doubleParam("rate"),
                (String) g.param("layers"));
        ConvMLPMSE net = ConvMLPMSE.create(spec, g.intParam("action_dim"), cfg, (Boolean) g.param("coord_conv"),
                g.intParam("target_height"), g.intParam("target_width"), new Normalizers.Std(mean, std), 0);
        net.setParams(PixelGoldens.weights(g));
        List<TensorResult> out = new ArrayList<>();
        INDArray rgb = g.tensor("rgb");
        out.add(TensorResult.compare(g, "rgb", PixelGoldens.normalized(g, PixelGoldens.converted(g)),
                Tolerance.exact("convert_image_dtype then (x − mean) / max(std, eps): correctly rounded ops")));
        double resize = PixelGoldens.resizeBound(rgb);
        out.add(TensorResult.compare(g, "cnn_input", ImagePrepro.toNhwc(net.preprocess(rgb)), Tolerance.of(resize,
                0, "bilinear lerps in TF's order (8·u·max|x|); the coord channels are linspace's exact float32")));

        INDArray x = ImagePrepro.toNchw(g.tensor("cnn_input"));
        Map<String, INDArray> acts = net.graph().feedForward(new INDArray[] {x}, false);
        Map<String, Double> eb = ConvErrorBounds.of(net.graph(), acts, "rgb", 0, ConvMaxpoolEncoder.OUTPUT);
        double fb = eb.get(ConvMaxpoolEncoder.OUTPUT);
        out.add(TensorResult.compare(g, "features", acts.get(ConvMaxpoolEncoder.OUTPUT), Tolerance.of(fb, 0,
                "conv: 4·√(9·C_in)·u·Σ|x·w| + carried·‖W col‖₂ per layer; pooling exact; mean 4·√P·u·max|x|")));
        // The MLP and head from the golden features: the same trunk code in an MLPMSE graph with the same weights
        // (feeding ConvMLPMSE's own graph mid-way is not possible; its end-to-end action is compared below).
        MLPMSE mlp = MLPMSE.create(cfg, ConvMaxpoolEncoder.OUTPUT_WIDTH, g.intParam("action_dim"), 0);
        Map<String, INDArray> w = new java.util.LinkedHashMap<>(PixelGoldens.weights(g));
        w.keySet().removeIf(k -> k.startsWith("conv"));
        mlp.setParams(w);
        Map<String, INDArray> mlpActs = mlp.graph().feedForward(new INDArray[] {g.tensor("features")
                .castTo(DataType.FLOAT)}, false);
        Map<String, Double> mb = GraphErrorBounds.of(mlp.graph(), mlpActs, false);
        String top = mlp.graph().getConfiguration().getVertexInputs().get("head").get(0);
        out.add(TensorResult.compare(g, "mlp", mlpActs.get(top), Tolerance.of(mb.get(top), 0,
                "4·√K·u·Σ|x·w| + |b| per dense, carried through ‖W col‖₂; residual adds one rounding")));
        out.add(TensorResult.compare(g, "head", mlpActs.get("head"), Tolerance.of(mb.get("head"), 0,
                "the head's bound")));
        double maxStd = 0;
        for (float s : std) {
            maxStd = Math.max(maxStd, Math.max(s, Normalizers.EPS));
        }
        // End to end: the resize's bound into the convs, the features' bound into the MLP, the head's through
        // the denormalization (·max std, then 2 roundings of y·std + mean).
        Map<String, INDArray> myActs = net.graph().feedForward(new INDArray[] {net.preprocess(rgb)}, false);
        double featEnd = ConvErrorBounds.of(net.graph(), myActs, "rgb", resize, ConvMaxpoolEncoder.OUTPUT)
                .get(ConvMaxpoolEncoder.OUTPUT);
        double headEnd = GraphErrorBounds.of(mlp.graph(), mlpActs, false, Map.of("obs", featEnd)).get("head");
        double actBound = headEnd * maxStd + 2 * ibc4j.networks.Float32ErrorBounds.U
                * g.tensor("action").amaxNumber().doubleValue();
        out.add(TensorResult.compare(g, "action", net.call(rgb, false), Tolerance.of(actBound, 0,
                "end to end: resize → convs → MLP bounds carried, head bound·max std + 2 roundings of the denorm"))
                .withNote("end to end from the normalized obs"));
        return out;
    }
}
