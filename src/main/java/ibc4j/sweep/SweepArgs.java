package ibc4j.sweep;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * {@code ibc4j sweep}'s flags, into a {@link SweepSpec}. A sweep file ({@code --sweep_file F}) holds flags too, one
 * per line ({@code --grid=ParticleEnv.n_dim=2,4,8}), {@code #} comments; the command line's come after it.
 */
public final class SweepArgs {
    private SweepArgs() {}

    static Options options() {
        Options o = new Options();
        o.addOption(opt("sweep_root", "DIR", "Root of the sweep (required): runs/, data/, points/, logs/, summary. "
                + "On a cluster, a path every node sees (a shared filesystem)."));
        o.addOption(opt("sweep_file", "FILE", "Flags of the sweep, one per line (# comments)."));
        o.addOption(opt("gin_file", "FILE", "The base gin config (repeatable)."));
        o.addOption(opt("gin_bindings", "B", "A gin binding for every point (repeatable)."));
        o.addOption(opt("task", "TASK", "IBC's --task (repeatable; default PARTICLE)."));
        o.addOption(opt("grid", "NAME=V1,V2", "A grid axis: a gin parameter and its values (repeatable)."));
        o.addOption(opt("seeds", "S1,S2", "train_eval.seed values (default 0)."));
        o.addOption(opt("threads_per_run", "N", "CPU threads per point (OpenMP/BLAS, JVM; spark.task.cpus; "
                + "default 1)."));
        o.addOption(opt("checkpoint_interval", "N", "Steps between a point's checkpoints (default 1000)."));
        o.addOption(Option.builder().longOpt("skip_eval").desc("Train without evaluating.").build());
        o.addOption(opt("collect_episodes", "N", "Oracle episodes per replica when the sweep collects data "
                + "(default 200)."));
        o.addOption(opt("collect_replicas", "N", "Oracle data files per data set (default 2)."));
        o.addOption(opt("collect_seed", "S", "Seed of collection replica 0 (default 0)."));
        o.addOption(Option.builder().longOpt("retry_failed").desc("Run points recorded as failed again.").build());
        o.addOption(opt("plot_x", "NAME", "The grid parameter on the plot's x axis (default: the first numeric)."));
        o.addOption(opt("master", "URL", "Spark master: local[*] (default), local[N], spark://host:7077, yarn, "
                + "k8s://... (spark-submit's --master wins when this is not given)."));
        o.addOption(opt("ibc4j_classpath", "CP", "Class path of a point's JVM (default: the ibc4j.jar next to this "
                + "launcher). On a cluster, a path every node sees."));
        o.addOption(opt("run_java_opts", "OPTS", "JVM options of each point, space-separated (e.g. -Xmx4g)."));
        o.addOption(Option.builder().longOpt("help").desc("This help.").build());
        return o;
    }

    private static Option opt(String name, String arg, String desc) {
        return Option.builder().longOpt(name).hasArg().argName(arg).desc(desc).build();
    }

    public static void usage(PrintWriter out) {
        new HelpFormatter().printHelp(out, 110, "ibc4j sweep --sweep_root DIR --gin_file F [--grid NAME=V1,V2 ...] "
                + "[--seeds 0,1,2]", null, options(), 2, 2, "docs/sweeps.md has examples and spark-submit.", false);
        out.flush();
    }

    public static boolean asksForHelp(String[] args) {
        return Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h");
    }

    /** Parses {@code args}; bad input is an IllegalArgumentException whose message names the flag or line. */
    public static SweepSpec parse(String[] args) {
        CommandLine cl = parseLine(args);
        List<String> all = new ArrayList<>();
        if (cl.hasOption("sweep_file")) {
            all.addAll(readSweepFile(Path.of(cl.getOptionValue("sweep_file"))));
        }
        all.addAll(Arrays.asList(args));
        cl = parseLine(all.toArray(String[]::new));
        if (!cl.hasOption("sweep_root")) {
            throw new IllegalArgumentException("--sweep_root is required: the directory the sweep's runs go to");
        }
        List<GridAxis> axes = new ArrayList<>();
        for (String g : list(cl, "grid")) {
            GridAxis a = GridAxis.parse(g);
            for (GridAxis b : axes) {
                if (b.param().equals(a.param())) {
                    throw GridAxis.bad(g, a.param() + " is already an axis (--grid '" + b.arg() + "')");
                }
            }
            axes.add(a);
        }
        if (!cl.hasOption("gin_file") && axes.stream().noneMatch(a -> a.param().equals(GridAxis.GIN_FILE))) {
            throw new IllegalArgumentException("--gin_file is required: the base config, e.g. "
                    + "--gin_file=configs/particle/mlp_ebm_langevin.gin (or a --grid 'gin_file=A.gin,B.gin' axis)");
        }
        List<Integer> seeds = new ArrayList<>();
        for (String s : cl.getOptionValue("seeds", "0").split(",")) {
            int seed = integer("seeds", s.trim(), Integer.MIN_VALUE);
            if (seeds.contains(seed)) {
                throw new IllegalArgumentException("--seeds " + cl.getOptionValue("seeds") + ": seed " + seed
                        + " appears twice");
            }
            seeds.add(seed);
        }
        List<String> files = new ArrayList<>();
        for (String f : list(cl, "gin_file")) {
            // Absolute, as the points run elsewhere; a shipped config (configs/...) not on disk stays as given.
            files.add(Files.isRegularFile(Path.of(f)) ? Path.of(f).toAbsolutePath().normalize().toString() : f);
        }
        List<String> tasks = list(cl, "task");
        String javaOpts = cl.getOptionValue("run_java_opts", "").trim();
        return new SweepSpec(Path.of(cl.getOptionValue("sweep_root")).toAbsolutePath().normalize().toString(), files,
                list(cl, "gin_bindings"), tasks.isEmpty() ? List.of("PARTICLE") : tasks, axes, seeds,
                integer("threads_per_run", cl.getOptionValue("threads_per_run", "1"), 1),
                integer("checkpoint_interval", cl.getOptionValue("checkpoint_interval", "1000"), 1),
                cl.hasOption("skip_eval"),
                new SweepSpec.Collect(integer("collect_episodes", cl.getOptionValue("collect_episodes", "200"), 1),
                        integer("collect_replicas", cl.getOptionValue("collect_replicas", "2"), 1),
                        integer("collect_seed", cl.getOptionValue("collect_seed", "0"), Integer.MIN_VALUE)),
                cl.hasOption("retry_failed"), cl.getOptionValue("plot_x"), cl.getOptionValue("master"),
                new SweepSpec.ChildJvm(cl.getOptionValue("ibc4j_classpath", defaultClasspath()),
                        javaOpts.isEmpty() ? List.of() : List.of(javaOpts.split("\\s+"))));
    }

    private static CommandLine parseLine(String[] args) {
        try {
            CommandLine cl = new DefaultParser(false).parse(options(), args);
            if (!cl.getArgList().isEmpty()) {
                throw new IllegalArgumentException("unexpected argument(s) " + cl.getArgList()
                        + " (see ./ibc4j sweep --help)");
            }
            return cl;
        } catch (ParseException e) {
            throw new IllegalArgumentException(e.getMessage() + " (see ./ibc4j sweep --help)");
        }
    }

    /** The flags of a sweep file; each line is checked alone, so an error names its line. */
    static List<String> readSweepFile(Path f) {
        List<String> lines;
        try {
            lines = Files.readAllLines(f);
        } catch (IOException e) {
            throw new IllegalArgumentException("--sweep_file " + f + ": cannot read it (" + e + ")");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String where = f + " line " + (i + 1) + ": ";
            if (!l.startsWith("--")) {
                throw new IllegalArgumentException(where + "expected one flag, e.g. --grid=ParticleEnv.n_dim=2,4; got "
                        + l);
            }
            String name = l.substring(2).split("[= ]", 2)[0];
            if (!options().hasLongOption(name) || name.equals("sweep_file")) {
                throw new IllegalArgumentException(where + "unknown flag --" + name);
            }
            int sep = l.indexOf('=') > 0 && (l.indexOf(' ') < 0 || l.indexOf('=') < l.indexOf(' ')) ? l.indexOf('=')
                    : l.indexOf(' ');
            out.add("--" + name);
            if (sep > 0) {
                out.add(l.substring(sep + 1).strip());
            }
        }
        return out;
    }

    private static int integer(String flag, String v, int min) {
        try {
            int n = Integer.parseInt(v);
            if (n < min) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + flag + " takes " + (min == 1 ? "a positive integer" : "integers")
                    + ", got '" + v + "'");
        }
    }

    private static List<String> list(CommandLine cl, String name) {
        String[] v = cl.getOptionValues(name);
        return v == null ? List.of() : List.of(v);
    }

    /**
     * The core jar beside the launcher ({@code -Dibc4j.home}), whose manifest brings {@code lib/}; else this JVM's
     * own class path (tests, an IDE).
     */
    static String defaultClasspath() {
        String home = System.getProperty("ibc4j.home");
        if (home != null && Files.isRegularFile(Path.of(home, "target", "ibc4j.jar"))) {
            return Path.of(home, "target", "ibc4j.jar").toString();
        }
        return System.getProperty("java.class.path");
    }
}
