package ibc4j.train;

import ibc4j.agents.BcAgent;
import ibc4j.agents.BcPolicy;
import ibc4j.agents.IbcPolicy;
import ibc4j.agents.ImplicitBCAgent;
import ibc4j.agents.MseAgent;
import ibc4j.agents.MsePolicy;
import ibc4j.agents.NonFiniteException;
import ibc4j.agents.Observations;
import ibc4j.data.Batch;
import ibc4j.data.SequenceWindow;
import ibc4j.data.TensorSpec;
import ibc4j.data.TrajectoryDataset;
import ibc4j.environments.particle.ParticleEnv;
import ibc4j.gin.Configurable;
import ibc4j.gin.GinConfig;
import ibc4j.gin.Param;
import ibc4j.gin.Positive;
import ibc4j.gin.Range;
import ibc4j.networks.MLPEBM;
import ibc4j.networks.MLPMSE;
import ibc4j.normalizers.GetNormalizers;
import ibc4j.normalizers.Normalizers;
import ibc4j.normalizers.SamplingSpec;
import ibc4j.optimizers.ExponentialDecay;
import ibc4j.optimizers.KerasAdam;
import ibc4j.runtime.GlobalSeed;
import ibc4j.runtime.NoiseSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IBC's {@code ibc/train_eval.py} {@code train_eval}: data, normalizers, sampling spec, network, agent, then the
 * loop of {@code fused_train_steps} training steps with summaries, checkpoints, validation loss and evaluation.
 *
 * <p>Run directory, as IBC and tf-agents lay it out: {@code <root_dir>[/<tag>][/<time>]} with
 * {@code operative-gin-config.txt}, {@code train/} (TensorBoard events, {@code checkpoints/ckpt-<step>.zip}, the
 * last 3), {@code policies/policy-<step>.zip} (every 1000 steps, all kept; IBC's saved-model interval),
 * {@code eval/} (aggregated events, {@code metrics.jsonl}) and {@code eval/Particle-v0/} (the actor's events, and
 * images with viz_img), {@code videos/ttl=7d/vid_<step>.gif} with {@code --video}, and {@code plots/*.png}.
 *
 * <p>A run dir that already has a checkpoint is resumed from its newest one. Every step's noise and the data
 * order are derived from (seed, step), so N steps equal N/2 steps, a restart, and N/2 more.
 */
public final class TrainEval {
    private static final Logger LOG = LoggerFactory.getLogger(TrainEval.class);
    /** tf-agents' PolicySavedModelTrigger interval in IBC's get_learner.py. */
    public static final int POLICY_SAVE_INTERVAL = 1000;
    /**
     * Steps between explicit collections. ND4J frees an array's native buffer only once its small Java object is
     * collected; a step leaves ~12 MB of native garbage (the recorded chain, batches) but little heap garbage, so
     * without this the JVM saw no reason to collect and a run's resident memory grew to 16 GB by step 1,400.
     */
    public static final int NATIVE_GC_INTERVAL = 10;

    /**
     * Whether the block of {@code blockSteps} training steps that ended at {@code step} passed a multiple of
     * {@code interval}. Checkpoints and policy snapshots use it, so that an interval that is not a multiple of
     * {@code fused_train_steps} still saves once per interval (at the end of that block) rather than only at the
     * common multiples. (IBC's eval and eval-loss intervals keep its own {@code step % interval == 0} test.)
     */
    static boolean reached(long step, long blockSteps, long interval) {
        return step / interval > Math.max(0, step - blockSteps) / interval;
    }
    private static final ThreadLocal<Options> OPTIONS = ThreadLocal.withInitial(Options::defaults);

    private TrainEval() {}

    /**
     * What IBC reads from absl FLAGS inside train_eval, plus ibc4j's own run controls.
     *
     * @param video              write one rollout GIF after each eval ({@code --video})
     * @param checkpointInterval steps between checkpoints (tf-agents' Learner: 5000 in IBC; ibc4j 1000)
     * @param rootDirOverride    use exactly this run dir (resume), ignoring root_dir/tag/add_time
     * @param progress           a progress bar on stderr (else a log line per fused block)
     * @param stopAfter          stop (after checkpointing) once this many steps ran in this process; 0: never
     * @param invocation         written into a new run dir as {@link RunInvocation#FILE}; null for none
     */
    public record Options(boolean video, int checkpointInterval, Path rootDirOverride, boolean progress,
                          long stopAfter, RunInvocation invocation) {
        public static Options defaults() {
            return new Options(false, 1000, null, false, 0, null);
        }
    }

    /** Runs {@code body} with {@code options} visible to {@link #trainEval} on this thread. */
    public static <T> T withOptions(Options options, java.util.function.Supplier<T> body) {
        Options before = OPTIONS.get();
        OPTIONS.set(options);
        try {
            return body.get();
        } finally {
            OPTIONS.set(before);
        }
    }

    /** How a run ended. */
    public record Result(Path rootDir, long step, boolean failed, String failure, List<EvalRecord> evals) {}

    /** One evaluation's metrics at a step. */
    public record EvalRecord(long step, Map<String, Float> metrics) {}

    /** IBC's train_eval, parameter for parameter. */
    @Configurable("train_eval")
    public static Result trainEval(
            @Param(value = "task", dflt = "None", doc = "e.g. ['PARTICLE'] (the --task flag)") Object task,
            @Param(value = "dataset_path", dflt = "None", doc = "comma-separated TFRecord globs") String datasetPath,
            @Param(value = "root_dir", dflt = "None", doc = "where runs go") String rootDir,
            @Param(value = "loss_type", dflt = "None", doc = "'ebm' ('mse', 'mdn': not here)") String lossType,
            @Param(value = "network", dflt = "None", doc = "'MLPEBM'") String network,
            @Positive @Param(value = "batch_size", dflt = "512", doc = "B") int batchSize,
            @Positive @Param(value = "num_iterations", dflt = "20000", doc = "training steps") int numIterations,
            @Positive @Param(value = "learning_rate", dflt = "0.001", doc = "Adam's initial rate") double learningRate,
            @Positive
            @Param(value = "decay_steps", dflt = "100", doc = "ExponentialDecay(lr, decay_steps, 0.99)") int decaySteps,
            @Positive @Param(value = "replay_capacity", dflt = "100000", doc = "shuffle buffer") int replayCapacity,
            @Positive
            @Param(value = "eval_interval", dflt = "1000", doc = "steps between evaluations") int evalInterval,
            @Positive @Param(value = "eval_loss_interval", dflt = "100", doc = "steps between validation losses")
            int evalLossInterval,
            @Positive @Param(value = "eval_episodes", dflt = "1", doc = "episodes per evaluation") int evalEpisodes,
            @Positive
            @Param(value = "fused_train_steps", dflt = "100", doc = "steps per block (summaries, eval checks)")
            int fusedTrainSteps,
            @Positive @Param(value = "sequence_length", dflt = "2", doc = "observation history T") int sequenceLength,
            @Param(value = "uniform_boundary_buffer", dflt = "0.05", doc = "sampling spec widening")
            double uniformBoundaryBuffer,
            @Param(value = "for_rnn", dflt = "False", doc = "only False") boolean forRnn,
            @Param(value = "flatten_action", dflt = "True", doc = "only True") boolean flattenAction,
            @Range(min = 0, max = 1, maxExclusive = true)
            @Param(value = "dataset_eval_fraction", dflt = "0.0", doc = "shards held out for validation loss")
            double datasetEvalFraction,
            @Param(value = "goal_tolerance", dflt = "0.02", doc = "block-pushing only") double goalTolerance,
            @Param(value = "tag", dflt = "None", doc = "appended to root_dir (the --tag flag)") String tag,
            @Param(value = "add_time", dflt = "False", doc = "append the start time (the --add_time flag)")
            boolean addTime,
            @Param(value = "seed", dflt = "0", doc = "tf.random.set_seed") int seed,
            @Param(value = "viz_img", dflt = "False", doc = "save eval episode images (--viz_img)") boolean vizImg,
            @Param(value = "skip_eval", dflt = "False", doc = "no evaluation (--skip_eval)") boolean skipEval,
            @Param(value = "num_envs", dflt = "1", doc = "only 1") int numEnvs,
            @Param(value = "shared_memory_eval", dflt = "False", doc = "only False") boolean sharedMemoryEval,
            @Param(value = "image_obs", dflt = "False", doc = "only False") boolean imageObs,
            @Param(value = "strategy", dflt = "None", doc = "tf.distribute strategy (ignored: one CPU/GPU)")
            Object strategy,
            @Param(value = "max_data_shards", dflt = "-1", doc = "-1: all shards") int maxDataShards,
            @Param(value = "use_warmup", dflt = "False", doc = "only False") boolean useWarmup) {
        List<String> tasks = Tasks.of(task);
        if (forRnn || !flattenAction || numEnvs != 1 || sharedMemoryEval || imageObs || useWarmup) {
            throw new UnsupportedOperationException("train_eval: for_rnn, flatten_action=False, num_envs>1, "
                    + "shared_memory_eval, image_obs and use_warmup are not supported (no IBC particle config sets "
                    + "them)");
        }
        if (!("ebm".equals(lossType) && "MLPEBM".equals(network))
                && !("mse".equals(lossType) && "MLPMSE".equals(network))) {
            throw new UnsupportedOperationException("train_eval.loss_type = " + pyRepr(lossType)
                    + " with train_eval.network = " + pyRepr(network) + " is not supported; ibc4j trains 'ebm' "
                    + "with 'MLPEBM' and 'mse' with 'MLPMSE' ('mdn' and the pixel networks are not ported)");
        }
        if (datasetPath == null) {
            throw new IllegalArgumentException("train_eval.dataset_path is not set: bind it, e.g. --gin_bindings="
                    + "\"train_eval.dataset_path='data/particle/2d_oracle_particle*.tfrecord'\"");
        }
        Options opt = OPTIONS.get();
        Path root = opt.rootDirOverride() != null ? opt.rootDirOverride() : runDir(rootDir, tag, addTime);
        boolean particle = tasks.contains("PARTICLE");
        if (!particle && !skipEval) {
            throw new UnsupportedOperationException("evaluating task " + tasks + " needs its simulator (block "
                    + "pushing: PyBullet; D4RL: MuJoCo), which ibc4j does not have; train with --skip_eval");
        }
        GinConfig gin = GinConfig.current();
        try {
            return new Run(gin, root, lossType, datasetPath, batchSize, numIterations, learningRate, decaySteps,
                    replayCapacity, evalInterval, evalLossInterval, evalEpisodes, fusedTrainSteps, sequenceLength,
                    uniformBoundaryBuffer, datasetEvalFraction, seed, vizImg, skipEval || !particle, maxDataShards,
                    opt).run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code root_dir}, then {@code /<tag>}, then {@code /<%Y%m%d-%H%M%S>}, as IBC joins them. */
    static Path runDir(String rootDir, String tag, boolean addTime) {
        if (rootDir == null) {
            throw new IllegalArgumentException("train_eval.root_dir is not set");
        }
        if (rootDir.isBlank()) {
            // Path.of("") is the working directory: train/, eval/ and checkpoints would land beside the caller's files.
            throw new IllegalArgumentException("train_eval.root_dir is empty; give a directory for the run");
        }
        Path p = Path.of(rootDir);
        if (tag != null && !tag.isEmpty()) {
            p = p.resolve(tag);
        }
        if (addTime) {
            p = p.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
        }
        return p;
    }

    static String describe(Object actNorm) {
        if (actNorm instanceof Normalizers.MinMax m) {
            return "min-max " + java.util.Arrays.toString(m.min()) + " .. " + java.util.Arrays.toString(m.max());
        }
        Normalizers.Std s = (Normalizers.Std) actNorm;
        return "z-score mean " + java.util.Arrays.toString(s.mean()) + " std " + java.util.Arrays.toString(s.std());
    }

    static String pyRepr(String s) {
        return s == null ? "None" : "'" + s + "'";
    }

    /** IBC's tasks ({@code ibc/ibc/tasks.py}); only PARTICLE can be evaluated here. */
    static final class Tasks {
        private Tasks() {}

        static List<String> of(Object task) {
            if (task == null) {
                throw new IllegalArgumentException("task argument must be set (--task=PARTICLE)");
            }
            List<String> out = new java.util.ArrayList<>();
            if (task instanceof List<?> l) {
                l.forEach(t -> out.add(String.valueOf(t)));
            } else if (task instanceof ibc4j.gin.Tuple t) {
                t.items().forEach(x -> out.add(String.valueOf(x)));
            } else {
                out.add(String.valueOf(task));
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("task argument must be set (--task=PARTICLE)");
            }
            return out;
        }
    }

    /** One run: everything train_eval builds, and its loop. */
    private static final class Run {
        private final GinConfig gin;
        private final Path root;
        private final String lossType;
        private final String datasetPath;
        private final int batchSize;
        private final int numIterations;
        private final ExponentialDecay schedule;
        private final int replayCapacity;
        private final int evalInterval;
        private final int evalLossInterval;
        private final int evalEpisodes;
        private final int fusedTrainSteps;
        private final int sequenceLength;
        private final double uniformBoundaryBuffer;
        private final double datasetEvalFraction;
        private final long seed;
        private final boolean vizImg;
        private final boolean skipEval;
        private final int maxDataShards;
        private final Options opt;

        Run(GinConfig gin, Path root, String lossType, String datasetPath, int batchSize, int numIterations, double learningRate,
            int decaySteps, int replayCapacity, int evalInterval, int evalLossInterval, int evalEpisodes,
            int fusedTrainSteps, int sequenceLength, double uniformBoundaryBuffer, double datasetEvalFraction,
            long seed, boolean vizImg, boolean skipEval, int maxDataShards, Options opt) {
            for (int[] v : new int[][] {{batchSize, 1}, {fusedTrainSteps, 1}, {evalInterval, 1},
                    {evalEpisodes, 1}, {replayCapacity, 1}, {decaySteps, 1}, {opt.checkpointInterval(), 1}}) {
                if (v[0] < v[1]) {
                    throw new IllegalArgumentException("train_eval: batch_size, fused_train_steps, eval_interval, "
                            + "eval_episodes, replay_capacity, decay_steps and the checkpoint interval must be "
                            + "positive; got " + v[0]);
                }
            }
            this.gin = gin;
            this.root = root;
            this.lossType = lossType;
            this.datasetPath = datasetPath;
            this.batchSize = batchSize;
            this.numIterations = numIterations;
            this.schedule = new ExponentialDecay((float) learningRate, decaySteps, 0.99f);
            this.replayCapacity = replayCapacity;
            this.evalInterval = evalInterval;
            this.evalLossInterval = evalLossInterval;
            this.evalEpisodes = evalEpisodes;
            this.fusedTrainSteps = fusedTrainSteps;
            this.sequenceLength = sequenceLength;
            this.uniformBoundaryBuffer = uniformBoundaryBuffer;
            this.datasetEvalFraction = datasetEvalFraction;
            this.seed = seed;
            this.vizImg = vizImg;
            this.skipEval = skipEval;
            this.maxDataShards = maxDataShards;
            this.opt = opt;
        }

        Result run() throws IOException {
            try (RunDirLock lock = RunDirLock.acquire(root)) {
                return runLocked();
            }
        }

        private Result runLocked() throws IOException {
            GlobalSeed.set(seed);
            LOG.info("run dir: {}", root.toAbsolutePath());
            TrajectoryDataset data = TrajectoryDataset.open(datasetPath, sequenceLength, datasetEvalFraction,
                    maxDataShards);
            int actionDim = data.actionSize();
            int obsDim = 0;
            for (String k : data.observationKeys()) {
                obsDim += data.observationSize(k) * sequenceLength;
            }
            ParticleEnv env = skipEval ? null : gin.make(ParticleEnv.class);
            if (env != null && !env.observationSpaceKeys().containsAll(data.observationKeys())) {
                throw new IllegalArgumentException("the dataset's observations " + data.observationKeys()
                        + " are not the env's " + env.observationSpaceKeys());
            }
            if (env != null && env.nDim() != actionDim) {
                throw new IllegalArgumentException("the dataset's actions have " + actionDim + " dimensions but "
                        + "ParticleEnv.n_dim = " + env.nDim() + " (bind ParticleEnv.n_dim = " + actionDim + ")");
            }
            CheckpointStore checkpoints = new CheckpointStore(root.resolve("train").resolve("checkpoints"), 3);
            CheckpointStore policies = new CheckpointStore(root.resolve("policies"), Integer.MAX_VALUE);
            Optional<CheckpointStore.Checkpoint> last = checkpoints.latest();

            GetNormalizers.NormalizationInfo norm;
            SamplingSpec sampling;
            TrainCheckpoint.State resumed = null;
            if (last.isPresent()) {
                resumed = TrainCheckpoint.fromCheckpoint(last.get(), schedule);
                if (resumed.seed() != seed) {
                    throw new IllegalArgumentException("resuming " + root + " (seed " + resumed.seed()
                            + ") with train_eval.seed = " + seed + ": the data order and noise would differ");
                }
                norm = resumed.norm();
                sampling = resumed.sampling();
                LOG.info("resuming from {} at step {}", checkpoints.list().get(checkpoints.list().size() - 1),
                        resumed.step());
            } else {
                Map<String, Object> args = new LinkedHashMap<>();
                args.put("train_data", data.shuffledTrainWindows(replayCapacity, GlobalSeed.derive("stats_data", 0)));
                args.put("batch_size", batchSize);
                args.put("env_name", "Particle-v0");
                norm = (GetNormalizers.NormalizationInfo) gin.call("get_normalizers", args);
                // The env's action spec: particle.py's Box(0, 1); without an env, the dataset's own range.
                float[] lo = new float[actionDim];
                float[] hi = new float[actionDim];
                java.util.Arrays.fill(lo, env != null ? 0f : Float.NEGATIVE_INFINITY);
                java.util.Arrays.fill(hi, env != null ? 1f : Float.POSITIVE_INFINITY);
                sampling = SamplingSpec.of(norm.minActions(), norm.maxActions(), lo, hi,
                        (float) uniformBoundaryBuffer, norm::normalizeActions);
            }
            LOG.info("action statistics: min {} max {}, act_norm {}", java.util.Arrays.toString(norm.minActions()),
                    java.util.Arrays.toString(norm.maxActions()), describe(norm.actNorm()));
            LOG.info("Using action_sampling_spec: [{}, {}] (normalized; data range buffered to {} .. {})",
                    sampling.normalizedMin(), sampling.normalizedMax(),
                    java.util.Arrays.toString(sampling.bufferedMin()), java.util.Arrays.toString(sampling.bufferedMax()));

            BcAgent agent = buildAgent(gin, lossType, obsDim, actionDim, env != null, norm, sampling,
                    resumed, schedule);
            long step = agent.trainStep();

            Files.writeString(root.resolve("operative-gin-config.txt"), gin.operativeConfigString());
            LOG.info("Saving operative-gin-config.");
            // Only now, with data, network and agent built, is this the run's config: a failed attempt leaves no
            // stored config behind, and each training process (it holds the lock) stores its own, atomically.
            // Every checkpoint also carries it, so a checkpoint and its config cannot disagree.
            if (opt.invocation() != null) {
                opt.invocation().write(root);
            }

            Loop loop = new Loop(this, root, data, norm, sampling, agent, checkpoints, policies, env);
            return loop.run(step);
        }
    }

    /** The training loop proper, with its writers. */
    private static final class Loop {
        private final Run r;
        private final Path root;
        private final TrajectoryDataset data;
        private final GetNormalizers.NormalizationInfo norm;
        private final SamplingSpec sampling;
        private final BcAgent agent;
        private final CheckpointStore checkpoints;
        private final CheckpointStore policies;
        private final ParticleEnv env;
        private final List<EvalRecord> evals = new java.util.ArrayList<>();

        Loop(Run r, Path root, TrajectoryDataset data, GetNormalizers.NormalizationInfo norm, SamplingSpec sampling,
             BcAgent agent, CheckpointStore checkpoints, CheckpointStore policies, ParticleEnv env) {
            this.r = r;
            this.root = root;
            this.data = data;
            this.norm = norm;
            this.sampling = sampling;
            this.agent = agent;
            this.checkpoints = checkpoints;
            this.policies = policies;
            this.env = env;
        }

        Result run(long startStep) throws IOException {
            Iterator<SequenceWindow> windows = data.shuffledTrainWindows(r.replayCapacity,
                    GlobalSeed.derive("train_data", 0));
            // Resuming: the stream is a function of the seed, so skip what the first steps consumed.
            for (long i = 0; i < startStep * r.batchSize; i++) {
                windows.next();
            }
            Iterator<Batch> batches = TrajectoryDataset.batches(windows, r.batchSize);
            Optional<Iterator<Batch>> evalBatches = data.evalBatches(r.replayCapacity, r.batchSize,
                    GlobalSeed.derive("eval_data", startStep));
            long step = startStep;
            if (step == 0) {
                savePolicy(0);
            }
            try (TensorBoardWriter trainTb = TensorBoardWriter.open(root.resolve("train"));
                 TensorBoardWriter evalTb = TensorBoardWriter.open(root.resolve("eval"));
                 TensorBoardWriter actorTb = r.skipEval ? null
                         : TensorBoardWriter.open(root.resolve("eval").resolve("Particle-v0"));
                 TrainProgress progress = new TrainProgress(r.opt.progress(), startStep, r.numIterations)) {
                long ranHere = 0;
                long blockStart = System.nanoTime();
                while (step < r.numIterations) {
                    BcAgent.Step ts = null;
                    for (int i = 0; i < r.fusedTrainSteps; i++) {
                        Batch b = batches.next();
                        try (NoiseSource.Scope s = NoiseSource.use(
                                NoiseSource.seeded(GlobalSeed.derive("train_step", step)))) {
                            ts = agent.train(observations(b), actions(b), NoiseSource.current());
                        } catch (NonFiniteException e) {
                            trainTb.flush();
                            String msg = "training stopped at step " + e.step() + ": " + e.getMessage()
                                    + "; the last good checkpoint is kept in " + checkpoints.list();
                            LOG.error(msg);
                            return new Result(root, step, true, msg, evals);
                        }
                        step = agent.trainStep();
                        ranHere++;
                        if (step % NATIVE_GC_INTERVAL == 0) {
                            System.gc(); // see NATIVE_GC_INTERVAL
                        }
                        progress.step(step, ts.totalLoss());
                    }
                    double secs = (System.nanoTime() - blockStart) / 1e9;
                    blockStart = System.nanoTime();
                    writeTrainSummaries(trainTb, step, ts, r.fusedTrainSteps / secs);
                    progress.block(step, ts.totalLoss(), r.fusedTrainSteps / secs);
                    if (evalBatches.isPresent() && step % r.evalLossInterval == 0) {
                        validationStep(trainTb, evalBatches.get().next(), step);
                    }
                    boolean stopping = r.opt.stopAfter() > 0 && ranHere >= r.opt.stopAfter();
                    if (reached(step, r.fusedTrainSteps, r.opt.checkpointInterval()) || step >= r.numIterations
                            || stopping) {
                        saveCheckpoint(step);
                    }
                    if (reached(step, r.fusedTrainSteps, POLICY_SAVE_INTERVAL)) {
                        savePolicy(step);
                    }
                    if (!r.skipEval && step % r.evalInterval == 0) {
                        progress.pause();
                        evaluate(step, actorTb, evalTb);
                        progress.resume();
                    }
                    trainTb.flush();
                    if (stopping) {
                        LOG.info("stopping after {} steps in this process, at step {} (checkpointed)", ranHere,
                                step);
                        break;
                    }
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // Disk full and the like: say where and when, and what is still there to resume from.
                String why = e instanceof java.io.UncheckedIOException u && u.getCause() != null
                        ? u.getCause().getMessage() : e.getMessage();
                throw new IOException("step " + step + ": writing into " + root + " failed: " + why
                        + "; checkpoints kept: " + checkpoints.list(), e);
            }
            writePlots();
            return new Result(root, step, false, null, evals);
        }

        private INDArray observations(Batch b) {
            Map<String, INDArray> obs = new LinkedHashMap<>();
            for (String k : b.observationSizes().keySet()) {
                obs.put(k, b.observationArray(k));
            }
            return Observations.flatten(Observations.normalize(obs, norm.obsNorm()));
        }

        private INDArray actions(Batch b) {
            return Nd4j.create(norm.normalizeActions(b.targets()), new long[] {b.batchSize(), b.actionSize()}, 'c');
        }

        private void writeTrainSummaries(TensorBoardWriter tb, long step, BcAgent.Step ts,
                                         double stepsPerSec) throws IOException {
            float loss = ts.totalLoss();
            tb.scalar("Losses/loss", step, loss);
            tb.scalar("Losses/total_loss", step, loss);
            for (Map.Entry<String, Float> e : ts.summaries().entrySet()) {
                tb.scalar(e.getKey(), step, e.getValue());
            }
            tb.scalar("reduced_loss", step, loss);
            tb.scalar("RunTime/train_steps_per_sec", step, stepsPerSec);
            tb.scalar("Learning/learning_rate", step, agent.optimizer().currentLearningRate());
        }

        /** {@code validation_step}: the loss on one held-out batch, no update ({@code Eval_Losses/}). */
        private void validationStep(TensorBoardWriter tb, Batch b, long step) throws IOException {
            if (!(agent instanceof ImplicitBCAgent ebm)) {
                return; // IBC's MSE agent has a get_eval_loss too; no particle config holds out shards
            }
            INDArray obs = observations(b);
            INDArray act = actions(b);
            try (NoiseSource.Scope s = NoiseSource.use(NoiseSource.seeded(GlobalSeed.derive("eval_loss", step)))) {
                ImplicitBCAgent.CounterExamples ce = ebm.makeCounterExampleActions(obs, act, NoiseSource.current());
                ImplicitBCAgent.Loss loss = ebm.evalLoss(obs, act, ce); // get_eval_loss: training=False
                for (Map.Entry<String, Float> e : loss.summaries().entrySet()) {
                    tb.scalar("Eval_Losses/" + e.getKey().replace("Losses/", ""), step, e.getValue());
                }
            }
        }

        private void evaluate(long step, TensorBoardWriter actorTb, TensorBoardWriter evalTb) throws IOException {
            LOG.info("Evaluating policy at step {}: {} episodes", step, r.evalEpisodes);
            long t0 = System.nanoTime();
            EvalActor.Result res = evalActor().evaluate(r.evalEpisodes, GlobalSeed.derive("eval_noise", step),
                    r.vizImg ? root.resolve("eval").resolve("Particle-v0") : null, n -> { });
            double secs = (System.nanoTime() - t0) / 1e9;
            for (Map.Entry<String, Float> e : res.metrics().entrySet()) {
                actorTb.scalar("Metrics/" + e.getKey(), step, e.getValue());
                evalTb.scalar("AggregatedMetrics/" + e.getKey(), step, e.getValue());
            }
            actorTb.flush();
            evalTb.flush();
            StringBuilder line = new StringBuilder();
            res.metrics().forEach((k, v) -> line.append("\n\t\t ").append(k).append(" = ").append(v));
            LOG.info("eval at step {} ({} s):{}", step, String.format(Locale.ROOT, "%.1f", secs), line);
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("step", step);
            record.put("seconds", secs);
            record.put("metrics", res.metrics());
            appendJsonLine(root.resolve("eval").resolve("metrics.jsonl"), record);
            evals.add(new EvalRecord(step, res.metrics()));
            if (r.opt.video()) {
                Path gif = evalActor().writeVideo(root, step, 42L, GlobalSeed.derive("video_noise", step));
                LOG.info("Wrote video for step {} to {}", step, gif);
            }
            writePlots();
        }

        private EvalActor evalActor() {
            BcPolicy policy = agent.policy();
            return new EvalActor(env, r.sequenceLength, policy::action);
        }

        private void writePlots() {
            try {
                TrainingPlots.write(root);
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not write plots: {}", e.getMessage());
            }
        }

        private TrainCheckpoint.State state(long step) {
            return new TrainCheckpoint.State(step, r.seed, agent.flatParams(), agent.networkState(),
                    agent.optimizer(), norm, sampling);
        }

        private void saveCheckpoint(long step) throws IOException {
            Path p = checkpoints.save(withInvocation(TrainCheckpoint.toCheckpoint(state(step), true)));
            LOG.info("checkpoint {}", p);
        }

        private void savePolicy(long step) throws IOException {
            policies.save(withInvocation(TrainCheckpoint.toCheckpoint(state(step), false)));
        }

        private CheckpointStore.Checkpoint withInvocation(CheckpointStore.Checkpoint c) {
            if (r.opt.invocation() == null) {
                return c;
            }
            Map<String, Object> meta = new LinkedHashMap<>(c.meta());
            meta.put(RunInvocation.META_KEY, r.opt.invocation().toMap());
            return new CheckpointStore.Checkpoint(c.step(), meta, c.arrays());
        }
    }

    /**
     * {@code get_cloning_network} + {@code get_agent}: the network through gin (its initial weights from
     * {@link GlobalSeed}), Keras Adam with ExponentialDecay, and ImplicitBCAgent or MseBehavioralCloningAgent;
     * restored from {@code resumed} when given.
     */
    static BcAgent buildAgent(GinConfig gin, String lossType, int obsDim, int actionDim, boolean hasEnv,
                              GetNormalizers.NormalizationInfo norm, SamplingSpec sampling,
                              TrainCheckpoint.State resumed, ExponentialDecay schedule) throws IOException {
        Object net = network(gin, lossType, obsDim, actionDim, norm);
        INDArray params = "ebm".equals(lossType) ? ((MLPEBM) net).graph().params() : ((MLPMSE) net).graph().params();
        KerasAdam adam = new KerasAdam(schedule, params.length());
        long step = 0;
        if (resumed != null) {
            TrainCheckpoint.loadInto(params, resumed.params());
            TrainCheckpoint.loadStateInto(networkState(net), resumed.networkState());
            adam = resumed.adam();
            step = resumed.step();
        }
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("time_step_spec", null);
        args.put("action_spec", hasEnv ? TensorSpec.bounded("action", 0f, 1f, actionDim) : null);
        args.put("action_sampling_spec", sampling);
        args.put("obs_norm_layer", norm.obsNorm());
        args.put("act_norm_layer", norm.actNorm());
        args.put("act_denorm_layer", norm.actNorm());
        args.put("cloning_network", net);
        args.put("optimizer", adam);
        args.put("train_step_counter", step);
        return "ebm".equals(lossType) ? gin.make(ImplicitBCAgent.class, args) : gin.make(MseAgent.class, args);
    }

    /** The evaluation policy of a saved step: the network rebuilt through gin, the saved weights loaded. */
    public static BcPolicy policyFor(GinConfig gin, String lossType, int obsDim, TrainCheckpoint.State s)
            throws IOException {
        int actionDim = s.norm().minActions().length;
        Object net = network(gin, lossType, obsDim, actionDim, s.norm());
        TensorSpec actionSpec = TensorSpec.bounded("action", 0f, 1f, actionDim);
        if ("ebm".equals(lossType)) {
            MLPEBM ebm = (MLPEBM) net;
            TrainCheckpoint.loadInto(ebm.graph().params(), s.params());
            TrainCheckpoint.loadStateInto(ebm.spectralNormState(), s.networkState());
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("time_step_spec", null);
            args.put("action_spec", actionSpec);
            args.put("action_sampling_spec", s.sampling());
            args.put("actor_network", ebm);
            args.put("obs_norm_layer", s.norm().obsNorm());
            args.put("act_denorm_layer", s.norm().actNorm());
            return gin.make(IbcPolicy.class, args);
        }
        MLPMSE mse = (MLPMSE) net;
        TrainCheckpoint.loadInto(mse.graph().params(), s.params());
        TrainCheckpoint.loadStateInto(Map.of(), s.networkState());
        return new MsePolicy(actionSpec, mse, s.norm().obsNorm());
    }

    private static Map<String, INDArray> networkState(Object net) {
        return net instanceof MLPEBM ebm ? ebm.spectralNormState() : Map.of();
    }

    private static Object network(GinConfig gin, String lossType, int obsDim, int actionDim,
                                  GetNormalizers.NormalizationInfo norm) {
        Map<String, Object> args = new LinkedHashMap<>();
        if ("ebm".equals(lossType)) {
            args.put("obs_spec", new MLPEBM.InputSpec(obsDim, actionDim));
            args.put("action_spec", null);
            return gin.call("MLPEBM", args);
        }
        if (!"mse".equals(lossType)) {
            throw new UnsupportedOperationException("train_eval.loss_type = " + pyRepr(lossType));
        }
        // MLPMSE draws its initial weights from ND4J's global generator (Keras: TF's global seed).
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(GlobalSeed.derive("MLPMSE", 0));
        args.put("obs_spec", obsDim);
        args.put("action_spec", actionDim);
        args.put("act_denorm_layer", norm.actNorm());
        return gin.call("MLPMSE", args);
    }

    /** Appends one JSON object as a line to {@code file} (an eval log: {@code metrics.jsonl}, {@code offline.jsonl}). */
    public static void appendJsonLine(Path file, Map<String, Object> line) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(line) + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }
}
