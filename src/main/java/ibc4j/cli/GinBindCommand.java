package ibc4j.cli;

import ibc4j.configurables.IbcConfigurables;
import ibc4j.gin.GinConfig;
import ibc4j.gin.GinException;
import ibc4j.gin.GinRegistry;
import java.io.PrintStream;
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
 * {@code gin bind}: parses and finalizes gin files and bindings as IBC's train_eval.py would, without running
 * anything, and prints the operative config a run would record (defaults + bindings, each bound value with its
 * {@code # Set in file:line:}). Flags are spelled as in IBC's run scripts.
 */
public final class GinBindCommand {
    private GinBindCommand() {}

    private static Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("gin_file").hasArg().argName("FILE")
                .desc("A gin config file; repeatable, parsed in order. Defaults to none.").build());
        o.addOption(Option.builder().longOpt("gin_bindings").hasArg().argName("BINDING")
                .desc("A gin binding such as \"MLPEBM.width = 256\"; repeatable, parsed after the files. "
                        + "Defaults to none.").build());
        o.addOption(Option.builder().longOpt("gin_search_path").hasArg().argName("DIR")
                .desc("A directory searched for gin files after the working directory; repeatable. "
                        + "Defaults to none.").build());
        o.addOption(Option.builder().longOpt("skip_unknown")
                .desc("Drop bindings of unknown configurables silently, as IBC does. Defaults to false.").build());
        o.addOption(Option.builder().longOpt("help").desc("Show this help.").build());
        return o;
    }

    /** Runs {@code gin bind} with the arguments after {@code gin bind}; returns the exit status (2: bad config). */
    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> rest = Arrays.asList(args);
        rest = !rest.isEmpty() && rest.get(0).equals("gin") ? rest.subList(1, rest.size()) : rest;
        rest = !rest.isEmpty() && rest.get(0).equals("bind") ? rest.subList(1, rest.size()) : rest;
        Options options = options();
        CommandLine cl;
        try {
            cl = DefaultParser.builder().setAllowPartialMatching(false).build()
                    .parse(options, rest.toArray(String[]::new));
        } catch (ParseException e) {
            err.println("gin bind: " + e.getMessage());
            return 2;
        }
        if (cl.hasOption("help") || !cl.getArgList().isEmpty()
                || (!cl.hasOption("gin_file") && !cl.hasOption("gin_bindings"))) {
            PrintStream to = cl.hasOption("help") ? out : err;
            new HelpFormatter().printHelp(new java.io.PrintWriter(to, true), 100,
                    "ibc4j gin bind --gin_file FILE [--gin_file FILE2] [--gin_bindings B]...", null, options,
                    2, 2, null);
            return cl.hasOption("help") ? 0 : 2;
        }
        try {
            GinConfig gin = new GinConfig(IbcConfigurables.registry()).skipUnknown(cl.hasOption("skip_unknown"));
            for (String dir : values(cl, "gin_search_path")) {
                gin.addSearchPath(Path.of(dir));
            }
            gin.parseFilesAndBindings(values(cl, "gin_file"), values(cl, "gin_bindings"));
            gin.finalizeConfig();
            out.print(gin.bindOnlyConfigString());
            out.flush();
            return 0;
        } catch (GinException e) {
            err.println(e.getMessage());
            return 2;
        }
    }

    private static List<String> values(CommandLine cl, String opt) {
        String[] v = cl.getOptionValues(opt);
        return v == null ? List.of() : List.of(v);
    }
}
