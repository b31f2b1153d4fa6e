package ibc4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.runtime.PhaseTimer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The benchmark pieces with tiny shapes: statistics, phase timer, GEMM floor bookkeeping, the step's phases. */
class BenchPlumbingTest {
    static final BenchShapes TINY = new BenchShapes(4, 2, 3, 16, 3, 2, 8);

    @Test
    void summaryMedianMinMax() {
        Summary odd = Summary.of(new double[] {3, 1, 2});
        assertEquals(2, odd.median());
        assertEquals(1, odd.min());
        assertEquals(3, odd.max());
        assertEquals(2.5, Summary.of(new double[] {4, 1, 3, 2}).median());
        assertThrows(IllegalArgumentException.class, () -> Summary.of(new double[0]));
    }

    @Test
    void phaseTimerRecordsPerCallAndOffRecordsNothing() {
        PhaseTimer t = PhaseTimer.on();
        t.lap("outside"); // no begin: ignored
        for (int call = 0; call < 3; call++) {
            t.begin();
            t.lap("a");
            t.lap("b");
            t.lap("a"); // a recurring phase adds up within the call
            t.end();
        }
        Map<String, double[]> s = t.samples();
        assertEquals(List.of("a", "b"), List.copyOf(s.keySet()));
        assertEquals(3, s.get("a").length);
        assertEquals(List.of("a", "b"), List.copyOf(t.medians().keySet()));
        t.reset();
        assertTrue(t.samples().isEmpty());
        PhaseTimer.OFF.begin();
        PhaseTimer.OFF.lap("x");
        PhaseTimer.OFF.end();
        assertTrue(PhaseTimer.OFF.samples().isEmpty());
        assertFalse(PhaseTimer.OFF.enabled());
    }

    @Test
    void gemmFloorCountsFlopsAndRuns() {
        GemmFloor f = new GemmFloor(List.of(new GemmFloor.Shape("x", 8, 4, 3, false, true, 'f', 5),
                new GemmFloor.Shape("y", 4, 4, 8, true, false, 'c', 2)));
        assertEquals(2.0 * 8 * 4 * 3 * 5 + 2.0 * 4 * 4 * 8 * 2, f.flops());
        assertEquals(7, f.gemmCount());
        f.run();
        assertEquals("NT", f.describe().get(0).get("op"));
    }

    @Test
    void tileRepeatsEachRowConsecutively() {
        INDArray x = Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}});
        INDArray t = Workloads.tile(x, 3);
        assertEquals(Nd4j.createFromArray(new float[][] {{1, 2}, {1, 2}, {1, 2}, {3, 4}, {3, 4}, {3, 4}}), t);
    }

    @Test
    void trainStepTimesEveryPhaseOfTheAgentsStep() {
        Workload w = Workloads.trainStep(TINY, true);
        w.call();
        w.call();
        assertEquals(List.of("sampling", "langevin", "forward", "loss", "backward", "penalty", "optimizer"),
                List.copyOf(w.phases().samples().keySet()));
        assertEquals(2, w.phases().samples().get("langevin").length);
        assertFalse(Workloads.trainStep(TINY, false).phases().enabled());
    }
}
