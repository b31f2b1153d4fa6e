package ibc4j.networks;

import static ibc4j.networks.EbmKernelTest.assertClose;
import static ibc4j.networks.EbmKernelTest.cfg;
import static ibc4j.networks.EbmKernelTest.scaleParams;
import static ibc4j.networks.EbmKernelTest.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The fused Langevin path of {@link PreActivationKernel} (Vector API passes around the 2 GEMMs) against the per-op
 * path and the unprepared path, in float32; the per-op path is itself checked against the graph and finite
 * differences in {@link EbmKernelTest}.
 */
class FusedPassesTest {
    @BeforeEach
    void needsVectorApi() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        assumeTrue(PreActivationKernel.fusedAvailable(),
                "jdk.incubator.vector not in the boot layer (surefire passes --add-modules jdk.incubator.vector)");
    }

    /** Observations tiled as IBC's tile_batch does: each row repeated {@code n} times, consecutively. */
    static INDArray tiled(INDArray obs, int n) {
        return obs.repeat(0, n).dup('c');
    }

    @ParameterizedTest
    @CsvSource({"256,2,1", "256,2,8", "40,3,1", "40,3,5", "16,1,4", "7,2,3"})
    void fusedEqualsPerOpPath(int width, int actDim, int tile) {
        int rows = 120;
        MLPEBM net = MLPEBM.create(cfg("ResNetPreActivation", width, 2), 6, actDim, 3);
        // O(1) pre-activations, so both masks are far from trivial; larger would make the float32 sums cancel.
        scaleParams(net, 6.0 * Math.sqrt(40.0 / Math.max(width, 40)));
        INDArray obs = tiled(uniform(1, rows / tile, 6, -2, 2), tile);
        PreActivationKernel fused = new PreActivationKernel(net, rows, true);
        PreActivationKernel perOp = new PreActivationKernel(net, rows, false);
        assertTrue(fused.isFused());
        assertFalse(perOp.isFused());
        fused.prepareObservations(obs);
        perOp.prepareObservations(obs);
        for (int call = 0; call < 3; call++) {
            INDArray act = uniform(10 + call, rows, actDim, -1, 1);
            INDArray want = perOp.actionGradient(act).dup();
            INDArray got = fused.actionGradient(act);
            assertSame(got, fused.actionGradient(act), "the kernel's own buffer");
            // The A-wide products are summed in another order than OpenBLAS's thin GEMMs: a few ulps.
            assertClose("fused dE/da, call " + call, want, got, 2e-6, 1e-5);
            assertClose("fused vs unprepared", fused.actionGradient(obs, act), got, 2e-6, 1e-5);
        }
    }

    /** a ← clip(a + 0.05·∂f/∂a, ±1) on one row: a stand-in for the Langevin update. */
    static EbmKernel.RowUpdate ascend(EbmKernel k, INDArray act) {
        java.nio.FloatBuffer g = k.chainGradients().data().asNioFloat();
        java.nio.FloatBuffer a = act.data().asNioFloat();
        int dim = (int) act.size(1);
        return row -> {
            for (int j = row * dim; j < (row + 1) * dim; j++) {
                a.put(j, Math.max(-1f, Math.min(1f, a.get(j) + 0.05f * g.get(j))));
            }
        };
    }

    @ParameterizedTest
    @CsvSource({"256,2,8,512", "40,3,5,120", "256,2,8,4096"})
    void fusedChainStepsEqualGradientThenUpdate(int width, int actDim, int tile, int rows) {
        MLPEBM net = MLPEBM.create(cfg("ResNetPreActivation", width, 2), 6, actDim, 3);
        scaleParams(net, 6.0 * Math.sqrt(40.0 / Math.max(width, 40)));
        INDArray obs = tiled(uniform(1, rows / tile, 6, -2, 2), tile);
        PreActivationKernel fused = new PreActivationKernel(net, rows, true);
        PreActivationKernel perOp = new PreActivationKernel(net, rows, false);
        fused.prepareObservations(obs);
        perOp.prepareObservations(obs);
        INDArray a1 = uniform(20, rows, actDim, -1, 1);
        INDArray a2 = a1.dup();
        fused.beginChain(a1, true);
        perOp.beginChain(a2, true);
        EbmKernel.RowUpdate u1 = ascend(fused, a1);
        EbmKernel.RowUpdate u2 = ascend(perOp, a2);
        for (int k = 0; k < 4; k++) {
            if (k == 2) {
                fused.energies(a1); // another call rewrites the kernel's buffers mid-chain: the chain must notice
            }
            INDArray g1 = fused.chainStep(u1);
            INDArray g2 = perOp.chainStep(u2);
            assertSame(fused.chainGradients(), g1);
            assertClose("chain gradient, step " + k, g2, g1, 2e-6, 1e-5);
            // f = h0·wo + relu(z)·cq + const instead of (h0 + relu(z)·W2 + b2)·wo + bo: rounding order only.
            assertClose("chain energies, step " + k, perOp.lastEnergies(), fused.lastEnergies(), 2e-6, 1e-5);
            assertClose("chain actions, step " + k, a2, a1, 2e-6, 1e-5);
        }
    }

    @Test
    void weightChangesAreSeenAfterPreparingAgain() {
        int rows = 64;
        MLPEBM net = MLPEBM.create(cfg("ResNetPreActivation", 32, 2), 4, 2, 9);
        scaleParams(net, 6.0);
        INDArray obs = tiled(uniform(1, 8, 4, -2, 2), 8);
        INDArray act = uniform(2, rows, 2, -1, 1);
        PreActivationKernel fused = new PreActivationKernel(net, rows, true);
        PreActivationKernel perOp = new PreActivationKernel(net, rows, false);
        fused.prepareObservations(obs);
        fused.actionGradient(act);
        net.graph().params().muli(0.7); // as an optimiser step would, in place
        fused.prepareObservations(obs);
        perOp.prepareObservations(obs);
        assertClose("after a weight update", perOp.actionGradient(act), fused.actionGradient(act), 2e-6, 1e-5);
    }

    @Test
    void viewsAndNonContiguousInputsAreCopiedFirst() {
        int rows = 30;
        MLPEBM net = MLPEBM.create(cfg("ResNetPreActivation", 48, 2), 5, 2, 4);
        scaleParams(net, 6.0);
        INDArray obsWide = uniform(1, rows, 9, -2, 2);
        INDArray obs = obsWide.get(NDArrayIndex.all(), NDArrayIndex.interval(2, 7)); // strided view
        INDArray actWide = uniform(2, rows + 3, 2, -1, 1);
        INDArray act = actWide.get(NDArrayIndex.interval(3, rows + 3), NDArrayIndex.all()); // offset view
        INDArray actF = act.dup('f');
        PreActivationKernel fused = new PreActivationKernel(net, rows, true);
        PreActivationKernel perOp = new PreActivationKernel(net, rows, false);
        fused.prepareObservations(obs);
        perOp.prepareObservations(obs.dup('c'));
        INDArray want = perOp.actionGradient(act.dup('c')).dup();
        assertClose("offset view", want, fused.actionGradient(act).dup(), 2e-6, 1e-5);
        assertClose("f-order", want, fused.actionGradient(actF), 2e-6, 1e-5);
    }

    @Test
    void onlyOneBlockInFloat32IsFused() {
        MLPEBM deep = MLPEBM.create(cfg("ResNetPreActivation", 16, 4), 4, 2, 1);
        assertFalse(new PreActivationKernel(deep, 8, true).isFused(), "two blocks");
        MLPEBM one = MLPEBM.create(cfg("ResNetPreActivation", 16, 2), 4, 2, 1);
        assertTrue(new PreActivationKernel(one, 8, true).isFused());
        assertEquals(one.dataType(), DataType.FLOAT);
    }
}
