package ibc4j.cli;

import ibc4j.agents.BcPolicy;
import ibc4j.configurables.IbcConfigurables;
import ibc4j.environments.particle.ParticleEnv;
import ibc4j.gin.GinConfig;
import ibc4j.gin.GinException;
import ibc4j.optimizers.ExponentialDecay;
import ibc4j.runtime.Seeds;
import ibc4j.train.AgentKind;
import ibc4j.train.AgentKinds;
import ibc4j.train.CheckpointStore;
import ibc4j.train.EvalActor;
import ibc4j.train.RunInvocation;
import ibc4j.train.TrainCheckpoint;
import ibc4j.train.TrainEval;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * {@code ibc4j eval --root_dir=RUN}: evaluates a run's policy, as IBC's {@code evaluation_step} does, on any saved
 * step: {@code policies/policy-<step>.zip} (every 1000 steps) or a training checkpoint. It rebuilds the network
 * and policy from the run's stored config ({@code ibc4j-run.json}); the metrics are printed and appended to
 * {@code eval/offline.jsonl}.
 */
public final class EvalCommand {
    private EvalCommand() {}

    private static Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("root_dir").hasArg().required().desc("The run dir.").build());
        o.addOption(Option.builder().longOpt("step").hasArg().desc("Step to evaluate (default: the newest).").build());
        o.addOption(Option.builder().longOpt("eval_episodes").hasArg()
                .desc("Episodes, on seeds 0..N-1 (default: the run's train_eval.eval_episodes).").build());
        o.addOption(Option.builder().longOpt("gin_bindings").hasArg()
                .desc("Extra gin bindings after the run's (repeatable), e.g. IbcPolicy.num_action_samples=1024.")
                .build());
        o.addOption(Option.builder().longOpt("video").hasArg().optionalArg(true).desc("Write one rollout GIF.")
                .build());
        o.addOption(Option.builder().longOpt("viz_img").hasArg().optionalArg(true)
                .desc("Save each episode's images.").build());
        BridgeFlags.add(o);
        o.addOption(Option.builder().longOpt("help").desc("This help.").build());
        return o;
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (Main.asksForHelp(args)) {
            new HelpFormatter().printHelp(new java.io.PrintWriter(out, true), 110, "ibc4j eval", null, options(), 2,
                    2, null, true);
            return 0;
        }
        CommandLine cl;
        try {
            cl = new DefaultParser(false).parse(options(), args);
        } catch (ParseException e) {
            err.println("eval: " + e.getMessage() + " (see ./ibc4j eval --help)");
            return 2;
        }
        try {
            Path root = Path.of(cl.getOptionValue("root_dir"));
            if (!Files.isDirectory(root)) {
                throw new IOException("run dir " + root + " does not exist");
            }
            Path file = pick(root, cl.getOptionValue("step"));
            CheckpointStore.Checkpoint ckpt = CheckpointStore.load(file);
            // The config that trained this very checkpoint; ibc4j-run.json only for checkpoints older than that.
            RunInvocation inv = RunInvocation.fromCheckpointMeta(ckpt.meta()).orElse(null);
            if (inv == null) {
                inv = RunInvocation.read(root);
            }
            boolean particle = inv.task().contains("PARTICLE");
            ibc4j.environments.bridge.BridgeOptions bridgeOptions = BridgeFlags.options(cl, inv.task());
            if (!particle && bridgeOptions == null) {
                throw new IllegalArgumentException("evaluating task " + inv.task() + " runs IBC's own env in the env "
                        + "bridge: pass --ibc_root=<IBC checkout> and --python=<Python with python/requirements.txt>"
                        + " (docs/environments.md)");
            }
            GinConfig gin = inv.gin(IbcConfigurables.registry(), TrainCommand.list(cl.getOptionValues("gin_bindings")));
            TrainCheckpoint.State s = TrainCheckpoint.fromCheckpoint(ckpt, new ExponentialDecay(1e-3f, 100, 0.99f));
            Seeds seeds = new Seeds(s.seed());
            int episodes = cl.hasOption("eval_episodes") ? positiveInt(cl, "eval_episodes")
                    : intBinding(gin, "train_eval", "eval_episodes", 1);
            int seqLen = intBinding(gin, "train_eval", "sequence_length", 2);
            int obsDim = 0;
            for (ibc4j.normalizers.Normalizers.Std n : s.norm().obsNorm().values()) {
                obsDim += n.mean().length * seqLen;
            }
            AgentKind kind = AgentKinds.of(String.valueOf(gin.queryParameter("train_eval.loss_type")),
                    String.valueOf(gin.queryParameter("train_eval.network")));
            if (!particle) {
                return evalInBridge(cl, gin, bridgeOptions, inv.task().get(0), kind, obsDim, seqLen, episodes, s,
                        seeds, root, file, out, err);
            }
            BcPolicy policy = kind.policy(gin, obsDim, s);
            ParticleEnv env = gin.make(ParticleEnv.class);
            EvalActor actor = new EvalActor(env, seqLen, policy::action);
            boolean vizImg = TrainCommand.flag(cl, "viz_img");
            Path imgDir = root.resolve("eval").resolve("offline-step-" + s.step());
            if (vizImg) {
                Files.createDirectories(imgDir);
            }
            long t0 = System.nanoTime();
            EvalActor.Result r = actor.evaluate(episodes, seeds.derive("eval_noise", s.step()),
                    vizImg ? imgDir : null, progress(err, episodes));
            endProgress(err);
            double secs = (System.nanoTime() - t0) / 1e9;
            out.println("step " + s.step() + " (" + file.getFileName() + "), " + episodes + " episodes, "
                    + String.format(Locale.ROOT, "%.1f s", secs));
            r.metrics().forEach((k, v) -> out.println("  " + k + " = " + v));
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("step", s.step());
            line.put("episodes", episodes);
            line.put("bindings", TrainCommand.list(cl.getOptionValues("gin_bindings")));
            line.put("seconds", secs);
            line.put("metrics", r.metrics());
            TrainEval.appendJsonLine(root.resolve("eval").resolve("offline.jsonl"), line);
            out.println("  plot: " + ibc4j.train.TrainingPlots.offlineSuccess(root));
            if (TrainCommand.flag(cl, "video")) {
                out.println("  video: " + actor.writeVideo(root, s.step(), 42L, seeds.derive("video_noise",
                        s.step())));
            }
            return 0;
        } catch (GinException e) {
            err.println(e.getMessage());
            return 2;
        } catch (ibc4j.environments.bridge.BridgeException e) {
            err.println("eval: " + e.getMessage());
            return e.isSetup() ? 2 : 1;
        } catch (IOException | UncheckedIOException | IllegalArgumentException | UnsupportedOperationException e) {
            err.println("eval: " + TrainCommand.message(e));
            return 2;
        }
    }

    /** Evaluation in IBC's own env through the bridge (block pushing): IBC's metrics, printed and logged. */
    private static int evalInBridge(CommandLine cl, GinConfig gin, ibc4j.environments.bridge.BridgeOptions options,
                                    String task, AgentKind kind, int obsDim, int seqLen, int episodes,
                                    TrainCheckpoint.State s, Seeds seeds, Path root, Path file, PrintStream out,
                                    PrintStream err) throws IOException {
        double goalTolerance = doubleBinding(gin, "train_eval", "goal_tolerance", 0.02);
        try (ibc4j.train.BridgeEval bridge = ibc4j.train.BridgeEval.open(options, task, seqLen, goalTolerance,
                kind.readsImages())) {
            BcPolicy policy = kind.readsImages()
                    ? kind.imagePolicy(gin, seqLen, bridge.observationSpec("rgb"), s, bridge.actionSpec())
                    : kind.policy(gin, obsDim, s, bridge.actionSpec());
            long t0 = System.nanoTime();
            EvalActor.Result r = bridge.evaluate(policy::action, s.norm().obsNorm().keySet(), episodes,
                    seeds.derive("eval_noise", s.step()), progress(err, episodes));
            endProgress(err);
            double secs = (System.nanoTime() - t0) / 1e9;
            out.println("step " + s.step() + " (" + file.getFileName() + "), " + episodes + " episodes in "
                    + bridge.envName() + ", " + String.format(Locale.ROOT, "%.1f s", secs));
            r.metrics().forEach((k, v) -> out.println("  " + k + " = " + v));
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("step", s.step());
            line.put("episodes", episodes);
            line.put("env", bridge.envName());
            line.put("bindings", TrainCommand.list(cl.getOptionValues("gin_bindings")));
            line.put("seconds", secs);
            line.put("metrics", r.metrics());
            TrainEval.appendJsonLine(root.resolve("eval").resolve("offline.jsonl"), line);
            if (TrainCommand.flag(cl, "video")) {
                out.println("  video: " + bridge.writeVideo(policy::action, s.norm().obsNorm().keySet(), root,
                        s.step(), 42L, seeds.derive("video_noise", s.step())));
            }
            return 0;
        }
    }

    private static double doubleBinding(GinConfig gin, String selector, String param, double dflt) {
        try {
            Object v = gin.queryParameter(selector + "." + param);
            return v instanceof Number n ? n.doubleValue() : dflt;
        } catch (RuntimeException unbound) {
            return dflt; // gin raises for an unbound parameter: IBC's default applies
        }
    }

    /** The policy snapshot or checkpoint for {@code step}, or the newest of either. */
    static Path pick(Path root, String step) throws IOException {
        List<Path> policies = new CheckpointStore(root.resolve("policies"), Integer.MAX_VALUE).list();
        List<Path> ckpts = new CheckpointStore(root.resolve("train").resolve("checkpoints"), 3).list();
        if (step != null) {
            for (List<Path> l : List.of(policies, ckpts)) {
                for (Path p : l) {
                    if (p.getFileName().toString().equals("ckpt-" + step + ".zip")) {
                        return p;
                    }
                }
            }
            throw new IOException(root + " has no saved policy or checkpoint at step " + step + "; it has "
                    + names(policies) + " in policies/ and " + names(ckpts) + " in train/checkpoints/");
        }
        Path best = null;
        long bestStep = -1;
        for (List<Path> l : List.of(policies, ckpts)) {
            for (Path p : l) {
                long st = CheckpointStore.stepOf(p);
                if (st > bestStep) {
                    bestStep = st;
                    best = p;
                }
            }
        }
        if (best == null) {
            throw new IOException(root + " has no saved policy or checkpoint yet");
        }
        return best;
    }

    /** An option that must be a positive integer, or an IllegalArgumentException naming the option and value. */
    static int positiveInt(CommandLine cl, String option) {
        String v = cl.getOptionValue(option);
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--" + option + "=" + v + ": expected a positive integer");
    }

    private static List<String> names(List<Path> l) {
        return l.stream().map(p -> p.getFileName().toString()).toList();
    }

    static int intBinding(GinConfig gin, String selector, String param, int dflt) {
        try {
            Object v = gin.queryParameter(selector + "." + param);
            return v instanceof Number n ? n.intValue() : dflt;
        } catch (RuntimeException unbound) {
            return dflt; // gin raises for an unbound parameter: IBC's default applies
        }
    }

    /**
     * Episode progress on stderr: rewritten in place on a terminal; one line per episode otherwise, so that a log
     * file does not hold all of them on one line.
     */
    private static java.util.function.IntConsumer progress(java.io.PrintStream err, int episodes) {
        return System.console() != null ? n -> err.print("\reval: episode " + n + "/" + episodes)
                : n -> err.println("eval: episode " + n + "/" + episodes);
    }

    private static void endProgress(java.io.PrintStream err) {
        if (System.console() != null) {
            err.println();
        }
    }
}
