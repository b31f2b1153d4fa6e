package ibc4j.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Benchmark shapes; {@link #ibcParticle()} is IBC's particle config (configs/particle/mlp_ebm_langevin.gin):
 * batch 512, 8 counter examples, 100 Langevin steps, MLPEBM width 256 (ResNetPreActivation, one block), a 16-wide
 * observation (2 frames × 8) and a 2-D action; inference draws 512 samples for one observation.
 */
public record BenchShapes(int batch, int counterExamples, int steps, int width, int obsDim, int actDim,
                          int inferenceSamples) {
    public BenchShapes {
        if (batch < 1 || counterExamples < 1 || steps < 2 || width < 1 || obsDim < 1 || actDim < 1
                || inferenceSamples < 1) {
            throw new IllegalArgumentException("shapes must be positive (steps >= 2): " + this);
        }
    }

    public static BenchShapes ibcParticle() {
        return new BenchShapes(512, 8, 100, 256, 16, 2, 512);
    }

    /** Rows of the Langevin chain in training: batch × counter examples. */
    public int chainRows() {
        return batch * counterExamples;
    }

    /** Rows of the training forward and penalty: batch × (counter examples + 1). */
    public int trainRows() {
        return batch * (counterExamples + 1);
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("batch", batch);
        m.put("counter_examples", counterExamples);
        m.put("langevin_steps", steps);
        m.put("width", width);
        m.put("obs_dim", obsDim);
        m.put("action_dim", actDim);
        m.put("inference_samples", inferenceSamples);
        return m;
    }
}
