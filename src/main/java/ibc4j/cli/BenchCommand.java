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
import ibc4j.bench.BenchRunner;
import ibc4j.bench.BenchShapes;
import ibc4j.bench.Comparison;
import ibc4j.bench.MachineInfo;
import ibc4j.bench.Summary;
import ibc4j.bench.TfBench;
import ibc4j.bench.Workload;
import ibc4j.bench.Workloads;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * {@code ibc4j bench langevin|train-step|inference|gemm [--warmup N] [--repeats N] [--json FILE]}: ms per call
 * (median/min/max), useful GFLOP/s, the GEMM floor measured in the same run and the ratio to it, peak RSS and the
 * machine. Shapes default to IBC's particle config ({@link BenchShapes#ibcParticle()}); the shape options exist
 * for quick runs. Speed lives here only: no test asserts a time.
 *
 * <p>{@code ibc4j bench compare --tf-json FILE}: runs gemm, langevin, train-step (with phases) and inference in
 * this process and prints one table against TF IBC's figures from {@code golden/export/bench_tf.py}
 * ({@link Comparison}).
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
                int trainSteps) {}

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
        o.addOption(Option.builder().longOpt("phases")
                .desc("train-step: time each phase inside the step (sampling, langevin, forward, loss, penalty, "
                        + "backward, optimizer).").build());
        BenchShapes d = BenchShapes.ibcParticle();
        o.addOption(intOpt("batch", "B", "examples per training batch. Default " + d.batch() + "."));
        o.addOption(intOpt("counter-examples", "n", "counter examples per example. Default " + d.counterExamples()
                + "."));
        o.addOption(intOpt("steps", "K", "Langevin steps. Default " + d.steps() + "."));
        o.addOption(intOpt("width", "W", "MLPEBM width. Default " + d.width() + "."));
        o.addOption(intOpt("obs-dim", "D", "observation width. Default " + d.obsDim() + "."));
        o.addOption(intOpt("action-dim", "A", "action width. Default " + d.actDim() + "."));
        o.addOption(intOpt("samples", "N", "inference: action samples. Default " + d.inferenceSamples() + "."));
        o.addOption(intOpt("train-steps", "N", "memory: training steps; RSS is read at step N/2 and step N. "
                + "Default 1000."));
        o.addOption(Option.builder().longOpt("tf-json").hasArg().argName("FILE")
                .desc("compare: TF IBC's figures, written by golden/export/bench_tf.py --out FILE.").build());
        o.addOption(Option.builder("h").longOpt("help").desc("print this help.").build());
        return o;
    }

    private static Option intOpt(String name, String arg, String desc) {
        return Option.builder().longOpt(name).hasArg().argName(arg).desc(desc).build();
    }

    /** Parses {@code args}; throws ParseException (a usage error) with the reason. */
    static Args parse(String[] args) throws ParseException {
        CommandLine cl = new DefaultParser().parse(options(), args);
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
        Path json = cl.hasOption("json") ? Path.of(cl.getOptionValue("json")) : null;
        return new Args(bench, num(cl, "warmup", DEFAULT_WARMUP, 0), num(cl, "repeats", DEFAULT_REPEATS, 1), json,
                cl.hasOption("phases") || bench.equals(COMPARE), shapes, tfJson, num(cl, "train-steps", 1000, 100));
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
        if (a.bench().equals(COMPARE)) {
            return compare(a, out, err);
        }
        if (a.bench().equals(MEMORY)) {
            return memory(a, out, err);
        }
        if (a.phases() && !a.bench().equals("train-step")) {
            err.println("bench: --phases applies to train-step only; ignored");
        }
        if (a.repeats() < DEFAULT_REPEATS) {
            err.println("bench: " + a.repeats() + " repeats: fewer than " + DEFAULT_REPEATS
                    + ", fine for a smoke run, not for reported figures");
        }
        BenchRunner.Result r;
        try {
            Workload w = Workloads.create(a.bench(), a.shapes(), a.phases());
            r = BenchRunner.run(w, a.warmup(), a.repeats());
        } catch (RuntimeException e) {
            err.println("bench " + a.bench() + ": failed: " + e);
            return 1;
        }
        out.print(BenchRunner.format(r));
        if (a.json() != null) {
            try {
                writeJson(r, a.json());
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

    /** What compare times, in this order: the sgemm first (quickest), then the three IBC figures. */
    static final List<String> COMPARE_ORDER = List.of("gemm", "langevin", "train-step", "inference");

    /**
     * {@code bench compare}: reads and checks the tf-json first (exit 2 before anything is timed), then runs
     * ibc4j's benchmarks one after the other in this JVM and prints the table.
     */
    static int compare(Args a, PrintStream out, PrintStream err) {
        TfBench tf;
        try {
            tf = TfBench.read(a.tfJson());
        } catch (TfBench.FormatException e) {
            err.println("bench compare: " + e.getMessage());
            return 2;
        }
        List<String> mismatches = tf.shapeMismatches(a.shapes());
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
        for (String name : COMPARE_ORDER) {
            // The sgemm is short: as many repeats as bench_tf.py gives TF's matmul.
            int repeats = name.equals("gemm") ? Math.max(a.repeats(), GEMM_MIN_REPEATS) : a.repeats();
            err.println("bench compare: timing " + name + " (" + a.warmup() + " warm-up, " + repeats + " repeats)");
            try {
                results.put(name, BenchRunner.run(Workloads.create(name, a.shapes(), name.equals("train-step")),
                        a.warmup(), repeats));
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
        out.print(phases(results.get("train-step")));
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
        if (r.phases().isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("\nibc4j training step by phase (ms per call):\n\n");
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
                "Times one IBC workload against its GEMM floor, measured in the same run; memory trains "
                        + "--train-steps steps and reads the resident set half way and at the end; compare runs "
                        + "gemm, langevin, train-step and inference and sets them beside TF IBC's figures "
                        + "(--tf-json, from golden/export/bench_tf.py). Run with OMP_WAIT_POLICY=PASSIVE (the "
                        + "./ibc4j launcher sets it).", options(), 2, 2, "", false);
        pw.flush();
    }
}
