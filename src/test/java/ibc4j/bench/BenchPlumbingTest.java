package ibc4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The benchmark pieces with tiny shapes: statistics, phase timer, GEMM floor bookkeeping, the composed step. */
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
        for (int call = 0; call < 3; call++) {
            t.begin();
            t.lap("a");
            t.lap("b");
            t.lap("a"); // a recurring phase adds up within the call
            t.end();
        }
        Map<String, Summary> s = t.summaries();
        assertEquals(List.of("a", "b"), List.copyOf(s.keySet()));
        assertEquals(3, s.get("a").n());
        t.reset();
        assertTrue(t.summaries().isEmpty());
        PhaseTimer.OFF.begin();
        PhaseTimer.OFF.lap("x");
        PhaseTimer.OFF.end();
        assertTrue(PhaseTimer.OFF.summaries().isEmpty());
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
    void composedTrainStepUpdatesTheWeightsAndTimesEveryPhase() {
        PhaseTimer timer = PhaseTimer.on();
        TrainStepComposition step = new TrainStepComposition(TINY, 0, timer);
        INDArray before = step.net().graph().params().dup();
        step.step();
        step.step();
        assertTrue(Double.isFinite(step.lastLoss()) && step.lastLoss() > 0, "loss " + step.lastLoss());
        assertNotEquals(before, step.net().graph().params());
        assertEquals(List.of("sampling", "langevin", "forward", "loss", "penalty", "backward", "optimizer"),
                List.copyOf(timer.summaries().keySet()));
        assertEquals(2, timer.summaries().get("langevin").n());
    }

    @Test
    void externalErrorBackpropLandsInTheFlatGradientLayout() {
        // The composed step relies on graph.backpropGradient(dL/df) filling getFlattenedGradients() in params()
        // layout: head_bias' gradient must be Σ dL/df and head_kernel's h_topᵀ·dL/df.
        TrainStepComposition step = new TrainStepComposition(TINY, 0, PhaseTimer.OFF);
        var net = step.net();
        var graph = net.graph();
        int rows = 6;
        INDArray obs = Workloads.uniform(rows, TINY.obsDim(), -1, 1, 5);
        INDArray act = Workloads.uniform(rows, TINY.actDim(), -1, 1, 6);
        INDArray eps = Workloads.uniform(rows, 1, -1, 1, 7);
        Map<String, INDArray> acts = graph.feedForward(new INDArray[] {obs, act}, true, false);
        graph.backpropGradient(eps);
        Map<String, INDArray> g = net.viewsOf(graph.getFlattenedGradients());
        assertEquals(eps.sumNumber().doubleValue(), g.get("head_bias").getDouble(0), 1e-5);
        INDArray top = acts.get(topVertex(acts));
        INDArray want = top.transpose().mmul(eps).reshape(TINY.width(), 1);
        assertTrue(want.equalsWithEps(g.get("head_kernel").reshape(TINY.width(), 1), 1e-4),
                "head_kernel gradient " + g.get("head_kernel") + " vs " + want);
        assertEquals(DataType.FLOAT, graph.getFlattenedGradients().dataType());
    }

    /** The last residual vertex (one block here), which feeds the head. */
    private static String topVertex(Map<String, INDArray> acts) {
        return acts.keySet().stream().filter(k -> k.endsWith("_residual")).findFirst()
                .orElseThrow(() -> new AssertionError("no residual vertex in " + acts.keySet()));
    }
}
