package ibc4j.cli;

import java.util.Arrays;

/**
 * The {@code ibc4j} command line: {@code gin parse|bind}, {@code describe}, {@code parity}, ... Each subcommand
 * is a small class with a {@code run} method; this class only dispatches and maps failures to exit codes.
 */
public final class Main {
    private static final String USAGE = String.join("\n",
            "usage: ibc4j <command> [args]",
            "  gin parse [--json] FILE...        parse gin files as gin-config does",
            "  gin bind --gin_file F [--gin_bindings B]...   bind without running; print the operative config",
            "  describe NAME                     a configurable's parameters, defaults, and status",
            "  parity [--golden DIR] [--format md|json|html] [--out FILE]   checklist report against TF goldens",
            "  bench langevin|train-step|inference|gemm [--family particle|push|d4rl] [--repeats N] [--json FILE]",
            "                                    speed vs GEMM floor, at a config family's shapes",
            "  bench compare --tf-json FILE [--repeats N] [--json FILE]   ibc4j beside TF IBC (bench_tf.py)",
            "  collect --dataset_path=F [--num_episodes=N --replicas=R ...]   IBC's oracle data collection",
            "  train --gin_file=F --task=PARTICLE [--tag T --add_time --gin_bindings B ...]   IBC's train_eval",
            "  eval --root_dir=RUN [--step N] [--eval_episodes N] [--video] [--viz_img]   evaluate a run's policy",
            "  export-policy --root_dir=RUN --out=F [--step N] [--noise_seed S]   a saved policy as a DL4J model",
            "  synth-data --spec F.spec --out DIR [--episodes N --seed S ...]   small learnable records of a spec",
            "  quickstart [RUN_DIR]              collect 2-D particle demos, train, evaluate (a few minutes)",
            "  sweep --sweep_root D --gin_file F --grid NAME=V1,V2 --seeds 0,1   a grid of runs on Apache Spark",
            "                                    (handled by the ./ibc4j launcher; docs/sweeps.md)",
            "  sweep-summary --summary ROOT --summary ROOT2 --out DIR   one table and plot from several sweeps",
            "                                    (handled by the ./ibc4j launcher; docs/sweeps.md)",
            "  test                              run the test suite (handled by the ./ibc4j launcher)");

    private Main() {}

    public static void main(String[] args) {
        System.exit(runGuarded(args));
    }

    /**
     * {@link #run}, with the JVM's resource errors turned into one line: a config or dataset too large for the
     * heap, or a structure too deep for the stack, is the user's input, not a bug to show as a stack trace.
     */
    static int runGuarded(String[] args) {
        return guarded(args.length > 0 ? args[0] : "", System.err, () -> run(args));
    }

    /**
     * {@code body}'s exit code, or a one-line message on {@code err} for an error of the JVM that is not a bug of
     * the command: a heap too small for the input, a stack too small for its nesting, or a class that can no longer
     * be loaded because the jar was rewritten in place while the command ran.
     */
    static int guarded(String command, java.io.PrintStream err, java.util.function.IntSupplier body) {
        try {
            return body.getAsInt();
        } catch (OutOfMemoryError e) {
            err.println("ibc4j " + command + ": out of Java heap (" + e.getMessage() + ", max heap "
                    + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB): the input is too large for this heap; "
                    + "raise it with IBC4J_JAVA_OPTS=-Xmx<size>");
            return 3;
        } catch (StackOverflowError e) {
            err.println("ibc4j " + command + ": input nested too deeply for the thread stack; raise it with "
                    + "IBC4J_JAVA_OPTS=-Xss<size>");
            return 3;
        } catch (NoClassDefFoundError e) {
            err.println("ibc4j " + command + ": class " + e.getMessage() + " could not be loaded: the jar this "
                    + "command started from was rewritten while it ran (e.g. by `mvn package` in the checkout; the "
                    + "./ibc4j launcher replaces it instead). Run the command again; train resumes from its newest "
                    + "checkpoint");
            return 3;
        }
    }

    static int run(String[] args) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            System.out.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "gin":
                return gin(rest);
            case "parity":
                return ParityCommand.run(rest);
            case "describe":
                return DescribeCommand.run(rest);
            case "bench":
                return BenchCommand.run(rest);
            case "collect":
                return CollectCommand.run(rest);
            case "train":
                return TrainCommand.run(rest, System.out, System.err);
            case "eval":
                return EvalCommand.run(rest, System.out, System.err);
            case "export-policy":
                return ExportPolicyCommand.run(rest, System.out, System.err);
            case "synth-data":
                return SynthDataCommand.run(rest, System.out, System.err);
            case "quickstart":
                return QuickstartCommand.run(rest, System.out, System.err);
            case "sweep":
                // The Spark layer is not in this jar, so that the core never carries Spark.
                System.err.println("ibc4j sweep runs on Apache Spark from target/ibc4j-spark.jar: use the ./ibc4j "
                        + "launcher, or spark-submit (docs/sweeps.md)");
                return 2;
            case "sweep-summary":
                // Lives in the sweep layer, above this one (naming its class here would tie cli to sweep); the
                // launcher starts its own main class.
                System.err.println("ibc4j sweep-summary: use the ./ibc4j launcher (docs/sweeps.md)");
                return 2;
            default:
                System.err.println("ibc4j: unknown command '" + args[0] + "'\n" + USAGE);
                return 2;
        }
    }

    /**
     * Whether {@code args} ask for a command's help. Checked before parsing, so that {@code --help} works on
     * commands with required options and never reaches a positional argument (a run dir named "--help").
     */
    public static boolean asksForHelp(String[] args) {
        return Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h");
    }

    private static int gin(String[] args) {
        if (args.length > 0 && args[0].equals("parse")) {
            return GinParseCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err);
        }
        if (args.length > 0 && args[0].equals("bind")) {
            return GinBindCommand.run(Arrays.copyOfRange(args, 1, args.length));
        }
        boolean help = asksForHelp(args);
        (help ? System.out : System.err).println(GinParseCommand.USAGE + "   check .gin files parse\n"
                + "usage: ibc4j gin bind --gin_file FILE [--gin_bindings B]...   bind them, print the operative config");
        return help ? 0 : 2;
    }
}
