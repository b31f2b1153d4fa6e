package ibc4j.agents;

import ibc4j.networks.pixel.PixelEBM;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The image the pixel networks read from a normalized observation dict: {@code obs['rgb']}, as
 * {@code networks/pixel_ebm.py} and {@code pixel_mse.py} take it (IBC db89ddb); the other keys are unused there.
 */
final class PixelObservations {
    private PixelObservations() {}

    /** {@code obs['rgb']} {@code [B, T, H·W·C]} (flattened per frame) as {@code [B, T, H, W, C]}. */
    static INDArray rgb(Map<String, INDArray> observations, PixelEBM.ImageSpec spec) {
        INDArray v = observations.get("rgb");
        if (v == null) {
            throw new IllegalArgumentException("the pixel networks read observation 'rgb'; the observations have "
                    + observations.keySet());
        }
        long perFrame = (long) spec.height() * spec.width() * spec.channels();
        if (v.rank() != 3 || v.size(1) != spec.sequenceLength() || v.size(2) != perFrame) {
            throw new IllegalArgumentException("observations['rgb']: expected [B, " + spec.sequenceLength() + ", "
                    + perFrame + "] (" + spec.height() + "x" + spec.width() + "x" + spec.channels() + " per frame), got "
                    + java.util.Arrays.toString(v.shape()));
        }
        return v.castTo(DataType.FLOAT).dup('c').reshape('c', v.size(0), spec.sequenceLength(), spec.height(),
                spec.width(), spec.channels());
    }

    static UnsupportedOperationException flatRefused(String network) {
        return new UnsupportedOperationException(network + " reads the image observation: train it on the "
                + "observation dict, not on flattened observations");
    }

    static UnsupportedOperationException noPolicy(String network) {
        return new UnsupportedOperationException("evaluating a " + network + " policy is not ported (no image "
                + "policy or image env yet, see docs/pixel-networks.md): train with --skip_eval");
    }
}
