package ibc4j.parity.checks;

import ibc4j.data.SpecFile;
import ibc4j.data.SpecNode;
import ibc4j.data.TrajectoryCodec;
import ibc4j.data.TrajectoryStep;
import ibc4j.environments.PolicyEval;
import ibc4j.environments.particle.ParticleEnv;
import ibc4j.environments.particle.ParticleObservation;
import ibc4j.parity.Golden;
import ibc4j.parity.ParityCheck;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Oracle data collection against IBC's {@code data/policy_eval.py} + tf-agents' TFRecordObserver, both ways:
 * IBC's own file read by ibc4j's reader, and ibc4j's collection (same env seed, episodes) written by ibc4j's
 * writer and read back, each decoded record by record against what tf-agents' decoder read from IBC's file.
 * The spec ibc4j writes must equal IBC's.
 */
public final class TfrecordDatasetCheck implements ComponentCheck {
    private static final Tolerance EXACT = Tolerance.exact(
            "float32 values stored and read back; the env and oracle are bit-exact with IBC's");

    @Override
    public String component() {
        return "tfrecord_dataset";
    }

    @Override
    public List<TensorResult> run(Golden g) throws IOException {
        int nDim = g.intParam("n_dim");
        SpecNode ibcSpec = SpecFile.read(g.file("spec"));
        if (!ibcSpec.equals(PolicyEval.particleTrajectorySpec(nDim))) {
            throw new IllegalStateException("the spec ibc4j writes differs from IBC's:\n  IBC:    " + ibcSpec
                    + "\n  ibc4j:  " + PolicyEval.particleTrajectorySpec(nDim));
        }
        List<TensorResult> out = new ArrayList<>(compare(g, TrajectoryCodec.readAll(g.file("tfrecord")), "IBC's file"));
        Path dir = Files.createTempDirectory("ibc4j-collect");
        try {
            Path file = dir.resolve("oracle.tfrecord");
            long seed = ((Number) g.seeds().get("env")).longValue();
            ParticleEnv env = ParticleEnv.builder().nDim(nDim).seed(seed).build();
            PolicyEval.collectParticle(env, file, g.intParam("num_episodes"), n -> { });
            out.addAll(compare(g, TrajectoryCodec.readAll(file), "ibc4j's collection"));
        } finally {
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
        return out;
    }

    private static List<TensorResult> compare(Golden g, List<TrajectoryStep> steps, String what) {
        int n = steps.size();
        int[] stepType = new int[n];
        int[] nextType = new int[n];
        float[] reward = new float[n];
        float[] discount = new float[n];
        float[][] action = new float[n][];
        List<TensorResult> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TrajectoryStep s = steps.get(i);
            stepType[i] = s.stepType();
            nextType[i] = s.nextStepType();
            reward[i] = s.reward();
            discount[i] = s.discount();
            action[i] = s.action();
        }
        out.add(TensorResult.compare(g, "decoded_step_type", Nd4j.createFromArray(stepType), EXACT).withNote(what));
        out.add(TensorResult.compare(g, "decoded_next_step_type", Nd4j.createFromArray(nextType), EXACT));
        out.add(TensorResult.compare(g, "decoded_reward", Nd4j.createFromArray(reward), EXACT));
        out.add(TensorResult.compare(g, "decoded_discount", Nd4j.createFromArray(discount), EXACT));
        out.add(TensorResult.compare(g, "decoded_action", Nd4j.createFromArray(action), EXACT));
        for (String key : ParticleObservation.SORTED_KEYS) {
            float[][] obs = new float[n][];
            for (int i = 0; i < n; i++) {
                obs[i] = steps.get(i).observation(key);
            }
            INDArray a = Nd4j.createFromArray(obs);
            out.add(TensorResult.compare(g, "decoded_obs_" + key, a, EXACT));
        }
        return out;
    }
}
