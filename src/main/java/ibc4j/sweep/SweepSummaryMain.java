package ibc4j.sweep;

import ibc4j.cli.Main;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * {@code ibc4j sweep-summary}: the table and plot of a grid run as several sweeps ({@link SweepMerge}), e.g. one
 * method per sweep root:
 * <pre>
 * ./ibc4j sweep-summary --summary runs/nd_particle --summary runs/nd_particle_langevin --out runs/nd_all
 * </pre>
 * No Spark: it reads the sweeps' {@code summary.csv} files only. Started by the {@code ./ibc4j} launcher.
 */
public final class SweepSummaryMain {
    private SweepSummaryMain() {}

    private static Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("summary").hasArg().argName("ROOT|CSV").desc("A sweep root, or its "
                + "summary.csv (repeatable; rows merge in this order).").build());
        o.addOption(Option.builder().longOpt("out").hasArg().argName("DIR").desc("Where summary.csv, summary.md and "
                + "the plot go; not one of the sweep roots.").build());
        o.addOption(Option.builder().longOpt("plot_x").hasArg().argName("NAME").desc("The grid parameter on the "
                + "plot's x axis (default: the first numeric).").build());
        o.addOption(Option.builder().longOpt("help").desc("This help.").build());
        return o;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (Main.asksForHelp(args)) {
            usage(out);
            return 0;
        }
        CommandLine cl;
        try {
            cl = new DefaultParser(false).parse(options(), args);
        } catch (ParseException e) {
            err.println("sweep-summary: " + e.getMessage());
            usage(err);
            return 2;
        }
        if (!cl.hasOption("summary") || !cl.hasOption("out") || !cl.getArgList().isEmpty()) {
            err.println("sweep-summary: needs --summary (one or more) and --out, and no other arguments");
            usage(err);
            return 2;
        }
        List<Path> inputs = Arrays.stream(cl.getOptionValues("summary")).map(Path::of).toList();
        Path dir = Path.of(cl.getOptionValue("out"));
        try {
            for (Path in : inputs) {
                Path root = Files.isDirectory(in) ? in : in.toAbsolutePath().getParent();
                if (Files.exists(dir) && Files.isSameFile(root, dir)) {
                    err.println("sweep-summary: --out " + dir + " holds the summary " + in + "; the merged table "
                            + "would replace that sweep's own: choose another directory");
                    return 2;
                }
            }
            Sweep.Written w = SweepMerge.write(dir, SweepMerge.read(inputs), cl.getOptionValue("plot_x"));
            long done = w.rows().stream().filter(r -> r.result() != null && r.result().done()).count();
            long failed = w.rows().stream().filter(r -> r.result() != null && !r.result().done()).count();
            out.println("sweep-summary: " + w.rows().size() + " points from " + inputs.size() + " summaries: " + done
                    + " done, " + failed + " failed, " + (w.rows().size() - done - failed) + " pending");
            out.println("  summary: " + w.files().get(0) + ", " + w.files().get(1));
            if (w.plot() != null) {
                out.println("  plot:    " + w.plot());
            }
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("sweep-summary: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("sweep-summary: " + e);
            return 1;
        }
    }

    private static void usage(PrintStream to) {
        new HelpFormatter().printHelp(new PrintWriter(to, true), 100, "ibc4j sweep-summary --summary ROOT|CSV... "
                + "--out DIR", null, options(), 2, 2, null, false);
    }
}
