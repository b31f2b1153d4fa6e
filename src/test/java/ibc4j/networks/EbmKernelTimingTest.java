package ibc4j.networks;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/** Prints kernel timings for IBC's Langevin batch (4096 = 512 × 8 rows), only with {@code -Dibc4j.timing=true}. */
class EbmKernelTimingTest {
    @Test
    void printTimings() {
        assumeTrue(Boolean.getBoolean("ibc4j.timing"), "timing off (-Dibc4j.timing=true)");
        System.out.println("OMP_WAIT_POLICY=" + System.getenv("OMP_WAIT_POLICY") + ", cores "
                + Runtime.getRuntime().availableProcessors());
        EbmKernelTiming.measure(4096, 256, 30).forEach((k, v) -> System.out.printf("%-32s %7.2f ms%n", k, v));
    }
}
