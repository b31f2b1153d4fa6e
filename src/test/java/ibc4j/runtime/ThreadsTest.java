package ibc4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** {@code --threads} reaches every pool: each is read back from the library itself, not from what was asked. */
class ThreadsTest {
    private int nd4j;
    private int master;
    private int blas;
    private String fused;

    @BeforeEach
    void save() {
        nd4j = Nd4j.getEnvironment().maxThreads();
        master = Nd4j.getEnvironment().maxMasterThreads();
        blas = Nd4j.factory().blas().getMaxThreads();
        fused = System.getProperty(Threads.FUSED_PROPERTY);
    }

    @AfterEach
    void restore() {
        Nd4j.getEnvironment().setMaxThreads(nd4j);
        Nd4j.getEnvironment().setMaxMasterThreads(master);
        Nd4j.factory().blas().setMaxThreads(blas);
        if (fused == null) {
            System.clearProperty(Threads.FUSED_PROPERTY);
        } else {
            System.setProperty(Threads.FUSED_PROPERTY, fused);
        }
    }

    @Test
    void oneThreadReachesOpenBlasNd4jsMastersAndTheFusedPasses() {
        Threads.Report r = Threads.apply(1, Map.of("OMP_NUM_THREADS", "1", "OPENBLAS_NUM_THREADS", "1"));
        assertEquals(1, Nd4j.getEnvironment().maxMasterThreads());
        assertEquals(1, Nd4j.factory().blas().getMaxThreads()); // openblas_get_num_threads
        assertEquals(1, r.pools().get("fused_threads"));
        assertEquals("1", r.pools().get("OMP_NUM_THREADS"));
        // libnd4j's max threads come from the process's OMP_NUM_THREADS at load, whatever setMaxThreads asks.
        int loaded = Nd4j.getEnvironment().maxThreads();
        assertEquals(loaded, r.pools().get("nd4j_max_threads"));
        assertEquals(loaded == 1 ? java.util.List.of() : java.util.List.of("nd4j_max_threads is " + loaded
                + ", not 1 (libnd4j sizes it from OMP_NUM_THREADS at load)"), r.problems());
    }

    @Test
    void twoThreadsAndAnOpenMpPoolSizedOtherwiseIsReported() {
        Threads.Report r = Threads.apply(2, Map.of());
        assertEquals(2, Nd4j.factory().blas().getMaxThreads());
        assertEquals(2, Nd4j.getEnvironment().maxMasterThreads());
        assertEquals(2, r.pools().get("fused_threads"));
        String last = r.problems().get(r.problems().size() - 1);
        assertTrue(last.startsWith("OMP_NUM_THREADS is (unset), not 2: libgomp"), last);
        assertThrows(IllegalArgumentException.class, () -> Threads.apply(0, Map.of()));
    }
}
