package ibc4j.parity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where ibc4j ran: its version and git commit, Java, the ND4J backend and default dtype, OS, architecture and CPU.
 *
 * <p>Recorded in every report because float32 results legitimately differ across BLAS kernels and CPUs (the same
 * reason Tribuo's provenance records Java and OS): a parity claim is a claim about one environment.
 */
public final class RunEnvironment {
    private RunEnvironment() {}

    /** The environment of this JVM, as an ordered map for the report header. */
    public static Map<String, Object> detect() {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("ibc4j_version", version());
        env.put("git_commit", gitCommit());
        env.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        env.put("nd4j_backend", backend());
        env.put("nd4j_dtype", Nd4j.dataType().toString());
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        env.put("arch", System.getProperty("os.arch"));
        env.put("cpu", cpuModel());
        return env;
    }

    /** The Maven version from the jar's pom.properties; "dev" when run from classes (tests, IDE). */
    static String version() {
        try (InputStream in = RunEnvironment.class.getResourceAsStream(
                "/META-INF/maven/io.github.ibc4j/ibc4j/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "dev");
            }
        } catch (IOException ignored) {
            // fall through: the version is informational
        }
        String v = RunEnvironment.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    private static String backend() {
        try {
            return Nd4j.getBackend().getClass().getSimpleName();
        } catch (RuntimeException | LinkageError e) {
            return "unavailable (" + e.getClass().getSimpleName() + ")";
        }
    }

    /** {@code git rev-parse --short=12 HEAD} in the working directory, {@code +dirty} when tracked files changed. */
    static String gitCommit() {
        StringBuilder head = new StringBuilder();
        if (git(head, "rev-parse", "--short=12", "HEAD") != 0 || head.toString().isBlank()) {
            return "unknown";
        }
        // diff-index --quiet prints nothing and exits 1 when tracked files differ from HEAD.
        boolean dirty = git(new StringBuilder(), "diff-index", "--quiet", "HEAD", "--") == 1;
        return head.toString().strip() + (dirty ? "+dirty" : "");
    }

    /** Runs git with {@code args}; returns its exit code (-1 if it could not run or took over 5 s). */
    private static int git(StringBuilder out, String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "git";
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            // Outputs here are a few bytes, far below the pipe buffer, so waiting before reading cannot deadlock;
            // and a hung git (lock, network FS) must not hang a report.
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The first "model name" of /proc/cpuinfo, else "unknown". */
    static String cpuModel() {
        Path info = Path.of("/proc/cpuinfo");
        try {
            if (Files.isReadable(info)) {
                for (String line : Files.readAllLines(info, StandardCharsets.UTF_8)) {
                    if (line.startsWith("model name")) {
                        int colon = line.indexOf(':');
                        long cores = Runtime.getRuntime().availableProcessors();
                        return line.substring(colon + 1).strip() + " (" + cores + " cores available)";
                    }
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // informational only
        }
        return "unknown";
    }
}
