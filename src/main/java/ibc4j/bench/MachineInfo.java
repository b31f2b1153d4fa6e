package ibc4j.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ibc4j.networks.PreActivationKernel;
import org.nd4j.linalg.factory.Nd4j;

/** What a benchmark ran on: CPU, cores, thread environment, load, versions, and the JVM's peak RSS. */
public final class MachineInfo {
    private MachineInfo() {}

    /** CPU, cores, load average, OpenMP/BLAS thread settings, Java, BLAS jars; an ordered map for JSON. */
    public static Map<String, Object> detect() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu_model", cpuField("model name"));
        m.put("cpu_family_model", cpuField("cpu family") + "/" + cpuField("model"));
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("load_average", loadAverage());
        m.put("OMP_WAIT_POLICY", env("OMP_WAIT_POLICY"));
        m.put("OMP_NUM_THREADS", env("OMP_NUM_THREADS"));
        m.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("nd4j_backend", Nd4j.getBackend().getClass().getSimpleName());
        m.put("blas_jars", jarOf("org.bytedeco.openblas.global.openblas_nolapack") + ", "
                + jarOf("org.bytedeco.javacpp.Loader"));
        m.put("fused_langevin", PreActivationKernel.fusedAvailable());
        return m;
    }

    /** {@code /proc/loadavg}'s 1, 5 and 15 minute figures, or "unknown". */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** Peak resident set size of this JVM in MiB ({@code VmHWM} of /proc/self/status), or -1 if unknown. */
    public static double peakRssMiB() {
        return statusMiB("VmHWM:");
    }

    /** Current resident set size of this JVM in MiB ({@code VmRSS} of /proc/self/status), or -1 if unknown. */
    public static double rssMiB() {
        return statusMiB("VmRSS:");
    }

    private static double statusMiB(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith(field)) {
                    String[] f = line.substring(field.length()).trim().split("\\s+");
                    return Long.parseLong(f[0]) / 1024.0; // kB
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    /**
     * CPU time of every thread of this process so far, in ns: the sum of {@code /proc/self/task/}*{@code /schedstat}
     * (ns resolution; BLAS and OpenMP workers are native threads that Java's thread MX bean does not see). Falls
     * back to the JVM's process CPU time, which on Linux ticks in 10 ms steps.
     */
    public static long processCpuNanos() {
        File[] tasks = new File("/proc/self/task").listFiles();
        if (tasks != null) {
            long sum = 0;
            boolean any = false;
            for (File t : tasks) {
                try {
                    String line = Files.readString(t.toPath().resolve("schedstat"));
                    int sp = line.indexOf(' ');
                    sum += Long.parseLong(sp < 0 ? line.strip() : line.substring(0, sp));
                    any = true;
                } catch (IOException | RuntimeException e) {
                    // the thread exited between the listing and the read
                }
            }
            if (any) {
                return sum;
            }
        }
        return OS.getProcessCpuTime();
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null ? "(unset)" : v;
    }

    static String cpuField(String key) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8);
            for (String line : lines) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().equals(key)) {
                    return line.substring(colon + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "unknown";
    }

    /** The jar a class was loaded from (its file name carries the version), or "absent". */
    private static String jarOf(String className) {
        try {
            Class<?> c = Class.forName(className, false, MachineInfo.class.getClassLoader());
            String loc = c.getProtectionDomain().getCodeSource().getLocation().getPath();
            return loc.substring(loc.lastIndexOf('/') + 1);
        } catch (ClassNotFoundException | RuntimeException e) {
            return "absent";
        }
    }
}
