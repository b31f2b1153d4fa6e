package ibc4j.cli;

import ibc4j.parity.GoldenException;
import ibc4j.parity.GoldenManifest;
import ibc4j.parity.ParityCheck;
import ibc4j.parity.ParityReport;
import ibc4j.parity.ParityRunner;
import ibc4j.parity.RunEnvironment;
import ibc4j.parity.checks.ParityChecks;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * {@code ibc4j parity [--golden DIR] [--format md|json|html] [--out FILE]}: runs every registered parity check on
 * the golden tensors and prints the report.
 *
 * <p>Exit codes: 0 when no row is ❌ (pending rows are shown, not failed), 1 when any row is ❌, 2 for a usage
 * error or a golden directory/manifest that is missing or malformed.
 */
public final class ParityCommand {
    private ParityCommand() {}

    private static Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("golden").hasArg().argName("DIR")
                .desc("golden directory holding manifest.json. Defaults to golden/ under the current directory, else the "
                        + "checkout's golden/.").build());
        o.addOption(Option.builder().longOpt("format").hasArg().argName("FMT")
                .desc("report format: md, json or html. Defaults to md.").build());
        o.addOption(Option.builder().longOpt("out").hasArg().argName("FILE")
                .desc("write the report to FILE instead of standard output. Defaults to standard output.").build());
        o.addOption(Option.builder("h").longOpt("help").desc("print this help.").build());
        return o;
    }

    /** Runs with the registry's checks, printing to System.out/System.err. */
    public static int run(String[] args) {
        // UTF-8 whatever the locale: under LANG=C Java 17 would print the ✅/❌/⏳ as '?'.
        PrintStream stdout = System.out;
        PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        // ND4J logs its start-up banner through logback's console appender, which writes to whatever System.out is
        // at the time; point it at stderr so that `parity --format json > report.json` stays valid JSON.
        System.setOut(System.err);
        try {
            return run(args, out, err, ParityChecks.all());
        } finally {
            System.setOut(stdout);
        }
    }

    /** Runs {@code checks} (tests pass fakes here); the report goes to {@code out} unless {@code --out} is given. */
    public static int run(String[] args, PrintStream out, PrintStream err, List<ParityCheck> checks) {
        CommandLine cl;
        try {
            cl = new DefaultParser(false).parse(options(), args);
        } catch (ParseException e) {
            err.println("parity: " + e.getMessage());
            usage(err);
            return 2;
        }
        if (cl.hasOption("help")) {
            usage(out);
            return 0;
        }
        if (!cl.getArgList().isEmpty()) {
            err.println("parity: unexpected argument(s) " + cl.getArgList());
            usage(err);
            return 2;
        }
        String format = cl.getOptionValue("format", "md");
        if (!ParityReport.FORMATS.contains(format)) {
            err.println("parity: unknown --format '" + format + "'; use one of md, json, html");
            return 2;
        }
        Path golden = cl.hasOption("golden") ? Path.of(cl.getOptionValue("golden")) : defaultGolden();
        GoldenManifest manifest;
        try {
            manifest = GoldenManifest.load(golden);
        } catch (GoldenException e) {
            err.println("parity: " + e.getMessage());
            return 2;
        }
        ParityReport report = new ParityRunner(checks, RunEnvironment.detect()).run(manifest);
        String text = report.render(format);
        if (cl.hasOption("out")) {
            Path file = Path.of(cl.getOptionValue("out"));
            try {
                Files.writeString(file, text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println("parity: cannot write " + file + ": " + e.getMessage());
                return 2;
            }
            // The file has the details; the terminal still gets the verdict.
            err.println("parity: wrote " + file + " (" + report.summaryLine() + ")");
        } else {
            out.print(text);
            out.flush();
        }
        report.firstFailure().ifPresent(f -> err.println("parity: first failure: " + f));
        return report.exitCode();
    }

    private static void usage(PrintStream s) {
        PrintWriter w = new PrintWriter(s, true, StandardCharsets.UTF_8);
        new HelpFormatter().printHelp(w, 100, "ibc4j parity [--golden DIR] [--format md|json|html] [--out FILE]",
                "Compare ibc4j with golden tensors exported from TF IBC. Exit 0 if no check fails, 1 if one does, "
                        + "2 on a usage or golden error.", options(), 2, 2, null);
        w.flush();
    }

    /** golden/ in the working directory, else the committed goldens of the checkout the launcher runs from. */
    static Path defaultGolden() {
        Path here = Path.of("golden");
        String home = System.getProperty("ibc4j.home");
        if (java.nio.file.Files.isRegularFile(here.resolve("manifest.json")) || home == null) {
            return here;
        }
        return Path.of(home, "golden");
    }
}
