package ibc4j.environments.bridge;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How to start a bridge server.
 *
 * @param python         the interpreter ({@code --python}, default {@code python3})
 * @param ibcRoot        the IBC checkout, the directory named {@code ibc} ({@code --ibc_root}); null for the fake
 * @param module         {@code ibc4j_envs.server}, or {@code ibc4j_envs.fake_server} in tests
 * @param tasks          the tasks the server must be able to serve (its preflight checks pybullet for block tasks)
 * @param extraArgs      more server arguments (the fake's failure injection)
 * @param pythonDir      the directory holding the {@code ibc4j_envs} package
 * @param startupTimeout until the server's hello (imports TensorFlow and IBC)
 * @param callTimeout    for every other call; {@code make} gets the startup timeout (it builds the simulator)
 */
public record BridgeOptions(String python, Path ibcRoot, String module, List<String> tasks, List<String> extraArgs,
                            Path pythonDir, Duration startupTimeout, Duration callTimeout) {
    public static final String SERVER = "ibc4j_envs.server";
    public static final String FAKE_SERVER = "ibc4j_envs.fake_server";

    public BridgeOptions {
        tasks = List.copyOf(tasks);
        extraArgs = List.copyOf(extraArgs);
    }

    /** The real server with default timeouts (5 min to start, 1 min a call). */
    public static BridgeOptions ibc(String python, Path ibcRoot, List<String> tasks) {
        return new BridgeOptions(python == null ? "python3" : python, ibcRoot, SERVER, tasks, List.of(),
                defaultPythonDir(), Duration.ofMinutes(5), Duration.ofMinutes(1));
    }

    /** {@code <ibc4j home>/python}, the launcher's {@code -Dibc4j.home}; else {@code python} in the working dir. */
    public static Path defaultPythonDir() {
        String home = System.getProperty("ibc4j.home");
        Path dir = home != null ? Path.of(home, "python") : Path.of("python");
        return Files.isDirectory(dir) ? dir.toAbsolutePath() : dir;
    }

    public BridgeOptions withTimeouts(Duration startup, Duration call) {
        return new BridgeOptions(python, ibcRoot, module, tasks, extraArgs, pythonDir, startup, call);
    }

    public BridgeOptions withExtraArgs(List<String> args) {
        return new BridgeOptions(python, ibcRoot, module, tasks, args, pythonDir, startupTimeout, callTimeout);
    }

    List<String> command() {
        List<String> cmd = new ArrayList<>(List.of(python, "-u", "-m", module));
        if (ibcRoot != null) {
            cmd.add("--ibc_root=" + ibcRoot.toAbsolutePath());
        }
        for (String t : tasks) {
            cmd.add("--task=" + t);
        }
        cmd.addAll(extraArgs);
        return cmd;
    }
}
