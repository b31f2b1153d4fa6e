package ibc4j.parity.checks;

import ibc4j.networks.pixel.ConvErrorBounds;
import ibc4j.networks.pixel.ConvMaxpoolEncoder;
import ibc4j.networks.pixel.ImagePrepro;
import ibc4j.networks.pixel.PixelEBM;
import ibc4j.parity.Golden;
import ibc4j.parity.ParityCheck;
import ibc4j.parity.TensorResult;
import ibc4j.parity.TensorSpec;
import ibc4j.parity.Tolerance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link PixelEBM} (ConvMaxpoolEncoder + DenseResnetValue, late fusion) against
 * {@code networks/pixel_ebm.py:PixelEBM.call} and {@code mcmc.py:gradient_wrt_act}: the image pipeline, every
 * encoder layer, every value layer, f and −∂f/∂a, with TF's weights. Each stage reads the golden's input of that
 * stage (teacher forcing), so each bound is that stage's own; the end-to-end energy is compared too.
 */
public final class PixelEbmForwardCheck implements ComponentCheck {
    @Override
    public String component() {
        return "pixel_ebm_forward";
    }

    @Override
    public List<TensorResult> run(Golden g) {
        PixelEBM net = PixelGoldens.pixelEbm(g);
        List<TensorResult> out = new ArrayList<>();
        INDArray frames = PixelGoldens.converted(g);
        out.add(TensorResult.compare(g, "rgb_float", frames, Tolerance.exact(
                "x·fl32(1/255): one correctly rounded multiplication on both sides")));
        out.add(TensorResult.compare(g, "rgb", PixelGoldens.normalized(g, g.tensor("rgb_float")), Tolerance.exact(
                "(x − mean) / max(std, eps): two correctly rounded operations in IBC's order")));
        INDArray rgb = g.tensor("rgb");
        out.add(TensorResult.compare(g, "stacked", ImagePrepro.stackImagesChannelwise(rgb), Tolerance.exact(
                "a reshape: the same buffer")));
        int th = g.intParam("target_height");
        int tw = g.intParam("target_width");
        out.add(TensorResult.compare(g, "images", ImagePrepro.preprocess(rgb, th, tw), Tolerance.of(
                PixelGoldens.resizeBound(rgb), 0, "bilinear lerps in TF's order: 8·u·max|x| if a compiler fused")));

        INDArray images = ImagePrepro.toNchw(g.tensor("images"));
        Map<String, INDArray> acts = net.encoder().feedForward(new INDArray[] {images}, false);
        Map<String, Double> eb = ConvErrorBounds.of(net.encoder(), acts, "rgb", 0);
        List<TensorSpec> encTaps = g.entry().tensors().stream().filter(t -> t.name().startsWith("enc_")).toList();
        List<String> mine = ConvMaxpoolEncoder.vertices();
        for (int i = 0; i < mine.size(); i++) {
            INDArray a = acts.get(mine.get(i));
            out.add(TensorResult.compare(g, encTaps.get(i).name(), a.rank() == 4 ? ImagePrepro.toNhwc(a) : a,
                    Tolerance.of(eb.get(mine.get(i)), 0, "conv: 4·√(9·C_in)·u·Σ|x·w| + carried·‖W col‖₂; "
                            + "pooling exact and 1-Lipschitz; mean: 4·√P·u·max|x|")).withNote(mine.get(i)));
        }
        // End to end from the normalized obs: the resize's bound enters the first conv as an input error.
        INDArray myImages = net.preprocess(rgb);
        Map<String, INDArray> myActs = net.encoder().feedForward(new INDArray[] {myImages}, false);
        double encBound = ConvErrorBounds.of(net.encoder(), myActs, "rgb", PixelGoldens.resizeBound(rgb))
                .get(ConvMaxpoolEncoder.OUTPUT);
        out.add(TensorResult.compare(g, "encoding", net.encode(rgb), Tolerance.of(encBound, 0,
                "the encoder's layer bounds with the resize's 8·u·max|x| as input error")));

        out.addAll(PixelGoldens.valueRows(g, net, rgb, encBound));
        return out;
    }
}
