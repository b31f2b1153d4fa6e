package ibc4j.cli;

import ibc4j.environments.bridge.BridgeOptions;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code --python} and {@code --ibc_root}: how train and eval start the env bridge for IBC's own envs. */
final class BridgeFlags {
    private BridgeFlags() {}

    static void add(Options o) {
        o.addOption(Option.builder().longOpt("python").hasArg().desc("Tasks other than PARTICLE: the Python that "
                + "runs IBC's env (python/requirements.txt installed; see docs/environments.md). Defaults to python3.")
                .build());
        o.addOption(Option.builder().longOpt("ibc_root").hasArg().desc("Tasks other than PARTICLE: the IBC "
                + "checkout (the directory named ibc) whose env evaluates the policy.").build());
    }

    /** The bridge's options, or null when no --ibc_root was given. */
    static BridgeOptions options(CommandLine cl, List<String> tasks) {
        String root = cl.getOptionValue("ibc_root");
        return root == null ? null : BridgeOptions.ibc(cl.getOptionValue("python"), Path.of(root), tasks);
    }
}
