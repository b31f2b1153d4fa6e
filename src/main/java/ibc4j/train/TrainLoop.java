package ibc4j.train;

import ibc4j.agents.BcAgent;
import ibc4j.agents.BcPolicy;
import ibc4j.agents.ImplicitBCAgent;
import ibc4j.agents.NonFiniteException;
import ibc4j.agents.Observations;
import ibc4j.data.Batch;
import ibc4j.data.SequenceWindow;
import ibc4j.data.TrajectoryDataset;
import ibc4j.environments.bridge.BridgeException;
import ibc4j.environments.particle.ParticleEnv;
import ibc4j.normalizers.GetNormalizers;
import ibc4j.normalizers.ImageObservations;
import ibc4j.normalizers.SamplingSpec;
import ibc4j.runtime.NoiseSource;
import ibc4j.runtime.Seeds;
import ibc4j.runtime.StepMemory;
import java.io.IOException;
import java.nio.file.Path;
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
 * The loop of IBC's {@code train_eval}: {@code fused_train_steps} training steps per block, then summaries,
 * validation loss, checkpoints, policy snapshots and evaluation, as {@code ibc/train_eval.py} runs them.
 */
final class TrainLoop {
    private static final Logger LOG = LoggerFactory.getLogger(TrainLoop.class);
    private final TrainEvalConfig cfg;
    private final TrainEval.Options opt;
    private final Seeds seeds;
    private final Path root;
    private final TrajectoryDataset data;
    private final GetNormalizers.NormalizationInfo norm;
    private final SamplingSpec sampling;
    private final BcAgent agent;
    private final CheckpointStore checkpoints;
    private final CheckpointStore policies;
    private final ParticleEnv env;
    /** IBC's env through the bridge (tasks other than PARTICLE), else null. */
    private final BridgeEval bridge;
    private final List<TrainEval.EvalRecord> evals = new java.util.ArrayList<>();
    /** The observation keys IBC's convert_image_dtype scales (uint8 images). */
    private final java.util.Set<String> imageKeys;

    TrainLoop(TrainEvalConfig cfg, TrainEval.Options opt, Seeds seeds, Path root, TrajectoryDataset data,
              GetNormalizers.NormalizationInfo norm, SamplingSpec sampling, BcAgent agent,
              CheckpointStore checkpoints, CheckpointStore policies, ParticleEnv env, BridgeEval bridge,
              java.util.Set<String> imageKeys) {
        this.cfg = cfg;
        this.imageKeys = java.util.Set.copyOf(imageKeys);
        this.opt = opt;
        this.seeds = seeds;
        this.root = root;
        this.data = data;
        this.norm = norm;
        this.sampling = sampling;
        this.agent = agent;
        this.checkpoints = checkpoints;
        this.policies = policies;
        this.env = env;
        this.bridge = bridge;
    }

    TrainEval.Result run(long startStep) throws IOException {
        Iterator<SequenceWindow> windows = data.shuffledTrainWindows(cfg.replayCapacity(),
                seeds.derive("train_data", 0));
        // Resuming: the stream is a function of the seed, so skip what the first steps consumed.
        for (long i = 0; i < startStep * cfg.batchSize(); i++) {
            windows.next();
        }
        Iterator<Batch> batches = TrajectoryDataset.batches(windows, cfg.batchSize());
        Optional<Iterator<Batch>> evalBatches = data.evalBatches(cfg.replayCapacity(), cfg.batchSize(),
                seeds.derive("eval_data", startStep));
        long step = startStep;
        if (step == 0) {
            savePolicy(0);
        }
        try (TensorBoardWriter trainTb = TensorBoardWriter.open(root.resolve("train"));
             TensorBoardWriter evalTb = TensorBoardWriter.open(root.resolve("eval"));
             TensorBoardWriter actorTb = cfg.skipEval() ? null
                     : TensorBoardWriter.open(root.resolve("eval").resolve(
                         bridge != null ? bridge.envName() : "Particle-v0"));
             TrainProgress progress = new TrainProgress(opt.progress(), startStep, cfg.numIterations())) {
            long ranHere = 0;
            long blockStart = System.nanoTime();
            while (step < cfg.numIterations()) {
                BcAgent.Step ts = null;
                for (int i = 0; i < cfg.fusedTrainSteps(); i++) {
                    Batch b = batches.next();
                    // The step's arrays live in one reused block; only its numbers leave it.
                    try (StepMemory mem = StepMemory.open("train_step")) {
                        ts = StepNumbers.of(agent.train(normalizedObservations(b), actions(b),
                                NoiseSource.seeded(seeds.derive("train_step", step))));
                    } catch (NonFiniteException e) {
                        trainTb.flush();
                        List<java.nio.file.Path> kept = checkpoints.list();
                        String msg = "training stopped at step " + e.step() + ": " + e.getMessage()
                                + (kept.isEmpty() ? "; no checkpoint was written before it"
                                        : "; the last good checkpoint is kept: " + kept.get(kept.size() - 1));
                        LOG.error(msg);
                        return new TrainEval.Result(root, step, true, msg, evals);
                    }
                    step = agent.trainStep();
                    ranHere++;
                    progress.step(step, ts.totalLoss());
                }
                double secs = (System.nanoTime() - blockStart) / 1e9;
                blockStart = System.nanoTime();
                writeTrainSummaries(trainTb, step, ts, cfg.fusedTrainSteps() / secs);
                progress.block(step, ts.totalLoss(), cfg.fusedTrainSteps() / secs);
                if (evalBatches.isPresent() && step % cfg.evalLossInterval() == 0) {
                    try (StepMemory mem = StepMemory.open("validation_step")) {
                        validationStep(trainTb, evalBatches.get().next(), step);
                    }
                }
                boolean stopping = opt.stopAfter() > 0 && ranHere >= opt.stopAfter();
                if (TrainEval.reached(step, cfg.fusedTrainSteps(), opt.checkpointInterval()) || step >= cfg.numIterations()
                        || stopping) {
                    saveCheckpoint(step);
                }
                if (TrainEval.reached(step, cfg.fusedTrainSteps(), TrainEval.POLICY_SAVE_INTERVAL)) {
                    savePolicy(step);
                }
                if (!cfg.skipEval() && step % cfg.evalInterval() == 0) {
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
        return new TrainEval.Result(root, step, false, null, evals);
    }

    /** What a training step reports, as plain numbers that outlive the step's arrays. */
    private record StepNumbers(long step, float totalLoss, Map<String, Float> summaries) implements BcAgent.Step {
        static StepNumbers of(BcAgent.Step s) {
            return new StepNumbers(s.step(), s.totalLoss(), java.util.Collections.unmodifiableMap(new LinkedHashMap<>(s.summaries())));
        }
    }

    private INDArray observations(Batch b) {
        return Observations.flatten(normalizedObservations(b));
    }

    /** IBC's norm_train_data_fn: uint8 image keys converted to [0, 1], then obs_norm_layer per key. */
    private Map<String, INDArray> normalizedObservations(Batch b) {
        Map<String, INDArray> obs = new LinkedHashMap<>();
        for (String k : b.observationSizes().keySet()) {
            INDArray v = b.observationArray(k);
            obs.put(k, imageKeys.contains(k) ? v.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT)
                    .mul(ImageObservations.UINT8_SCALE) : v);
        }
        return Observations.normalize(obs, norm.obsNorm());
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
        NoiseSource noise = NoiseSource.seeded(seeds.derive("eval_loss", step));
        ImplicitBCAgent.CounterExamples ce = ebm.makeCounterExampleActions(obs, act, noise);
        ImplicitBCAgent.Loss loss = ebm.evalLoss(obs, act, ce); // get_eval_loss: training=False
        for (Map.Entry<String, Float> e : loss.summaries().entrySet()) {
            tb.scalar("Eval_Losses/" + e.getKey().replace("Losses/", ""), step, e.getValue());
        }
    }

    private void evaluate(long step, TensorBoardWriter actorTb, TensorBoardWriter evalTb) throws IOException {
        LOG.info("Evaluating policy at step {}: {} episodes", step, cfg.evalEpisodes());
        long t0 = System.nanoTime();
        EvalActor.Result res;
        if (bridge != null) {
            try {
                res = bridge.evaluate(agent.policy()::action, norm.obsNorm().keySet(), cfg.evalEpisodes(),
                        seeds.derive("eval_noise", step), n -> { });
            } catch (BridgeException e) {
                // A crashed or hung env fails this eval only; the next one gets a fresh server.
                LOG.warn("eval at step {} failed, training goes on: {}", step, e.getMessage());
                TrainEval.appendJsonLine(root.resolve("eval").resolve("metrics.jsonl"),
                        new LinkedHashMap<>(Map.of("step", step, "failed", e.getMessage())));
                return;
            }
        } else {
            res = evalActor().evaluate(cfg.evalEpisodes(), seeds.derive("eval_noise", step),
                    cfg.vizImg() ? root.resolve("eval").resolve("Particle-v0") : null, n -> { });
        }
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
        TrainEval.appendJsonLine(root.resolve("eval").resolve("metrics.jsonl"), record);
        evals.add(new TrainEval.EvalRecord(step, res.metrics()));
        if (opt.video()) {
            try {
                Path gif = bridge != null
                        ? bridge.writeVideo(agent.policy()::action, norm.obsNorm().keySet(), root, step, 42L,
                                seeds.derive("video_noise", step))
                        : evalActor().writeVideo(root, step, 42L, seeds.derive("video_noise", step));
                LOG.info("Wrote video for step {} to {}", step, gif);
            } catch (BridgeException e) {
                LOG.warn("video at step {} failed, training goes on: {}", step, e.getMessage());
            }
        }
        writePlots();
    }

    private EvalActor evalActor() {
        BcPolicy policy = agent.policy();
        return new EvalActor(env, cfg.sequenceLength(), policy::action);
    }

    private void writePlots() {
        try {
            TrainingPlots.write(root);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not write plots: {}", e.getMessage());
        }
    }

    private TrainCheckpoint.State state(long step) {
        return new TrainCheckpoint.State(step, cfg.seed(), agent.flatParams(), agent.networkState(),
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
        if (opt.invocation() == null) {
            return c;
        }
        Map<String, Object> meta = new LinkedHashMap<>(c.meta());
        meta.put(RunInvocation.META_KEY, opt.invocation().toMap());
        return new CheckpointStore.Checkpoint(c.step(), meta, c.arrays());
    }
}
