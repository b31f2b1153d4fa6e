package ibc4j.cli;

import ibc4j.data.SpecFile;
import ibc4j.data.SpecNode;
import ibc4j.data.SyntheticRecords;
import ibc4j.data.TrajectorySpecs;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * {@code ibc4j synth-data}: a small dataset in the record format of an IBC {@code .spec} file, whose actions
 * are a learnable function of the observations ({@link SyntheticRecords}), for configs whose real data needs a
 * simulator or a download, e.g.
 * <pre>
 * ./ibc4j synth-data --spec ibc/test_data/PUSH/oracle_push_0.tfrecord.spec --out data/push --episodes 20
 * </pre>
 * writes {@code data/push/oracle_push_0.tfrecord} and its {@code .spec}. The data is not IBC's: it trains a
 * config's shapes and code paths, not a policy for the task.
 */
public final class SynthDataCommand {
    private SynthDataCommand() {}

    private static Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("spec").hasArg().required()
                .desc("The .spec sidecar of an IBC dataset (a Trajectory or Transition spec).").build());
        o.addOption(Option.builder().longOpt("out").hasArg().required()
                .desc("Output directory; the records are named after the spec, without .spec.").build());
        o.addOption(Option.builder().longOpt("episodes").hasArg().desc("Episodes. Defaults to 10.").build());
        o.addOption(Option.builder().longOpt("steps_per_episode").hasArg().desc("Steps per episode. Defaults to 20.")
                .build());
        o.addOption(Option.builder().longOpt("seed").hasArg().desc("Seed. Defaults to 0.").build());
        o.addOption(Option.builder().longOpt("trajectory").desc("For a Transition spec: write tf-agents' "
                + "Trajectory.from_transition of it instead, the form IBC's data/dataset.py reads.").build());
        o.addOption(Option.builder().longOpt("rgb").hasArg().desc("HxW: add observation/rgb, uint8[H,W,3], as IBC's "
                + "BlockPush with image_size does (its pixel configs use 240x320).").build());
        o.addOption(Option.builder().longOpt("help").desc("This help.").build());
        return o;
    }

    private static void usage(PrintStream to) {
        new HelpFormatter().printHelp(new java.io.PrintWriter(to, true), 100, "ibc4j synth-data", null, options(), 2,
                2, null, true);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (Main.asksForHelp(args)) {
            usage(out);
            return 0;
        }
        CommandLine cl;
        try {
            cl = new DefaultParser(false).parse(options(), args);
        } catch (ParseException e) {
            err.println("synth-data: " + e.getMessage());
            usage(err);
            return 2;
        }
        int episodes;
        int steps;
        long seed;
        try {
            episodes = Integer.parseInt(cl.getOptionValue("episodes", "10"));
            steps = Integer.parseInt(cl.getOptionValue("steps_per_episode", "20"));
            seed = Long.parseLong(cl.getOptionValue("seed", "0"));
        } catch (NumberFormatException e) {
            err.println("synth-data: --episodes, --steps_per_episode and --seed take integers: " + e.getMessage());
            return 2;
        }
        Path specFile = Path.of(cl.getOptionValue("spec"));
        String name = specFile.getFileName().toString();
        if (!name.endsWith(SpecFile.EXTENSION) || name.length() == SpecFile.EXTENSION.length()) {
            err.println("synth-data: --spec " + specFile + ": expected a <dataset>.tfrecord.spec file");
            return 2;
        }
        Path records = Path.of(cl.getOptionValue("out")).resolve(name.substring(0, name.length()
                - SpecFile.EXTENSION.length()));
        try {
            SpecNode spec = spec(specFile, cl);
            Files.createDirectories(records.toAbsolutePath().getParent());
            long n = new SyntheticRecords(spec, seed).write(records, episodes, steps);
            out.println("wrote " + n + " records (" + episodes + " episodes of " + steps + " steps) to " + records
                    + " and its .spec");
            return 0;
        } catch (IOException e) {
            err.println("synth-data: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("synth-data: " + specFile + ": " + e.getMessage());
            return 2;
        }
    }

    private static SpecNode spec(Path specFile, CommandLine cl) throws IOException {
        if (!Files.isRegularFile(specFile)) {
            throw new java.nio.file.NoSuchFileException(specFile + " (--spec) does not exist or is not a file");
        }
        SpecNode spec = SpecFile.read(specFile);
        if (cl.hasOption("trajectory")) {
            spec = TrajectorySpecs.fromTransition(spec);
        }
        if (cl.hasOption("rgb")) {
            String[] hw = cl.getOptionValue("rgb").split("x");
            try {
                if (hw.length != 2) {
                    throw new NumberFormatException();
                }
                spec = TrajectorySpecs.withRgb(spec, Integer.parseInt(hw[0]), Integer.parseInt(hw[1]));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--rgb " + cl.getOptionValue("rgb") + ": expected HxW, e.g. 24x32");
            }
        }
        return spec;
    }
}
