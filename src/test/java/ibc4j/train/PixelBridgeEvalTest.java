package ibc4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.data.DType;
import ibc4j.data.JpegImages;
import ibc4j.data.SpecFile;
import ibc4j.data.SpecNode;
import ibc4j.data.TFRecordReader;
import ibc4j.data.TensorSpec;
import ibc4j.data.TrajectoryCodec;
import ibc4j.environments.bridge.BridgeEnv;
import ibc4j.environments.bridge.BridgeOptions;
import ibc4j.environments.bridge.BridgePolicyEval;
import ibc4j.gin.GinConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pixel configs end to end against the stdlib fake bridge (no pybullet): oracle episodes collected with
 * {@code use_image_obs} (the fake's 16x20 'rgb' renders, written as JPEG as IBC's collection does), IBC's
 * unmodified pushing_pixels configs trained 2 steps on them and evaluated for 1 episode in the fake's
 * BlockPushRgb-v0 through the bridge. The images are far smaller than BlockPushRgb's 240x320 and the networks
 * are shrunk by bindings (target size, widths, sample counts), so that CI runs them in seconds.
 */
class PixelBridgeEvalTest {
    private static final int H = 16;
    private static final int W = 20;

    private static BridgeOptions fake() {
        return new BridgeOptions("python3", null, BridgeOptions.FAKE_SERVER, List.of("PUSH"),
                List.of("--image_height", "" + H, "--image_width", "" + W, "--episode_length", "4"),
                Path.of("python").toAbsolutePath(), Duration.ofSeconds(30), Duration.ofSeconds(10));
    }

    private static Path collect(Path dir) throws Exception {
        Path data = dir.resolve("data").resolve("oracle_push_rgb.tfrecord");
        Files.createDirectories(data.getParent());
        try (BridgeEnv env = new BridgeEnv(fake(), "PUSH", true, null, "oracle_push", List.of())) {
            BridgePolicyEval.collect(env, data, 6, 0L, n -> { });
        }
        return data;
    }

    @Test
    void collectsImagesAsJpegInIbcsFormat(@TempDir Path dir) throws Exception {
        Path data = collect(dir);
        SpecNode.NamedTuple spec = (SpecNode.NamedTuple) SpecFile.read(SpecFile.specPathFor(data));
        TensorSpec rgb = (TensorSpec) ((SpecNode.Dict) spec.field("observation")).fields().get("rgb");
        assertEquals(DType.UINT8, rgb.dtype());
        assertArrayEquals(new int[] {H, W, 3}, rgb.shape());
        assertEquals(7, ((SpecNode.Dict) spec.field("observation")).fields().size());
        try (TFRecordReader r = TFRecordReader.open(data)) {
            byte[] feature = ibc4j.data.proto.Example.parseFrom(r.read()).getFeatures()
                    .getFeatureOrThrow("observation/rgb").getBytesList().getValue(0).toByteArray();
            assertTrue(JpegImages.isJpeg(feature), "compress_image=True: a JPEG, as policy_eval.py writes");
        }
        // The first record holds the env's first frame (seed 0, reset) through JPEG quality 95 and back.
        int[] frame;
        try (BridgeEnv env = new BridgeEnv(fake(), "PUSH", true, null, null, List.of())) {
            env.seed(0);
            frame = env.reset().observation().get("rgb").ints();
        }
        int[] shape = {H, W, 3};
        int[] expected = JpegImages.decode(JpegImages.encode(frame, shape, JpegImages.IBC_QUALITY), shape);
        float[] img = TrajectoryCodec.readAll(data).get(0).observation("rgb");
        assertEquals(expected.length, img.length);
        for (int i = 0; i < img.length; i++) {
            assertEquals(expected[i], img[i], 0f, "pixel value " + i);
        }
    }

    private static TrainEval.Result trainAndEvaluate(Path dir, String config, List<String> extra) throws Exception {
        Path data = collect(dir);
        Path root = dir.resolve("run");
        List<String> bindings = new ArrayList<>(List.of(
                "train_eval.dataset_path = '" + data + "'", "train_eval.root_dir = '" + root + "'",
                "train_eval.num_iterations = 2", "train_eval.fused_train_steps = 1", "train_eval.eval_interval = 2",
                "train_eval.eval_episodes = 1", "train_eval.batch_size = 4", "train_eval.replay_capacity = 16",
                "get_normalizers.num_samples = 16"));
        bindings.addAll(extra);
        GinConfig gin = ibc4j.configurables.IbcConfigurables.newGinConfig();
        gin.parseFilesAndBindings(List.of("configs/pushing_pixels/" + config), bindings);
        gin.finalizeConfig();
        TrainEval.Options opt = new TrainEval.Options(false, 1000, null, false, 0, null, fake());
        Map<String, Object> args = new java.util.LinkedHashMap<>();
        args.put("task", List.of("PUSH"));
        TrainEval.Result r = TrainEval.run(gin, (TrainEvalConfig) gin.call("train_eval", args), opt);
        assertFalse(r.failed(), r.failure());
        assertEquals(2, r.step());
        List<String> lines = Files.readAllLines(root.resolve("eval").resolve("metrics.jsonl"));
        assertEquals(1, lines.size(), lines.toString());
        assertFalse(lines.get(0).contains("failed"), lines.get(0));
        assertEquals(1, r.evals().size());
        Map<String, Float> m = r.evals().get(0).metrics();
        assertEquals(List.of("AverageReturn", "AverageEpisodeLength", "AverageFinalGoalDistance",
                "AverageSuccessMetric"), List.copyOf(m.keySet()));
        float length = m.get("AverageEpisodeLength");
        assertTrue(length >= 1 && length <= 4, "one episode of the fake (at most 4 steps): " + m);
        assertTrue(Float.isFinite(m.get("AverageFinalGoalDistance")), m.toString());
        assertEquals(2, TensorBoardReader.readScalars(root.resolve("eval").resolve("BlockPushRgb-v0"))
                .get("Metrics/AverageEpisodeLength").get(0).step());
        // Offline (ibc4j eval's path): the policy rebuilt from the step-2 checkpoint, the same seeds -> the same
        // metrics as the evaluation inside training.
        TrainCheckpoint.State saved = TrainCheckpoint.fromCheckpoint(new CheckpointStore(root.resolve("train")
                .resolve("checkpoints"), 3).latest().orElseThrow(), new ibc4j.optimizers.ExponentialDecay(1e-3f, 100,
                0.99f));
        assertEquals(2, saved.step());
        AgentKind kind = AgentKinds.of(String.valueOf(gin.queryParameter("train_eval.loss_type")),
                String.valueOf(gin.queryParameter("train_eval.network")));
        assertTrue(kind.readsImages());
        try (BridgeEval bridge = BridgeEval.open(fake(), "PUSH", 2, 0.02, true)) {
            ibc4j.agents.BcPolicy policy = kind.imagePolicy(gin, 2, bridge.observationSpec("rgb"), saved,
                    bridge.actionSpec());
            EvalActor.Result offline = bridge.evaluate(policy::action, saved.norm().obsNorm().keySet(), 1,
                    new ibc4j.runtime.Seeds(0).derive("eval_noise", 2), n -> { });
            assertEquals(m, offline.metrics());
        }
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"pixel_mse_best.gin", "pixel_mdn_best.gin"})
    void convMlpConfigsTrainAndEvaluateOnImages(String config, @TempDir Path dir) throws Exception {
        String net = config.contains("mse") ? "ConvMLPMSE" : "ConvMLPMDN";
        trainAndEvaluate(dir, config, List.of(net + ".width = 16", net + ".depth = 2", net + ".target_height = 16",
                net + ".target_width = 16"));
    }

    private static final List<String> SMALL_EBM = List.of("PixelEBM.target_height = 16", "PixelEBM.target_width = 16",
            "DenseResnetValue.width = 16", "ImplicitBCAgent.num_counter_examples = 4",
            "IbcPolicy.num_action_samples = 16");

    /** pixel_ebm_best.gin's policy: IbcPolicy over PixelEBM with iterative DFO and late fusion. */
    @Test
    void pixelEbmWithDfoTrainsAndEvaluatesOnImages(@TempDir Path dir) throws Exception {
        TrainEval.Result r = trainAndEvaluate(dir, "pixel_ebm_best.gin", SMALL_EBM);
        String operative = Files.readString(r.rootDir().resolve("operative-gin-config.txt"));
        assertTrue(operative.contains("IbcPolicy.num_action_samples = 16"), operative);
    }

    /**
     * pixel_ebm_langevin.gin as it is: Langevin counter examples and the gradient penalty in training, and its
     * policy (Langevin, then optimize_again) in the evaluation.
     */
    @Test
    void pixelEbmLangevinConfigTrainsAndEvaluatesOnImages(@TempDir Path dir) throws Exception {
        List<String> b = new ArrayList<>(SMALL_EBM);
        b.add("langevin_actions_given_obs.num_iterations = 3");
        TrainEval.Result r = trainAndEvaluate(dir, "pixel_ebm_langevin.gin", b);
        String operative = Files.readString(r.rootDir().resolve("operative-gin-config.txt"));
        assertTrue(operative.contains("IbcPolicy.optimize_again = True"), operative);
    }

    /**
     * The DFO-trained agent evaluated with pixel_ebm_langevin.gin's policy settings (Langevin, then optimize_again); the
     * training keeps uniform counter examples, so only the policy differs.
     */
    @Test
    void pixelEbmWithLangevinPolicyEvaluatesOnImages(@TempDir Path dir) throws Exception {
        List<String> b = new ArrayList<>(SMALL_EBM);
        b.addAll(List.of("IbcPolicy.use_dfo = False", "IbcPolicy.use_langevin = True", "IbcPolicy.optimize_again = True",
                "langevin_actions_given_obs.num_iterations = 3"));
        trainAndEvaluate(dir, "pixel_ebm_best.gin", b);
    }
}
