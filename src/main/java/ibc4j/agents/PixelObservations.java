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
        return new UnsupportedOperationException("this " + network + " agent was built without an evaluation "
                + "policy (no env action spec was given): train with --skip_eval or evaluate through the env bridge");
    }

    /** An agent's evaluation policy, made once on first use (its settings are resolved only when evaluating). */
    static final class LazyPolicy {
        private final String network;
        private final java.util.function.Supplier<BcPolicy> maker;
        private BcPolicy policy;

        LazyPolicy(String network, java.util.function.Supplier<BcPolicy> maker) {
            this.network = network;
            this.maker = maker;
        }

        BcPolicy get() {
            if (maker == null) {
                throw noPolicy(network);
            }
            if (policy == null) {
                policy = ibc4j.runtime.StepMemory.persistent(maker::get); // outlives any step
            }
            return policy;
        }
    }
}
