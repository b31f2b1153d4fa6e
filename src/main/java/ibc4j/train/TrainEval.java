package ibc4j.train;

import ibc4j.gin.Configurable;
import ibc4j.gin.GinConfig;
import ibc4j.gin.Param;
import ibc4j.gin.Positive;
import ibc4j.gin.Range;
import ibc4j.networks.MLPEBM;
import ibc4j.normalizers.Normalizers;
import ibc4j.optimizers.ExponentialDecay;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
     * Whether the block of {@code blockSteps} training steps that ended at {@code step} passed a multiple of
     * {@code interval}. Checkpoints and policy snapshots use it, so that an interval that is not a multiple of
     * {@code fused_train_steps} still saves once per interval (at the end of that block) rather than only at the
     * common multiples. (IBC's eval and eval-loss intervals keep its own {@code step % interval == 0} test.)
     */
    static boolean reached(long step, long blockSteps, long interval) {
        return step / interval > Math.max(0, step - blockSteps) / interval;
    }
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
     * @param bridge             how to start the env bridge for tasks other than PARTICLE ({@code --python},
     *                           {@code --ibc_root}); null when not given
     */
    public record Options(boolean video, int checkpointInterval, Path rootDirOverride, boolean progress,
                          long stopAfter, RunInvocation invocation, ibc4j.environments.bridge.BridgeOptions bridge) {
        public static Options defaults() {
            return new Options(false, 1000, null, false, 0, null, null);
        }
    }

    /** How a run ended. */
    public record Result(Path rootDir, long step, boolean failed, String failure, List<EvalRecord> evals) {}

    /** One evaluation's metrics at a step. */
    public record EvalRecord(long step, Map<String, Float> metrics) {}

    /**
     * IBC's train_eval, parameter for parameter, resolved once: gin calls this with the config's bindings and it
     * returns them checked and typed; {@link #run} then trains. (IBC's function trains as well; splitting the two
     * keeps the run's options explicit instead of smuggled through the gin call.)
     */
    @Configurable("train_eval")
    public static TrainEvalConfig trainEval(
            @Param(value = "task", dflt = "None", doc = "e.g. ['PARTICLE'] (the --task flag)") Object task,
            @Param(value = "dataset_path", dflt = "None", doc = "comma-separated TFRecord globs") String datasetPath,
            @Param(value = "root_dir", dflt = "None", doc = "where runs go") String rootDir,
            @Param(value = "loss_type", dflt = "None", doc = "'ebm', 'mse' or 'mdn'") String lossType,
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
            @Param(value = "image_obs", dflt = "False", doc = "True: pixel networks, Rgb env") boolean imageObs,
            @Param(value = "strategy", dflt = "None", doc = "tf.distribute strategy (ignored: one CPU/GPU)")
            Object strategy,
            @Param(value = "max_data_shards", dflt = "-1", doc = "-1: all shards") int maxDataShards,
            @Param(value = "use_warmup", dflt = "False", doc = "only False") boolean useWarmup) {
        List<String> tasks = Tasks.of(task);
        if (forRnn || !flattenAction || numEnvs != 1 || sharedMemoryEval || useWarmup) {
            throw new UnsupportedOperationException("train_eval: for_rnn, flatten_action=False, num_envs>1, "
                    + "shared_memory_eval and use_warmup are not supported (no IBC config sets them)");
        }
        AgentKind kind = AgentKinds.of(lossType, network); // refuses what ibc4j cannot train, before anything is read
        boolean pixels = kind instanceof PixelAgentKinds.ImageAgentKind;
        if (imageObs && !skipEval && tasks.contains("PARTICLE")) {
            // IBC's image_obs picks the env that renders images; the particle env has none (eval_env asserts it).
            throw new UnsupportedOperationException("train_eval.image_obs = True with task PARTICLE: the particle env "
                    + "renders no image observations (IBC's eval_env asserts the same); train with --skip_eval or "
                    + "evaluate a block task through the env bridge");
        }
        if (pixels != imageObs) {
            throw new IllegalArgumentException("train_eval.network = " + pyRepr(network) + " with "
                    + "train_eval.image_obs = " + (imageObs ? "True" : "False") + ": the pixel networks (PixelEBM, "
                    + "ConvMLPMSE, ConvMLPMDN) go with image_obs = True and the others with False, as in IBC's configs");
        }
        if (datasetPath == null) {
            throw new IllegalArgumentException("train_eval.dataset_path is not set: bind it, e.g. --gin_bindings="
                    + "\"train_eval.dataset_path='data/particle/2d_oracle_particle*.tfrecord'\"");
        }
        return new TrainEvalConfig(tasks, datasetPath, rootDir, lossType, network, batchSize, numIterations,
                learningRate, decaySteps, replayCapacity, evalInterval, evalLossInterval, evalEpisodes,
                fusedTrainSteps, sequenceLength, uniformBoundaryBuffer, datasetEvalFraction, tag, addTime, seed,
                vizImg, skipEval, maxDataShards, goalTolerance);
    }

    /**
     * Trains and evaluates as {@code cfg} says, with ibc4j's run {@code options}: in
     * {@link Options#rootDirOverride()} when set (resuming), else in {@code root_dir[/tag][/time]}. The agent, network
     * and normalizers are made through {@code gin}, so their bindings apply.
     */
    public static Result run(GinConfig gin, TrainEvalConfig cfg, Options options) {
        Path root = options.rootDirOverride() != null ? options.rootDirOverride()
                : runDir(cfg.rootDir(), cfg.tag(), cfg.addTime());
        boolean particle = cfg.tasks().contains("PARTICLE");
        if (!particle && !cfg.skipEval() && options.bridge() == null) {
            throw new UnsupportedOperationException("evaluating task " + cfg.tasks() + " runs IBC's own env in the "
                    + "env bridge: pass --ibc_root=<IBC checkout> and --python=<Python with python/requirements.txt> "
                    + "(docs/environments.md), or train with --skip_eval");
        }
        // Started before the data is read: a missing package or checkout stops the run before any training.
        try (BridgeEval bridge = particle || cfg.skipEval() ? null
                : BridgeEval.open(options.bridge(), cfg.tasks().get(0), cfg.sequenceLength(), cfg.goalTolerance(),
                        AgentKinds.of(cfg.lossType(), cfg.network()).readsImages())) {
            return new TrainRun(gin, cfg, options, root, bridge).run();
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

    /** Appends one JSON object as a line to {@code file} (an eval log: {@code metrics.jsonl}, {@code offline.jsonl}). */
    public static void appendJsonLine(Path file, Map<String, Object> line) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(line) + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }
}
