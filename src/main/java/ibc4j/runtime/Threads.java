package ibc4j.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code --threads N}: one thread count for every pool that computes. Three are set here, at run time: ND4J's
 * master threads, OpenBLAS's ({@code openblas_set_num_threads} through ND4J's BLAS wrapper), and the fused passes'
 * helper thread (none at N = 1: {@code ibc4j.fused.threads}). Two cannot be: libnd4j's max threads (its
 * {@code setMaxThreads} does not take in 1.0.0-M2.1: the value read back stays what it read from
 * {@code OMP_NUM_THREADS}, or the core count, at load) and libgomp's pool, which libnd4j's OpenMP loops and
 * oneDNN's GEMMs share and which is sized from {@code OMP_NUM_THREADS} when the native library loads. So the
 * {@code ./ibc4j} launcher exports {@code OMP_NUM_THREADS} (and {@code OPENBLAS_NUM_THREADS}) from
 * {@code --threads} before the JVM starts, and {@link #apply} reads every pool back and names each that differs.
 */
public final class Threads {
    /** The system property the fused passes read (RowSplitter): at 1 they run on the caller alone. */
    public static final String FUSED_PROPERTY = "ibc4j.fused.threads";

    private Threads() {}

    /** What each pool was set to, read back, and the problems found (empty when every pool runs {@code n}). */
    public record Report(int requested, Map<String, Object> pools, List<String> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /**
     * Sets ND4J's, OpenBLAS's and the fused passes' thread counts to {@code n} and reads every pool back;
     * {@code env} is the process environment (the OpenMP pool was sized from it at load).
     */
    public static Report apply(int n, Map<String, String> env) {
        if (n < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, got " + n);
        }
        Nd4j.getEnvironment().setMaxThreads(n);
        Nd4j.getEnvironment().setMaxMasterThreads(n);
        Nd4j.factory().blas().setMaxThreads(n);
        System.setProperty(FUSED_PROPERTY, Integer.toString(n));
        Map<String, Object> pools = new LinkedHashMap<>();
        pools.put("nd4j_max_threads", Nd4j.getEnvironment().maxThreads());
        pools.put("nd4j_max_master_threads", Nd4j.getEnvironment().maxMasterThreads());
        pools.put("openblas_threads", Nd4j.factory().blas().getMaxThreads());
        pools.put("fused_threads", Math.min(2, Integer.getInteger(FUSED_PROPERTY, 2)));
        pools.put("OMP_NUM_THREADS", env.getOrDefault("OMP_NUM_THREADS", "(unset)"));
        pools.put("OPENBLAS_NUM_THREADS", env.getOrDefault("OPENBLAS_NUM_THREADS", "(unset)"));
        List<String> problems = new ArrayList<>();
        for (String k : List.of("nd4j_max_threads", "nd4j_max_master_threads", "openblas_threads")) {
            if (!pools.get(k).equals(n)) {
                problems.add(k + " is " + pools.get(k) + ", not " + n + (k.equals("nd4j_max_threads")
                        ? " (libnd4j sizes it from OMP_NUM_THREADS at load)" : ""));
            }
        }
        if (!Integer.toString(n).equals(env.get("OMP_NUM_THREADS"))) {
            problems.add("OMP_NUM_THREADS is " + pools.get("OMP_NUM_THREADS") + ", not " + n + ": libgomp (ND4J's "
                    + "OpenMP loops and oneDNN's GEMMs) sized its pool from it when the native library loaded; run "
                    + "through ./ibc4j, which exports it from --threads, or set it yourself");
        }
        return new Report(n, pools, problems);
    }
}
