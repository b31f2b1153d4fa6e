package ibc4j.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The comparator's math on hand-built arrays: pass-rule edges, NaN, infinities, shapes, the rel floor, texts. */
class ComparisonTest {
    // Binary-exact numbers so the edge of the pass rule is exactly representable: allowed = 0.25 + 0.5*1 = 0.75.
    private static final Tolerance QUARTER = Tolerance.of(0.25, 0.5, "test: exactly representable edge");

    private static INDArray d(double... v) {
        return Nd4j.createFromArray(v);
    }

    @Test
    void identicalArraysPassWithZeroError() {
        Comparison c = Comparison.of("x", d(1, -2, 3), d(1, -2, 3), Tolerance.exact("copy"));
        assertTrue(c.pass());
        assertEquals(0, c.maxAbs());
        assertEquals(0, c.failing());
        assertEquals(3, c.count());
    }

    @Test
    void aComparisonOverNothingFails() {
        Comparison c = Comparison.of("rows", Nd4j.create(DataType.DOUBLE, 0, 2), Nd4j.create(DataType.DOUBLE, 0, 2),
                QUARTER);
        assertFalse(c.pass(), "nothing compared is not a pass");
        assertTrue(c.detail().startsWith("0 elements compared"), c.detail());
    }

    @Test
    void exclusionsWithinTheirCapPassAndArePrinted() {
        Comparison c = Comparison.of("x", d(1, 2), d(1, 2), QUARTER).excusing(new Excused(1, 50, 0.05, "near a kink"));
        assertTrue(c.pass());
        assertTrue(c.detail().endsWith("1 of 50 excused (2.00 %, cap 5 %): near a kink"), c.detail());
        assertEquals(0.02, c.excused().fraction(), 1e-15);
    }

    @Test
    void exclusionsOverTheirCapFailEvenWhenTheRestMatches() {
        Comparison over = Comparison.of("x", d(1, 2), d(1, 2), QUARTER).excusing(new Excused(3, 50, 0.05, "kinks"));
        assertFalse(over.pass());
        assertTrue(over.detail().startsWith("too much left out: 3 of 50 excused"), over.detail());
        // Excusing everything is over any cap, however large.
        assertTrue(new Excused(4, 4, 0.99, "all").overCap());
        assertFalse(new Excused(0, 4, 0, "none").overCap());
        assertThrows(IllegalArgumentException.class, () -> new Excused(1, 4, 1.0, "a cap of 100 % excuses all"));
        assertThrows(IllegalStateException.class, () -> over.excusing(new Excused(0, 1, 0.1, "twice")));
    }

    @Test
    void passRuleIsInclusiveAtTheEdge() {
        assertTrue(Comparison.of("x", d(1.0), d(1.75), QUARTER).pass());
        assertTrue(Comparison.of("x", d(1.0), d(0.25), QUARTER).pass());
        assertFalse(Comparison.of("x", d(1.0), d(Math.nextUp(1.75)), QUARTER).pass());
        assertFalse(Comparison.of("x", d(-1.0), d(-1.75 - 1e-9), QUARTER).pass(), "rtol scales with |e|, sign-free");
    }

    @Test
    void exactToleranceFailsOnAnyDifferenceAndPicksTheLargest() {
        Comparison c = Comparison.of("ids", d(1, 2, 3), d(1, 2.5, 5), Tolerance.exact("integers"));
        assertEquals(2, c.failing());
        assertArrayEquals(new long[] {2}, c.worstIndex());
        assertEquals(2.0, c.maxAbs());
    }

    @Test
    void nanOnEitherSideCountsAsFailure() {
        Comparison c = Comparison.of("x", d(1, Double.NaN, 3), d(1, Double.NaN, Double.NaN), QUARTER);
        assertFalse(c.pass());
        assertEquals(2, c.failing());
        assertEquals(2, c.nanCount());
        assertTrue(Double.isNaN(c.maxAbs()));
        assertArrayEquals(new long[] {1}, c.worstIndex(), "the first NaN is the worst element");
        assertTrue(c.detail().endsWith("(2 NaN)"), c.detail());
    }

    @Test
    void infinitiesMatchOnlyThemselves() {
        double inf = Double.POSITIVE_INFINITY;
        assertTrue(Comparison.of("x", d(inf, -inf), d(inf, -inf), QUARTER).pass());
        Comparison c = Comparison.of("x", d(inf), d(1e300), QUARTER);
        assertFalse(c.pass(), "rtol*inf must not admit a finite value");
        assertFalse(Comparison.of("x", d(1), d(inf), QUARTER).pass());
    }

    @Test
    void shapeMismatchFailsWithoutComparingValues() {
        Comparison c = Comparison.of("energies", d(1, 2, 3, 4).reshape(2, 2), d(1, 2, 3, 4), QUARTER);
        assertFalse(c.pass());
        assertEquals("energies: shape mismatch: tf=[2,2] ibc4j=[4]", c.failureText());
        assertEquals(0, c.count());
    }

    @Test
    void dtypeMismatchFails() {
        Comparison c = Comparison.of("e", d(1, 2).castTo(DataType.FLOAT), d(1, 2), QUARTER);
        assertFalse(c.pass());
        assertEquals("e: dtype mismatch: tf=float32 ibc4j=float64", c.failureText());
    }

    @Test
    void relativeErrorSkipsExpectedValuesBelowTheFloor() {
        Comparison c = Comparison.of("x", d(0, 2), d(1e-7, 2.000002), Tolerance.of(1e-6, 1e-5, "test"));
        assertTrue(c.pass());
        assertEquals(2e-6, c.maxAbs(), 1e-12);
        assertEquals(1e-6, c.maxRel(), 1e-12, "the 0 element is out of max rel; 2e-6/2 remains");
        assertEquals((1e-7 + 2e-6) / 2, c.meanAbs(), 1e-12);
    }

    @Test
    void failureTextNamesCountsToleranceAndWorstElement() {
        float[] e = {1, 2, 3, 4, 5, 5.545177f, 7, 8};
        float[] a = e.clone();
        a[2] = 3.0001f;
        a[5] = 5.545449f;
        Comparison c = Comparison.of("per_example_loss", Nd4j.createFromArray(e), Nd4j.createFromArray(a),
                Tolerance.of(1e-6, 1e-5, "test"));
        assertEquals("per_example_loss: 2 of 8 elements exceed rtol=1e-5 (atol=1e-6); worst [5]: tf=5.545177 "
                + "ibc4j=5.545449 |Δ|/|tf|=4.9e-5", c.failureText());
    }

    @Test
    void worstIndexIsCOrderAndViewsCompareTheirOwnElements() {
        INDArray big = Nd4j.arange(12).reshape(3, 4).castTo(DataType.DOUBLE);
        INDArray view = big.get(NDArrayIndex.interval(1, 3), NDArrayIndex.interval(1, 3));   // [[5,6],[9,10]]
        INDArray actual = Nd4j.createFromArray(new double[][] {{5, 6}, {9, 10.5}});
        Comparison c = Comparison.of("v", view, actual, Tolerance.of(0, 1e-3, "test"));
        assertFalse(c.pass());
        assertArrayEquals(new long[] {1, 1}, c.worstIndex());
        assertEquals(10.0, c.worstExpected());
        assertEquals(10.5, c.worstActual());
    }

    @Test
    void passingDetailReportsHeadroom() {
        Comparison c = Comparison.of("y", d(2), d(2.25), QUARTER);   // 0.25 of allowed 1.25 = 20%
        assertEquals("y: 1 elements within rtol=0.5 (atol=0.25); max |Δ|=2.5e-1, worst [0]: tf=2 ibc4j=2.25 "
                + "|Δ|/|tf|=1.3e-1 at 20% of tolerance", c.failureText());
    }

    @Test
    void toleranceNeedsAOneLineReasonAndSaneNumbers() {
        assertThrows(IllegalArgumentException.class, () -> Tolerance.of(1e-6, 1e-5, " "));
        assertThrows(IllegalArgumentException.class, () -> Tolerance.of(1e-6, 1e-5, null));
        assertThrows(IllegalArgumentException.class, () -> Tolerance.of(1e-6, 1e-5, "two\nlines"));
        assertThrows(IllegalArgumentException.class, () -> Tolerance.of(-1, 1e-5, "neg"));
        assertThrows(IllegalArgumentException.class, () -> Tolerance.of(Double.NaN, 1e-5, "nan"));
        assertEquals("atol=1e-6 rtol=1e-5", Tolerance.of(1e-6, 1e-5, "ok").describe());
    }

    @Test
    void formatting() {
        assertEquals("4.9e-5", Fmt.sci(4.9e-5));
        assertEquals("1e-6", Fmt.sci(1e-6));
        assertEquals("5.545177", Fmt.value(5.545177f));
        assertEquals("-1.234568e-8", Fmt.value(-1.2345678e-8));
        assertEquals("[]", Fmt.shape(new long[0]));
        assertEquals("1e-5", Fmt.exact(1e-5));
        assertEquals("0.25", Fmt.exact(0.25));
        assertEquals("2.5e-7", Fmt.exact(2.5e-7));
        assertEquals("0", Fmt.exact(0));
    }
}
