package ibc4j.parity.checks;

import ibc4j.networks.pixel.ConvErrorBounds;
import ibc4j.networks.pixel.DenseResnetValue;
import ibc4j.networks.pixel.ImagePrepro;
import ibc4j.networks.pixel.PixelEBM;
import ibc4j.networks.pixel.SpatialAttentionEncoder;
import ibc4j.parity.Golden;
import ibc4j.parity.ParityCheck;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link PixelEBM} with the {@link SpatialAttentionEncoder} against IBC's
 * {@code networks/layers/spatial_attention_encoder.py} inside {@code PixelEBM.call}: the coord-conv input, every
 * conv, the soft-argmax keypoints, f and −∂f/∂a, with TF's weights (temperature ≠ 1).
 */
public final class SpatialAttentionForwardCheck implements ComponentCheck {
    @Override
    public String component() {
        return "spatial_attention_forward";
    }

    @Override
    public List<TensorResult> run(Golden g) {
        PixelEBM.ImageSpec spec = new PixelEBM.ImageSpec(g.intParam("sequence_length"), g.intParam("raw_height"),
                g.intParam("raw_width"), 3);
        SpatialAttentionEncoder enc = new SpatialAttentionEncoder(g.intParam("filters"), g.intParam("num_blocks"),
                g.intParam("num_heads"), g.intParam("target_height"), g.intParam("target_width"));
        PixelEBM net = PixelEBM.create(spec, g.intParam("action_dim"), enc, new DenseResnetValue(
                g.intParam("value_width"), g.intParam("value_num_blocks")), 0);
        net.setParams(PixelGoldens.weights(g));
        List<TensorResult> out = new ArrayList<>();
        INDArray rgb = g.tensor("rgb");
        double resize = PixelGoldens.resizeBound(rgb);
        out.add(TensorResult.compare(g, "encoder_input", ImagePrepro.toNhwc(net.preprocess(rgb)), Tolerance.of(
                resize, 0, "bilinear lerps in TF's order (8·u·max|x|); coord channels: linspace's exact float32")));
        INDArray x = ImagePrepro.toNchw(g.tensor("encoder_input"));
        Map<String, INDArray> acts = net.encoder().feedForward(new INDArray[] {x}, false);
        Map<String, Double> eb = ConvErrorBounds.of(net.encoder(), acts, "rgb", 0);
        for (String c : enc.convNames()) {
            if (!g.has("enc_" + c)) {
                continue; // ResNetConvBlock.conv3: never called
            }
            out.add(TensorResult.compare(g, "enc_" + c, ImagePrepro.toNhwc(acts.get(c)), Tolerance.of(eb.get(c), 0,
                    "conv: 4·√(k·k·C_in)·u·Σ|x·w| + carried·‖W col‖₂; relu, copies exact; adds one rounding")));
        }
        String so = SpatialAttentionEncoder.OUTPUT;
        out.add(TensorResult.compare(g, "encoding", acts.get(so), Tolerance.of(eb.get(so), 0,
                "soft-argmax: 2·(e/T + u·max|z|) + 4u + 8·√(H·W)·u (|pos| ≤ 1, Σp = 1)")));
        Map<String, INDArray> mine = net.encoder().feedForward(new INDArray[] {net.preprocess(rgb)}, false);
        double encEnd = ConvErrorBounds.of(net.encoder(), mine, "rgb", resize).get(so);
        out.add(TensorResult.compare(g, "encoding", net.encode(rgb), Tolerance.of(encEnd, 0,
                "the layer bounds with the resize's 8·u·max|x| as input error")).withNote("end to end"));
        out.addAll(PixelGoldens.valueRows(g, net, rgb, encEnd));
        return out;
    }
}
