package ibc4j.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.parity.ChainComparison.ChainResult;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Teacher-forced vs free-running chains on a doubling map whose golden trajectory is 1, 2, 4, ..., 2^K. */
class ChainComparisonTest {
    @TempDir
    Path dir;

    private static INDArray trajectory(int steps) {
        double[][] t = new double[steps + 1][1];
        for (int k = 0; k <= steps; k++) {
            t[k][0] = Math.pow(2, k);
        }
        return Nd4j.createFromArray(t);
    }

    @Test
    void exactStepPassesInBothModes() throws Exception {
        Tolerance tol = Tolerance.exact("doubling is exact in binary");
        ChainComparison.Step twice = (k, x) -> x.mul(2);
        assertTrue(ChainComparison.teacherForced("x", trajectory(8), twice, tol).pass());
        ChainResult free = ChainComparison.freeRunning("x", trajectory(8), twice, tol);
        assertTrue(free.pass());
        assertEquals(8, free.steps().size());
        assertEquals(-1, free.firstFailingStep());
    }

    @Test
    void teacherForcingKeepsErrorsFromAccumulatingWhileFreeRunningShowsDrift() throws Exception {
        // Each step is off by a relative 1e-3: teacher-forced error stays 1e-3 relative, free-running compounds it.
        ChainComparison.Step sloppy = (k, x) -> x.mul(2 * (1 + 1e-3));
        Tolerance tol = Tolerance.of(0, 2.5e-3, "test: one step's error fits, three compounded do not");
        ChainResult forced = ChainComparison.teacherForced("x", trajectory(8), sloppy, tol);
        ChainResult free = ChainComparison.freeRunning("x", trajectory(8), sloppy, tol);
        assertTrue(forced.pass(), forced.driftSummary());
        assertFalse(free.pass());
        assertEquals(2, free.firstFailingStep(), "step 2 carries (1.001)^3-1 > 2.5e-3");
        double[] drift = free.drift();
        for (int k = 1; k < drift.length; k++) {
            assertTrue(drift[k] > drift[k - 1], "drift grows");
        }
        assertEquals("x@step2", free.worst().name());
        assertEquals("free-running, 8 steps, drift max|Δ|: step0 2e-3, step2 2.4e-2, step4 1.6e-1, step6 9e-1,"
                + " step7 2.1e0; first failing step 2", free.driftSummary());
    }

    @Test
    void chainBecomesOneReportLineWithTheWorstStep() throws Exception {
        SyntheticGolden s = new SyntheticGolden(dir);
        s.entry("langevin_chain", "particle2d", new float[] {1, 2});
        Golden g = GoldenManifest.load(s.write()).golden("langevin_chain", "particle2d");
        ChainResult r = ChainComparison.freeRunning("x", trajectory(4), (k, x) -> x.mul(2.001), Tolerance.of(0, 1e-2, "t"));
        TensorResult t = r.toTensorResult(g);
        assertEquals("langevin_chain/particle2d/x[free-running]", t.path());
        assertEquals("[2,2]→[1]×4", t.shapes());
        assertTrue(t.note().startsWith("free-running, 4 steps"), t.note());
    }
}
