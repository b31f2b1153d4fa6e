package ibc4j.train;

import ibc4j.agents.BcAgent;
import ibc4j.data.SpecFile;
import ibc4j.data.SpecNode;
import ibc4j.data.TensorSpec;
import ibc4j.data.TrajectoryDataset;
import ibc4j.environments.particle.ParticleEnv;
import ibc4j.gin.GinConfig;
import ibc4j.networks.pixel.PixelEBM;
import ibc4j.normalizers.GetNormalizers;
import ibc4j.normalizers.ImageObservations;
import ibc4j.normalizers.SamplingSpec;
import ibc4j.optimizers.ExponentialDecay;
import ibc4j.runtime.Seeds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of IBC's {@code train_eval} ({@code ibc/train_eval.py}): under the run dir's lock, the data, the env, the
 * normalizers and sampling spec (or those of the checkpoint it resumes), the network and agent of its
 * {@link AgentKind}, the operative config; then the {@link TrainLoop}.
 */
final class TrainRun {
    private static final Logger LOG = LoggerFactory.getLogger(TrainRun.class);
    private final GinConfig gin;
    private final TrainEvalConfig cfg;
    private final TrainEval.Options opt;
    private final Path root;
    private final Seeds seeds;
    private final AgentKind kind;
    private final ExponentialDecay schedule;
    /** IBC's env through the bridge, for tasks other than PARTICLE; null otherwise. */
    private final BridgeEval bridge;

    TrainRun(GinConfig gin, TrainEvalConfig cfg, TrainEval.Options opt, Path root, BridgeEval bridge) {
        if (opt.checkpointInterval() < 1) {
            throw new IllegalArgumentException("the checkpoint interval must be positive; got "
                    + opt.checkpointInterval());
        }
        this.gin = gin;
        this.cfg = cfg;
        this.opt = opt;
        this.root = root;
        this.bridge = bridge;
        this.seeds = new Seeds(cfg.seed());
        this.kind = AgentKinds.of(cfg.lossType(), cfg.network());
        this.schedule = new ExponentialDecay((float) cfg.learningRate(), cfg.decaySteps(), 0.99f);
    }

    TrainEval.Result run() throws IOException {
        try (RunDirLock lock = RunDirLock.acquire(root)) {
            return runLocked();
        }
    }

    private TrainEval.Result runLocked() throws IOException {
                    LOG.info("run dir: {}", root.toAbsolutePath());
        TrajectoryDataset data = TrajectoryDataset.open(cfg.datasetPath(), cfg.sequenceLength(), cfg.datasetEvalFraction(),
                cfg.maxDataShards());
        int actionDim = data.actionSize();
        int obsDim = 0;
        for (String k : data.observationKeys()) {
            obsDim += data.observationSize(k) * cfg.sequenceLength();
        }
        ParticleEnv env = cfg.skipEval() || bridge != null ? null : gin.make(ParticleEnv.class);
        if (bridge != null) {
            bridge.checkDataset(data.observationKeys(), actionDim);
        }
        if (env != null && !env.observationSpaceKeys().containsAll(data.observationKeys())) {
            throw new IllegalArgumentException("the dataset's observations " + data.observationKeys()
                    + " are not the env's " + env.observationSpaceKeys());
        }
        if (env != null && env.nDim() != actionDim) {
            throw new IllegalArgumentException("the dataset's actions have " + actionDim + " dimensions but "
                    + "ParticleEnv.n_dim = " + env.nDim() + " (bind ParticleEnv.n_dim = " + actionDim + ")");
        }
        Set<String> imageKeys = ImageObservations.uint8ImageKeys(SpecFile.read(SpecFile.specPathFor(
                data.split().train().get(0))));
        CheckpointStore checkpoints = new CheckpointStore(root.resolve("train").resolve("checkpoints"), 3);
        CheckpointStore policies = new CheckpointStore(root.resolve("policies"), Integer.MAX_VALUE);
        Optional<CheckpointStore.Checkpoint> last = checkpoints.latest();

        GetNormalizers.NormalizationInfo norm;
        SamplingSpec sampling;
        TrainCheckpoint.State resumed = null;
        if (last.isPresent()) {
            resumed = TrainCheckpoint.fromCheckpoint(last.get(), schedule);
            if (resumed.seed() != cfg.seed()) {
                throw new IllegalArgumentException("resuming " + root + " (seed " + resumed.seed()
                        + ") with train_eval.seed = " + cfg.seed() + ": the data order and noise would differ");
            }
            norm = resumed.norm();
            sampling = resumed.sampling();
            LOG.info("resuming from {} at step {}", checkpoints.list().get(checkpoints.list().size() - 1),
                    resumed.step());
        } else {
            Map<String, Object> args = new LinkedHashMap<>();
            // get_normalizers' drop_info_and_float_cast: uint8 images to [0, 1] before the statistics.
            args.put("train_data", ImageObservations.convert(data.shuffledTrainWindows(cfg.replayCapacity(),
                    seeds.derive("stats_data", 0)), imageKeys));
            args.put("batch_size", cfg.batchSize());
            args.put("env_name", "Particle-v0");
            norm = (GetNormalizers.NormalizationInfo) gin.call("get_normalizers", args);
            // The env's action spec: particle.py's Box(0, 1); without an env, the dataset's own range.
            float[] lo = new float[actionDim];
            float[] hi = new float[actionDim];
            java.util.Arrays.fill(lo, env != null ? 0f : Float.NEGATIVE_INFINITY);
            java.util.Arrays.fill(hi, env != null ? 1f : Float.POSITIVE_INFINITY);
            if (bridge != null) {
                lo = bridge.actionBound(false, actionDim);
                hi = bridge.actionBound(true, actionDim);
            }
            sampling = SamplingSpec.of(norm.minActions(), norm.maxActions(), lo, hi,
                    (float) cfg.uniformBoundaryBuffer(), norm::normalizeActions);
        }
        LOG.info("action statistics: min {} max {}, act_norm {}", java.util.Arrays.toString(norm.minActions()),
                java.util.Arrays.toString(norm.maxActions()), TrainEval.describe(norm.actNorm()));
        LOG.info("Using action_sampling_spec: [{}, {}] (normalized; data range buffered to {} .. {})",
                sampling.normalizedMin(), sampling.normalizedMax(),
                java.util.Arrays.toString(sampling.bufferedMin()), java.util.Arrays.toString(sampling.bufferedMax()));

        TensorSpec envActionSpec = bridge != null ? bridge.actionSpec()
                : env != null ? TensorSpec.bounded("action", 0f, 1f, actionDim) : null;
        BcAgent agent = kind instanceof PixelAgentKinds.ImageAgentKind pixels
                ? pixels.imageAgent(gin, seeds, rgbSpec(data, cfg.sequenceLength()), actionDim, envActionSpec, norm,
                        sampling, resumed, schedule)
                : kind.agent(gin, seeds, obsDim, actionDim, envActionSpec, norm, sampling, resumed, schedule);
        long step = agent.trainStep();

        Files.writeString(root.resolve("operative-gin-config.txt"), gin.operativeConfigString());
        LOG.info("Saving operative-gin-config.");
        // Only now, with data, network and agent built, is this the run's config: a failed attempt leaves no
        // stored config behind, and each training process (it holds the lock) stores its own, atomically.
        // Every checkpoint also carries it, so a checkpoint and its config cannot disagree.
        if (opt.invocation() != null) {
            opt.invocation().write(root);
        }

        TrainLoop loop = new TrainLoop(cfg, opt, seeds, root, data, norm, sampling, agent, checkpoints, policies,
                env, bridge, imageKeys);
        return loop.run(step);
    }

    /** {@code obs_spec['rgb']} with the window length: the shape the pixel networks are built for. */
    private static PixelEBM.ImageSpec rgbSpec(TrajectoryDataset data, int sequenceLength) throws IOException {
        Path shard = data.split().train().get(0);
        SpecNode spec = SpecFile.read(SpecFile.specPathFor(shard));
        if (spec instanceof SpecNode.NamedTuple t && t.field("observation") instanceof SpecNode.Dict obs
                && obs.fields().get("rgb") instanceof TensorSpec rgb && rgb.shape().length == 3) {
            int[] s = rgb.shape();
            return new PixelEBM.ImageSpec(sequenceLength, s[0], s[1], s[2]);
        }
        throw new IllegalArgumentException(SpecFile.specPathFor(shard) + ": the pixel networks read observation "
                + "'rgb' of shape [height, width, channels]; this dataset's observation has none (record it with "
                + "images, e.g. ibc4j synth-data --rgb HxW)");
    }
}
