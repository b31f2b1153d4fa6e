package ibc4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import ibc4j.bench.BenchFamily;
import ibc4j.bench.BenchRunner;
import ibc4j.bench.BenchShapes;
import ibc4j.bench.Comparison;
import ibc4j.bench.FamilySetup;
import ibc4j.bench.FamilyWorkloads;
import ibc4j.bench.MachineInfo;
import ibc4j.bench.Summary;
import ibc4j.bench.TfBench;
import ibc4j.bench.Workload;
import ibc4j.bench.Workloads;
import ibc4j.runtime.Threads;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * {@code ibc4j bench langevin|train-step|inference|gemm [--family F] [--warmup N] [--repeats N] [--json FILE]}: ms
 * per call (median/min/max), useful GFLOP/s, the GEMM floor measured in the same run and the ratio to it, peak RSS
 * and the machine. Shapes default to IBC's particle config ({@link BenchShapes#ibcParticle()}); {@code --family
 * push|d4rl} builds that config's agent from its gin file ({@link FamilySetup}); the shape options exist for quick
 * runs. Speed lives here only: no test asserts a time.
 *
 * <p>{@code ibc4j bench compare --tf-json FILE}: runs gemm and, for every family the file holds, langevin,
 * train-step (with phases) and inference in this process and prints one table against TF IBC's figures from
 * {@code golden/export/bench_tf.py} ({@link Comparison}).
 *
 * <p>Exit codes: 0 on success, 2 for a usage error (a missing or unusable tf-json included), 1 if the run or the
 * JSON write failed.
 */
public final class BenchCommand {
    static final int DEFAULT_WARMUP = 3;
    static final int DEFAULT_REPEATS = 10;

    private BenchCommand() {}

    /** The parsed command line. */
    record Args(String bench, int warmup, int repeats, Path json, boolean phases, BenchShapes shapes, Path tfJson,
                int trainSteps, BenchFamily family, List<String> familyBindings, Integer obsDim, Integer actionDim,
                FamilyWorkloads.Backward backward, Integer threads) {
        /** push and d4rl: the family's config with {@link #familyBindings} and the family's (or given) widths. */
        FamilySetup familySetup(BenchFamily f) {
            return FamilySetup.create(f, familyBindings, obsDim == null ? f.obsDim() : obsDim,
                    actionDim == null ? f.actionDim() : actionDim);
        }
    }

    /** Shape options and the gin parameter each binds for push and d4rl (their configs' own bindings otherwise). */
    static final Map<String, String> FAMILY_BINDINGS = Map.of("batch", "train_eval.batch_size",
            "counter-examples", "ImplicitBCAgent.num_counter_examples", "steps",
            "langevin_actions_given_obs.num_iterations", "width", "MLPEBM.width", "depth", "MLPEBM.depth",
            "samples", "IbcPolicy.num_action_samples");

    static final String COMPARE = "compare";
    /** Resident memory over a long training loop ({@link ibc4j.bench.MemoryBench}). */
    static final String MEMORY = "memory";

    static Options options() {
        Options o = new Options();
        o.addOption(intOpt("warmup", "N", "untimed calls first. Default " + DEFAULT_WARMUP + "."));
        o.addOption(intOpt("repeats", "N", "timed calls (each paired with a floor run). Default " + DEFAULT_REPEATS
                + "; use >= 10 for reported figures."));
        o.addOption(Option.builder().longOpt("json").hasArg().argName("FILE")
                .desc("also write the figures as one JSON object to FILE.").build());
        o.addOption(Option.builder().longOpt("family").hasArg().argName("NAME")
                .desc("the config family: particle (default; configs/particle/mlp_ebm_langevin.gin), push "
                        + "(configs/pushing_states/mlp_ebm.gin: width 128 × depth 16, 256 uniform counter examples, "
                        + "DFO over 16,384 samples; train-step and inference) or d4rl "
                        + "(configs/d4rl/mlp_ebm_langevin_best.gin on door-human-v0: width 512 × depth 8, spectral "
                        + "norm, Langevin). push and d4rl are built from their gin file; the shape options become "
                        + "its bindings.").build());
        o.addOption(Option.builder().longOpt("backward").hasArg().argName("HOW")
                .desc("train-step: the parameter gradient's pass: kernel (default; MLPEBM's kernel where the "
                        + "network allows), graph (the DL4J graph's backward) or ab (kernel, plus both alternated "
                        + "as parts).").build());
        o.addOption(Option.builder().longOpt("phases")
                .desc("train-step: time each phase inside the step (sampling, langevin, forward, loss, penalty, "
                        + "backward, optimizer).").build());
        BenchShapes d = BenchShapes.ibcParticle();
        o.addOption(intOpt("batch", "B", "examples per training batch. Default " + d.batch() + CONFIGS));
        o.addOption(intOpt("counter-examples", "n", "counter examples per example. Default " + d.counterExamples()
                + CONFIGS));
        o.addOption(intOpt("steps", "K", "Langevin steps. Default " + d.steps() + CONFIGS));
        o.addOption(intOpt("width", "W", "MLPEBM width. Default " + d.width() + CONFIGS));
        o.addOption(intOpt("obs-dim", "D", "observation width. Default " + d.obsDim() + CONFIGS));
        o.addOption(intOpt("action-dim", "A", "action width. Default " + d.actDim() + CONFIGS));
        o.addOption(intOpt("depth", "L", "push, d4rl: MLPEBM depth. Default the config's."));
        o.addOption(intOpt("samples", "N", "inference: action samples. Default " + d.inferenceSamples() + CONFIGS));
        o.addOption(intOpt("train-steps", "N", "memory: training steps; RSS is read at step N/2 and step N. "
                + "Default 1000."));
        o.addOption(Option.builder().longOpt("tf-json").hasArg().argName("FILE")
                .desc("compare: TF IBC's figures, written by golden/export/bench_tf.py --out FILE.").build());
        o.addOption(intOpt("threads", "N", "threads of every pool: ND4J, OpenBLAS and the fused passes here; "
                + "OpenMP (libnd4j, oneDNN) through OMP_NUM_THREADS, which the ./ibc4j launcher exports from it. "
                + "Default: each pool's own."));
        o.addOption(Option.builder("h").longOpt("help").desc("print this help.").build());
        return o;
    }

    /** Where the shape options' defaults come from for the other families. */
    private static final String CONFIGS = " (particle; push, d4rl: the config's).";

    private static Option intOpt(String name, String arg, String desc) {
        return Option.builder().longOpt(name).hasArg().argName(arg).desc(desc).build();
    }

    /** Parses {@code args}; throws ParseException (a usage error) with the reason. */
    static Args parse(String[] args) throws ParseException {
        CommandLine cl = new DefaultParser(false).parse(options(), args);
        List<String> rest = cl.getArgList();
        if (rest.size() != 1) {
            throw new ParseException(rest.isEmpty() ? "which benchmark? one of " + Workloads.NAMES + " or "
                    + COMPARE : "expected one benchmark, got " + rest);
        }
        String bench = rest.get(0);
        if (!Workloads.NAMES.contains(bench) && !bench.equals(COMPARE) && !bench.equals(MEMORY)) {
            throw new ParseException("unknown benchmark '" + bench + "'; expected one of " + Workloads.NAMES + ", "
                    + MEMORY + " or " + COMPARE);
        }
        Path tfJson = cl.hasOption("tf-json") ? Path.of(cl.getOptionValue("tf-json")) : null;
        if (bench.equals(COMPARE) && tfJson == null) {
            throw new ParseException("compare needs --tf-json FILE (written by golden/export/bench_tf.py --out FILE)");
        }
        if (!bench.equals(COMPARE) && tfJson != null) {
            throw new ParseException("--tf-json applies to compare only");
        }
        BenchShapes d = BenchShapes.ibcParticle();
        BenchShapes shapes;
        try {
            shapes = new BenchShapes(num(cl, "batch", d.batch(), 1), num(cl, "counter-examples", d.counterExamples(),
                    1), num(cl, "steps", d.steps(), 2), num(cl, "width", d.width(), 1), num(cl, "obs-dim", d.obsDim(),
                    1), num(cl, "action-dim", d.actDim(), 1), num(cl, "samples", d.inferenceSamples(), 1));
        } catch (IllegalArgumentException e) {
            throw new ParseException(e.getMessage());
        }
        BenchFamily family;
        FamilyWorkloads.Backward backward;
        try {
            family = BenchFamily.of(cl.getOptionValue("family", "particle"));
            backward = FamilyWorkloads.Backward.of(cl.getOptionValue("backward", "kernel"));
        } catch (IllegalArgumentException e) {
            throw new ParseException((cl.hasOption("family") && e.getMessage().contains("family") ? "--family: "
                    : "--backward: ") + e.getMessage());
        }
        if (bench.equals(COMPARE) && cl.hasOption("family")) {
            throw new ParseException("--family applies to one benchmark; compare times every family its --tf-json "
                    + "holds");
        }
        if (family != BenchFamily.PARTICLE && !family.figures().contains(bench)) {
            throw new ParseException("--family " + family.cliName() + " has " + String.join(", ", family.figures())
                    + ", not " + bench);
        }
        if (family == BenchFamily.PARTICLE && !bench.equals(COMPARE) && cl.hasOption("depth")) {
            throw new ParseException("--depth applies to --family push or d4rl (particle's MLPEBM is one block)");
        }
        List<String> bindings = new java.util.ArrayList<>();
        for (String opt : List.of("batch", "counter-examples", "steps", "width", "depth", "samples")) {
            if (cl.hasOption(opt)) {
                bindings.add(FAMILY_BINDINGS.get(opt) + " = " + num(cl, opt, 0, opt.equals("steps") ? 2 : 1));
            }
        }
        Integer obsDim = cl.hasOption("obs-dim") ? num(cl, "obs-dim", 0, 1) : null;
        Integer actionDim = cl.hasOption("action-dim") ? num(cl, "action-dim", 0, 1) : null;
        Path json = cl.hasOption("json") ? Path.of(cl.getOptionValue("json")) : null;
        return new Args(bench, num(cl, "warmup", DEFAULT_WARMUP, 0), num(cl, "repeats", DEFAULT_REPEATS, 1), json,
                cl.hasOption("phases") || bench.equals(COMPARE), shapes, tfJson, num(cl, "train-steps", 1000, 100),
                family, List.copyOf(bindings), obsDim, actionDim, backward,
                cl.hasOption("threads") ? num(cl, "threads", 0, 1) : null);
    }

    private static int num(CommandLine cl, String name, int dflt, int min) throws ParseException {
        if (!cl.hasOption(name)) {
            return dflt;
        }
        String v = cl.getOptionValue(name);
        int n;
        try {
            n = Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new ParseException("--" + name + ": expected an integer, got '" + v + "'");
        }
        if (n < min) {
            throw new ParseException("--" + name + ": must be >= " + min + ", got " + n);
        }
        return n;
    }

    public static int run(String[] args) {
        PrintStream stdout = System.out;
        PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        // ND4J logs its start-up banner to whatever System.out is: keep stdout for the report.
        System.setOut(System.err);
        try {
            return run(args, out, err);
        } finally {
            System.setOut(stdout);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Args a;
        try {
            if (Main.asksForHelp(args)) {
                usage(out);
                return 0;
            }
            a = parse(args);
        } catch (ParseException e) {
            err.println("bench: " + e.getMessage());
            usage(err);
            return 2;
        }
        Map<String, Object> threads = null;
        if (a.threads() != null) {
            Threads.Report t = Threads.apply(a.threads(), System.getenv());
            t.problems().forEach(p -> err.println("bench: --threads " + a.threads() + ": " + p));
            threads = t.pools();
            out.println("threads: " + threads);
        }
        if (a.bench().equals(COMPARE)) {
            return compare(a, out, err);
        }
        if (a.bench().equals(MEMORY)) {
            return memory(a, out, err);
        }
        if (a.phases() && !a.bench().equals("train-step")) {
            err.println("bench: --phases applies to train-step only; ignored");
        }
        if (a.backward() != FamilyWorkloads.Backward.KERNEL && !a.bench().equals("train-step")) {
            err.println("bench: --backward applies to train-step only; ignored");
        }
        if (a.repeats() < DEFAULT_REPEATS) {
            err.println("bench: " + a.repeats() + " repeats: fewer than " + DEFAULT_REPEATS
                    + ", fine for a smoke run, not for reported figures");
        }
        BenchRunner.Result r;
        try {
            Workload w = a.family() == BenchFamily.PARTICLE
                    ? Workloads.create(a.bench(), a.shapes(), a.phases(), a.backward())
                    : FamilyWorkloads.create(a.bench(), a.familySetup(a.family()), a.phases(), a.backward());
            r = BenchRunner.run(w, a.warmup(), a.repeats());
        } catch (RuntimeException e) {
            err.println("bench " + a.bench() + ": failed: " + e);
            return 1;
        }
        out.print(BenchRunner.format(r));
        if (a.json() != null) {
            try {
                Map<String, Object> j = r.toMap();
                if (threads != null) {
                    j.put("threads", threads);
                }
                writeJson(j, a.json());
            } catch (IOException e) {
                err.println("bench: cannot write " + a.json() + ": " + e.getMessage());
                return 1;
            }
            out.println("  json                   " + a.json());
        }
        return 0;
    }

    static int memory(Args a, PrintStream out, PrintStream err) {
        ibc4j.bench.MemoryBench.Result r;
        try {
            r = ibc4j.bench.MemoryBench.run(a.shapes(), a.trainSteps());
        } catch (RuntimeException e) {
            err.println("bench memory: failed: " + e.getMessage());
            return 1;
        }
        out.print(ibc4j.bench.MemoryBench.format(r));
        if (a.json() != null) {
            try {
                writeJson(r.toMap(), a.json());
            } catch (IOException e) {
                err.println("bench: cannot write " + a.json() + ": " + e.getMessage());
                return 1;
            }
            out.println("  json                   " + a.json());
        }
        return 0;
    }

    static void writeJson(BenchRunner.Result r, Path file) throws IOException {
        writeJson(r.toMap(), file);
    }

    static void writeJson(Map<String, Object> m, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), m);
    }

    /**
     * {@code bench compare}: reads and checks the tf-json first (exit 2 before anything is timed), then runs
     * ibc4j's benchmarks one after the other in this JVM, the sgemm first, then every figure of every family the
     * tf-json holds, and prints the table.
     */
    static int compare(Args a, PrintStream out, PrintStream err) {
        TfBench tf;
        try {
            tf = TfBench.read(a.tfJson());
        } catch (TfBench.FormatException e) {
            err.println("bench compare: " + e.getMessage());
            return 2;
        }
        if (Comparison.keys(tf).isEmpty()) {
            err.println("bench compare: " + a.tfJson() + " holds no figure to compare (bench_tf.py run with --only "
                    + "gemm?)");
            return 2;
        }
        List<String> mismatches = new java.util.ArrayList<>(tf.shapeMismatches(a.shapes()));
        Map<String, FamilySetup> setups = new LinkedHashMap<>();
        try {
            for (var fam : tf.families().values()) {
                FamilySetup s = a.familySetup(BenchFamily.of(fam.name()));
                setups.put(fam.name(), s);
                mismatches.addAll(fam.shapeMismatches(s.shape()));
            }
        } catch (RuntimeException e) {
            err.println("bench compare: cannot build a family's agent: " + e.getMessage());
            return 1;
        }
        if (!mismatches.isEmpty()) {
            err.println("bench compare: " + a.tfJson() + " timed other shapes than ibc4j would: "
                    + String.join("; ", mismatches));
            return 2;
        }
        if (a.repeats() < DEFAULT_REPEATS) {
            err.println("bench: " + a.repeats() + " repeats: fewer than " + DEFAULT_REPEATS
                    + ", fine for a smoke run, not for reported figures");
        }
        String loadStart = MachineInfo.loadAverage();
        Map<String, BenchRunner.Result> results = new LinkedHashMap<>();
        List<String> order = new java.util.ArrayList<>(List.of("gemm"));
        order.addAll(Comparison.keys(tf));
        for (String name : order) {
            // The sgemm is short: as many repeats as bench_tf.py gives TF's matmul.
            int repeats = name.equals("gemm") ? Math.max(a.repeats(), GEMM_MIN_REPEATS) : a.repeats();
            err.println("bench compare: timing " + name + " (" + a.warmup() + " warm-up, " + repeats + " repeats)");
            int slash = name.indexOf('/');
            boolean phases = name.endsWith("train-step");
            try {
                Workload w = slash < 0 ? Workloads.create(name, a.shapes(), phases, a.backward())
                        : FamilyWorkloads.create(name.substring(slash + 1), setups.get(name.substring(0, slash)),
                                phases, a.backward());
                results.put(name, BenchRunner.run(w, a.warmup(), repeats));
            } catch (RuntimeException e) {
                err.println("bench compare " + name + ": failed: " + e);
                return 1;
            }
        }
        Map<String, Object> machine = MachineInfo.detect();
        machine.remove("load_average");
        machine.put("load_average_start", loadStart);
        machine.put("load_average_end", MachineInfo.loadAverage());
        Map<String, Summary> ms = new LinkedHashMap<>();
        results.forEach((k, r) -> ms.put(k, r.callMs()));
        Comparison c = Comparison.of(ms, a.shapes(), machine, tf);
        out.print(c.format());
        results.forEach((k, r) -> {
            if (k.endsWith("train-step")) {
                out.print(phases(k, r));
            }
        });
        if (a.json() != null) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("comparison", c.toMap());
            Map<String, Object> runs = new LinkedHashMap<>();
            results.forEach((k, r) -> runs.put(k, r.toMap()));
            j.put("ibc4j", runs);
            try {
                writeJson(j, a.json());
            } catch (IOException e) {
                err.println("bench: cannot write " + a.json() + ": " + e.getMessage());
                return 1;
            }
            out.println("json: " + a.json());
        }
        return 0;
    }

    /** bench_tf.py times its matmul at least this often; compare gives Nd4j.gemm the same. */
    static final int GEMM_MIN_REPEATS = 30;

    /** The ibc4j training step's phases as a Markdown table (ms per call, share of their sum). */
    static String phases(BenchRunner.Result r) {
        return phases("train-step", r);
    }

    static String phases(String key, BenchRunner.Result r) {
        if (r.phases().isEmpty()) {
            return "";
        }
        String who = key.contains("/") ? key.substring(0, key.indexOf('/')) + " " : "";
        StringBuilder b = new StringBuilder("\nibc4j " + who + "training step by phase (ms per call):\n\n");
        b.append("| phase | median | min–max | share |\n|---|---|---|---|\n");
        double total = r.phases().values().stream().mapToDouble(Summary::median).sum();
        r.phases().forEach((k, v) -> b.append(String.format("| %s | %.1f | %.1f–%.1f | %.1f %% |%n", k, v.median(),
                v.min(), v.max(), 100 * v.median() / total)));
        b.append(String.format("| (sum of phases) | %.1f | | |%n| (whole step) | %.1f | %.1f–%.1f | |%n", total,
                r.callMs().median(), r.callMs().min(), r.callMs().max()));
        return b.toString();
    }

    private static void usage(PrintStream s) {
        HelpFormatter f = new HelpFormatter();
        java.io.PrintWriter pw = new java.io.PrintWriter(s, true, StandardCharsets.UTF_8);
        f.printHelp(pw, 100, "ibc4j bench langevin|train-step|inference|gemm|memory|compare [options]",
                "Times one IBC workload against its GEMM floor, measured in the same run, at the shapes of a "
                        + "config family (--family particle|push|d4rl; push has train-step and inference only); "
                        + "memory trains --train-steps steps and reads the resident set half way and at the end; "
                        + "compare runs gemm and every family's figures that --tf-json holds (from "
                        + "golden/export/bench_tf.py) and sets each beside TF IBC's. Run with "
                        + "OMP_WAIT_POLICY=PASSIVE (the ./ibc4j launcher sets it).", options(), 2, 2, "", false);
        pw.flush();
    }
}
