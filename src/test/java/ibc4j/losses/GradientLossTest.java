package ibc4j.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link GradientLoss}: IBC's inf-norm margin penalty on known values, and its gradient by finite differences. */
class GradientLossTest {

    @Test
    void infNormMarginSquaredMeanOverAllActions() {
        // B=1, m=2 (a counter example and the true action): norms 3 and 0.5 → (3-1)² and clip(-0.5)=0 → mean 2.
        INDArray g = Nd4j.createFromArray(new float[][] {{-3f, 2f}, {0.5f, -0.25f}});
        GradientLoss.Penalty p = GradientLoss.gradPenalty(g, 1, "inf", 1f, true, 1f, 1f);
        assertEquals(3.0, p.norms().getDouble(0, 0), 0);
        assertEquals(2.0, p.perExample().getDouble(0), 1e-6);
        // d/dg[0,0] = (1/m)·2·(3-1)·sign(-3) = -2; the other entries get nothing.
        assertEquals(-2.0, p.gradActionGrads().getDouble(0, 0), 1e-6);
        assertEquals(0.0, p.gradActionGrads().getDouble(0, 1), 0);
        assertEquals(0.0, p.gradActionGrads().getDouble(1, 0), 0);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        Nd4j.getRandom().setSeed(3);
        INDArray g = Nd4j.rand(DataType.FLOAT, 6, 3).muli(6f).subi(3f);
        for (String type : new String[] {"inf", "1", "2"}) {
            GradientLoss.Penalty p = GradientLoss.gradPenalty(g, 2, type, 1f, true, 1f, 0.5f);
            float eps = 1e-3f;
            for (int r = 0; r < 6; r++) {
                for (int c = 0; c < 3; c++) {
                    INDArray up = g.dup();
                    up.putScalar(r, c, g.getFloat(r, c) + eps);
                    INDArray dn = g.dup();
                    dn.putScalar(r, c, g.getFloat(r, c) - eps);
                    double fd = 0.5 * (GradientLoss.gradPenalty(up, 2, type, 1f, true, 1f, 1f).perExample()
                            .sumNumber().doubleValue() - GradientLoss.gradPenalty(dn, 2, type, 1f, true, 1f, 1f)
                            .perExample().sumNumber().doubleValue()) / (2 * eps);
                    // penalty values ~1-10 in float32 (ulp ~1e-6) over 2·eps: FD noise ~1e-3; the max is piecewise
                    // linear, so away from ties FD is exact up to that noise.
                    assertEquals(fd, p.gradActionGrads().getDouble(r, c), 3e-3, type + " [" + r + "," + c + "]");
                }
            }
        }
    }

    @Test
    void rejectsRowsThatDoNotSplitIntoTheBatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradientLoss.gradPenalty(Nd4j.zeros(DataType.FLOAT, 5, 2), 2, "inf", 1f, true, 1f, 1f));
        assertEquals("actionGrads: expected [B*m, A] with B = 2, got [5, 2]", e.getMessage());
    }

    /** IBC's transpose-then-reshape: example b's terms are its chains' norms, chain by chain. */
    @Test
    void alongTheChainNormsAreGroupedByExample() {
        ibc4j.networks.MLPEBM net = ibc4j.networks.MLPEBM.create(ibc4j.networks.MLPEBM.Config.particle().withWidth(4),
                1, 1, 0);
        INDArray norms = Nd4j.createFromArray(new float[][] {{3f, 0.5f}, {2f, 1.5f}}); // [K=2, B·n=2]
        ibc4j.losses.ChainData chain = new ibc4j.losses.ChainData(null, null, norms);
        GradientLoss.PenaltyAndGradient one = GradientLoss.gradPenalty(net, "inf", 1, chain, null, null, true, false,
                1.0, true, 1.0);
        // B = 1, n = 2: terms (3, 2, 0.5, 1.5) → (2², 1², 0, 0.5²) → 5.25 / 4.
        assertEquals(1.3125, one.perExample().getDouble(0), 0);
        assertEquals(java.util.List.of(3.0, 2.0, 0.5, 1.5), java.util.Arrays.stream(one.norms().dup().data().asDouble())
                .boxed().toList());
        GradientLoss.PenaltyAndGradient two = GradientLoss.gradPenalty(net, "inf", 2, chain, null, null, true,
                false, 1.0, true, 0.5);
        // B = 2, n = 1: (3, 2) → 2.5 and (0.5, 1.5) → 0.125, times weight 0.5.
        assertEquals(1.25, two.perExample().getDouble(0), 0);
        assertEquals(0.0625, two.perExample().getDouble(1), 0);
        assertEquals(0.0, two.paramGradient().amaxNumber().doubleValue(), 0, "not under the gradient: constants");
        assertThrows(IllegalArgumentException.class, () -> GradientLoss.gradPenalty(net, "inf", 1, null, null, null,
                true, false, 1.0, true, 1.0));
    }

    /** The chain's norms as functions of the weights: the penalty's gradient against central differences. */
    @Test
    void alongTheChainGradientMatchesFiniteDifferencesInDouble() {
        DataType saved = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            ibc4j.networks.MLPEBM net = ibc4j.networks.MLPEBM.create(
                    ibc4j.networks.MLPEBM.Config.particle().withWidth(8), 3, 2, 5);
            net.graph().params().muli(12.0); // most norms above the margin
            int b = 2;
            int n = 3;
            int k = 4;
            Nd4j.getRandom().setSeed(9);
            INDArray obs = Nd4j.rand(DataType.DOUBLE, b * n, 3).muli(4).subi(2);
            INDArray[] inputs = new INDArray[k];
            for (int s = 0; s < k; s++) {
                inputs[s] = Nd4j.rand(DataType.DOUBLE, b * n, 2).muli(2).subi(1);
            }
            GradientLoss.PenaltyAndGradient p = GradientLoss.gradPenalty(net, "inf", b, chain(net, obs, inputs),
                    null, null, true, false, 1.0, true, 1.0);
            double above = 0;
            for (double v : p.norms().dup().data().asDouble()) {
                above += v > 1 ? 1 : 0;
            }
            assertTrue(above > 0 && above < b * n * k, "some norms on each side of the margin: " + above);
            INDArray theta = net.graph().params().reshape(net.graph().numParams());
            double h = 1e-6;
            double scale = p.paramGradient().amaxNumber().doubleValue();
            double worst = 0;
            for (long i = 0; i < theta.length(); i++) {
                double v = theta.getDouble(i);
                theta.putScalar(i, v + h);
                double lp = loss(net, obs, inputs, b);
                theta.putScalar(i, v - h);
                double lm = loss(net, obs, inputs, b);
                theta.putScalar(i, v);
                worst = Math.max(worst, Math.abs((lp - lm) / (2 * h) - p.paramGradient().getDouble(i)) / scale);
            }
            // Double central differences of a piecewise-quadratic function: ~1e-9 of the gradient's scale away
            // from ReLU and max switches; a missing step or a wrong 1/K would be O(1).
            assertTrue(worst < 1e-6, "along-the-chain penalty gradient vs finite differences: " + worst);
        } finally {
            Nd4j.setDefaultDataTypes(saved, saved);
        }
    }

    /** A chain record over fixed step inputs, its norms from the network as it stands, under the gradient. */
    private static ibc4j.losses.ChainData chain(ibc4j.networks.MLPEBM net, INDArray obs, INDArray[] inputs) {
        int k = inputs.length;
        int m = (int) obs.size(0);
        ibc4j.networks.EbmKernel kernel = ibc4j.networks.EbmKernel.create(net, m);
        INDArray norms = Nd4j.create(DataType.DOUBLE, k, m);
        INDArray outputs = Nd4j.create(DataType.DOUBLE, k, m, 2);
        for (int s = 0; s < k; s++) {
            INDArray g = kernel.actionGradient(obs, inputs[s]);
            norms.getRow(s).assign(org.nd4j.linalg.ops.transforms.Transforms.abs(g, true).max(1));
            outputs.slice(s).assign(s + 1 < k ? inputs[s + 1] : inputs[s]);
        }
        return new ibc4j.losses.ChainData(outputs, null, norms, inputs[0], null, false).withSource(obs, true);
    }

    private static double loss(ibc4j.networks.MLPEBM net, INDArray obs, INDArray[] inputs, int b) {
        return GradientLoss.gradPenalty(net, "inf", b, chain(net, obs, inputs), null, null, true, false, 1.0, true,
                1.0).perExample().meanNumber().doubleValue();
    }
}
