package ibc4j.cli;

import ibc4j.configurables.IbcConfigurables;
import ibc4j.gin.GinConfig;
import ibc4j.gin.GinException;
import ibc4j.train.RunInvocation;
import ibc4j.train.TrainEval;
import ibc4j.train.TrainEvalConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * {@code ibc4j train}: IBC's {@code ibc/train_eval.py} main, with its flags, e.g.
 * <pre>
 * ./ibc4j train --gin_file=configs/particle/mlp_ebm_langevin.gin --task=PARTICLE --tag=ibc_langevin \
 *     --add_time=True --gin_bindings="train_eval.dataset_path='data/particle/2d_oracle_particle*.tfrecord'" \
 *     --gin_bindings="ParticleEnv.n_dim=2"
 * </pre>
 * A run dir that has checkpoints resumes; {@code --resume=RUN_DIR} (ibc4j only) resumes a run started with
 * {@code --add_time}, from the config stored in it, with any new {@code --gin_bindings} after the stored ones.
 * Exit status: 0 done, 2 bad flags, config or data, 3 training stopped on a NaN/Inf (last good checkpoint kept).
 */
public final class TrainCommand {
    /** IBC_TASKS + D4RL_TASKS of {@code ibc/ibc/tasks.py}, the values IBC's {@code --task} enum accepts. */
    static final List<String> TASKS = List.of("REACH", "PUSH", "INSERT", "PARTICLE", "PUSH_DISCONTINUOUS",
            "PUSH_MULTIMODAL", "antmaze-large-diverse-v0", "antmaze-large-play-v0", "antmaze-medium-diverse-v0",
            "antmaze-medium-play-v0", "halfcheetah-expert-v0", "halfcheetah-medium-expert-v0",
            "halfcheetah-medium-replay-v0", "halfcheetah-medium-v0", "hopper-expert-v0", "hopper-medium-expert-v0",
            "hopper-medium-replay-v0", "hopper-medium-v0", "kitchen-complete-v0", "kitchen-mixed-v0",
            "kitchen-partial-v0", "walker2d-expert-v0", "walker2d-medium-expert-v0", "walker2d-medium-replay-v0",
            "walker2d-medium-v0", "pen-human-v0", "hammer-human-v0", "door-human-v0", "relocate-human-v0");

    private TrainCommand() {}

    private static Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("gin_file").hasArg()
                .desc("Paths to the gin-config files (repeatable; required unless --resume).").build());
        o.addOption(Option.builder().longOpt("gin_bindings").hasArg().desc("Gin binding parameters (repeatable).")
                .build());
        o.addOption(Option.builder().longOpt("task").hasArg().desc("Task, e.g. PARTICLE (repeatable).").build());
        o.addOption(Option.builder().longOpt("tag").hasArg().desc("Tag for the experiment. Appended to the root_dir.")
                .build());
        for (String[] b : new String[][] {
                {"add_time", "If True current time is added to the experiment path."},
                {"skip_eval", "If true the evals are skipped."},
                {"video", "If true, write out one rollout video (GIF) after eval."},
                {"viz_img", "Whether to save out imgs of what happened."},
                {"shared_memory_eval", "Not supported (IBC asserts it is False for PARTICLE)."},
                {"multi_gpu", "Not supported: ibc4j trains on one device."},
                {"alsologtostderr", "Accepted for IBC compatibility (ibc4j logs to stderr)."}}) {
            o.addOption(Option.builder().longOpt(b[0]).hasArg().optionalArg(true).argName("bool").desc(b[1]).build());
        }
        o.addOption(Option.builder().longOpt("device_type").hasArg().desc("gpu|tpu in IBC; ibc4j uses its ND4J "
                + "backend (CPU by default, CUDA with -Pcuda) and ignores this.").build());
        o.addOption(Option.builder().longOpt("resume").hasArg().argName("RUN_DIR")
                .desc("ibc4j: resume this run dir from its stored config.").build());
        o.addOption(Option.builder().longOpt("checkpoint_interval").hasArg()
                .desc("ibc4j: steps between checkpoints (default 1000).").build());
        o.addOption(Option.builder().longOpt("stop_after").hasArg()
                .desc("ibc4j: checkpoint and stop after this many steps in this process.").build());
        o.addOption(Option.builder().longOpt("progress").hasArg().argName("auto|bar|log")
                .desc("ibc4j: progress bar or log lines (default auto: a bar on a terminal).").build());
        o.addOption(Option.builder().longOpt("threads").hasArg().argName("N")
                .desc("ibc4j: threads of every pool (ND4J, OpenBLAS, the fused passes; OpenMP and oneDNN through "
                        + "OMP_NUM_THREADS, which the ./ibc4j launcher exports from it). Default: each pool's own.")
                .build());
        BridgeFlags.add(o);
        o.addOption(Option.builder().longOpt("help").desc("This help.").build());
        return o;
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl;
        try {
            cl = new DefaultParser(false).parse(options(), args);
            if (!cl.getArgList().isEmpty()) {
                throw new ParseException("unexpected argument(s) " + cl.getArgList());
            }
        } catch (ParseException e) {
            err.println("train: " + e.getMessage() + " (see ./ibc4j train --help)");
            return 2;
        }
        if (cl.hasOption("help")) {
            new HelpFormatter().printHelp(new java.io.PrintWriter(out, true), 110, "ibc4j train", null, options(),
                    2, 2, null, true);
            return 0;
        }
        if (cl.hasOption("threads")) {
            String v = cl.getOptionValue("threads");
            if (!v.strip().matches("[1-9][0-9]*")) {
                err.println("train: --threads: expected an integer >= 1, got '" + v + "' (see ./ibc4j train --help)");
                return 2;
            }
            int n = Integer.parseInt(v.strip());
            ibc4j.runtime.Threads.apply(n, System.getenv()).problems()
                    .forEach(p -> err.println("train: --threads " + n + ": " + p));
        }
        try {
            if (flag(cl, "shared_memory_eval")) {
                throw new IllegalArgumentException("--shared_memory_eval=True is not supported (IBC asserts it is "
                        + "False for PARTICLE)");
            }
            if (flag(cl, "multi_gpu")) {
                throw new IllegalArgumentException("--multi_gpu=True is not supported: ibc4j trains on one device");
            }
            List<String> bindings = list(cl.getOptionValues("gin_bindings"));
            RunInvocation inv;
            Path override = null;
            List<String> extra = List.of();
            if (cl.hasOption("resume")) {
                override = Path.of(cl.getOptionValue("resume"));
                inv = RunInvocation.read(override);
                extra = bindings;
            } else {
                if (!cl.hasOption("gin_file")) {
                    // IBC's train_eval.py parses its --gin_file configs first; without one nothing names a loss,
                    // network or dataset, so say what is missing rather than which binding it left unset.
                    throw new IllegalArgumentException("a gin config is required: pass --gin_file, e.g. "
                            + "--gin_file=configs/particle/mlp_ebm_langevin.gin (or --resume=RUN_DIR)");
                }
                List<String> tasks = list(cl.getOptionValues("task"));
                for (String t : tasks) {
                    if (!TASKS.contains(t)) {
                        throw new IllegalArgumentException("--task=" + t + " is not one of IBC's tasks: "
                                + TASKS);
                    }
                }
                inv = new RunInvocation(RunInvocation.read(list(cl.getOptionValues("gin_file")),
                        IbcConfigurables.registry().bundledConfigs()), bindings, tasks,
                        cl.getOptionValue("tag"), flag(cl, "add_time"), flag(cl, "skip_eval"), flag(cl, "viz_img"),
                        flag(cl, "video"));
            }
            GinConfig gin = inv.gin(IbcConfigurables.registry(), extra);
            String progress = cl.getOptionValue("progress", "auto");
            if (!Set.of("auto", "bar", "log").contains(progress)) {
                throw new IllegalArgumentException("--progress must be auto, bar or log, got " + progress);
            }
            boolean bar = progress.equals("bar") || (progress.equals("auto") && System.console() != null);
            TrainEval.Options opt = new TrainEval.Options(inv.video() || flag(cl, "video"),
                    positive(cl, "checkpoint_interval", 1000), override, bar, positive(cl, "stop_after", 0),
                    inv, BridgeFlags.options(cl, inv.task()));
            TrainEvalConfig cfg = (TrainEvalConfig) gin.call("train_eval", inv.trainEvalArgs());
            TrainEval.Result r = TrainEval.run(gin, cfg, opt);
            if (r.failed()) {
                err.println("train: " + r.failure());
                return 3;
            }
            out.println("run dir: " + r.rootDir() + " (step " + r.step() + ")");
            out.println("  TensorBoard: tensorboard --logdir " + r.rootDir());
            out.println("  plots:       " + r.rootDir().resolve("plots"));
            out.println("  checkpoints: " + r.rootDir().resolve("train").resolve("checkpoints"));
            Path videos = r.rootDir().resolve("videos").resolve("ttl=7d");
            if (java.nio.file.Files.isDirectory(videos)) {
                out.println("  rollout GIF: " + videos);
            }
            if (!r.evals().isEmpty()) {
                TrainEval.EvalRecord last = r.evals().get(r.evals().size() - 1);
                out.println("  last eval:   step " + last.step() + ", success rate "
                        + last.metrics().get("AverageSuccessMetric"));
            }
            return 0;
        } catch (GinException e) {
            err.println(e.getMessage());
            return 2;
        } catch (ibc4j.environments.bridge.BridgeException e) {
            err.println("train: " + e.getMessage());
            return 2;
        } catch (IOException | UncheckedIOException | IllegalArgumentException | UnsupportedOperationException e) {
            err.println("train: " + message(e));
            return 2;
        }
    }

    /** The message to print for bad input: an UncheckedIOException's cause speaks for itself (no class name). */
    static String message(Exception e) {
        return e instanceof UncheckedIOException && e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
    }

    /** absl's booleans: {@code --x}, {@code --x=True|False|true|false|1|0}. */
    static boolean flag(CommandLine cl, String name) {
        if (!cl.hasOption(name)) {
            return false;
        }
        String v = cl.getOptionValue(name);
        if (v == null) {
            return true;
        }
        switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "t", "yes":
                return true;
            case "false", "0", "f", "no":
                return false;
            default:
                throw new IllegalArgumentException("--" + name + " takes True or False, got '" + v + "'");
        }
    }

    private static int positive(CommandLine cl, String name, int dflt) {
        if (!cl.hasOption(name)) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(cl.getOptionValue(name));
            if (v < 1) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " takes a positive integer, got '"
                    + cl.getOptionValue(name) + "'");
        }
    }

    static List<String> list(String[] values) {
        return values == null ? List.of() : new ArrayList<>(Arrays.asList(values));
    }
}
