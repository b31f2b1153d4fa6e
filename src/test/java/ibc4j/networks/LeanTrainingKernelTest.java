package ibc4j.networks;

import static ibc4j.networks.EbmKernelTest.cfg;
import static ibc4j.networks.EbmKernelTest.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.runtime.RestoresDefaultDataTypes;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The lean training kernel (per block only relu1 and relu2 kept, the rest shared between blocks) gives the full
 * kernel's energies and parameter gradient bit for bit, and refuses what it cannot compute.
 */
@ExtendWith(RestoresDefaultDataTypes.class)
class LeanTrainingKernelTest {
    private static MLPEBM net(DataType dt, int width, int depth) {
        Nd4j.setDefaultDataTypes(dt, dt);
        MLPEBM net = MLPEBM.create(cfg("ResNetPreActivation", width, depth), 7, 3, 41);
        EbmKernelTest.scaleParams(net, 4.0); // ReLUs on both sides of 0 in every layer
        net.call(true);
        return net;
    }

    /** depth 2·L for L blocks; FLOAT runs the fused trunk passes (the Vector API is on in tests), DOUBLE per-op. */
    @ParameterizedTest
    @CsvSource({"FLOAT,2,24", "FLOAT,4,24", "FLOAT,8,32", "FLOAT,16,20", "DOUBLE,2,24", "DOUBLE,8,32",
            "DOUBLE,16,20"})
    void leanGivesTheFullKernelsEnergiesAndGradientBitForBit(DataType dt, int depth, int width) {
        MLPEBM net = net(dt, width, depth);
        int rows = 150;
        INDArray obs = uniform(1, rows, 7, -2, 2).castTo(dt);
        INDArray act = uniform(2, rows, 3, -1, 1).castTo(dt);
        INDArray dLdf = uniform(3, rows, 1, -1, 1).castTo(dt).reshape(rows);
        INDArray fFull;
        INDArray gFull;
        try (MLPEBM.TrainingPass p = net.trainingPass(obs, act, false)) {
            fFull = p.energies().dup();
            gFull = p.paramGradient(dLdf).dup();
        }
        INDArray fLean;
        INDArray gLean;
        try (MLPEBM.TrainingPass p = net.trainingPass(obs, act, true)) {
            fLean = p.energies().dup();
            gLean = p.paramGradient(dLdf).dup();
        }
        assertBitwise("energies", fFull, fLean);
        assertBitwise("parameter gradient", gFull, gLean);
        assertTrue(gFull.amaxNumber().doubleValue() > 0, "a gradient that is all zeros proves nothing");
    }

    /**
     * The backward's masks read relu1 and relu2 instead of the pre-activations: [relu(x) > 0] is [x > 0] for every
     * float, zeros and NaN included, checked here on the states of a full kernel.
     */
    @Test
    void theMasksOfTheActivationsAreTheMasksOfThePreActivations() {
        MLPEBM net = net(DataType.FLOAT, 24, 8);
        PreActivationKernel k = new PreActivationKernel(net, 120, true);
        INDArray obs = uniform(4, 120, 7, -2, 2);
        INDArray act = uniform(5, 120, 3, -1, 1);
        k.energies(obs, act);
        int positive = 0;
        for (int l = 0; l < k.numBlocks; l++) {
            assertBitwise("mask of dense1, block " + l, gt0(k.z[l]), gt0(k.a2[l]));
            assertBitwise("mask of the residual stream, block " + l, gt0(k.h[l]), gt0(k.a1[l]));
            positive += gt0(k.z[l]).sumNumber().intValue();
        }
        assertTrue(positive > 0 && positive < 120 * 24 * k.numBlocks, "ReLUs on both sides of 0");
        INDArray special = Nd4j.createFromArray(new float[] {0f, -0f, Float.NaN, -1f, 1e-40f, -1e-40f,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}).reshape(1, 8);
        INDArray relu = Nd4j.create(DataType.FLOAT, 1, 8);
        EbmKernel.relu(special, relu);
        assertBitwise("mask of special values", gt0(special), gt0(relu));
    }

    @Test
    void aLeanKernelKeepsFewerBuffersAndRefusesWhatNeedsEveryBlock() {
        MLPEBM net = net(DataType.FLOAT, 16, 16);
        int rows = 40;
        PreActivationKernel full = new PreActivationKernel(net, rows, true, false);
        PreActivationKernel lean = new PreActivationKernel(net, rows, true, true);
        // 8 blocks: full keeps h (9, with the projection), relu1, dense1, relu2, dense2, δz (8 each) and γ (8,
        // with gz0); lean keeps relu1 and relu2 per block, and one dense1, dense2, δz, mid stream, last stream and
        // two γ, with the projection and gz0.
        assertEquals(57, distinctStates(full));
        assertEquals(25, distinctStates(lean));
        INDArray obs = uniform(6, rows, 7, -2, 2);
        INDArray act = uniform(7, rows, 3, -1, 1);
        assertRefused(() -> lean.actionGradient(obs, act), "the action gradient");
        assertRefused(() -> lean.gradPenaltyParamGradients(obs, act, 1.0, 1.0,
                Nd4j.create(DataType.FLOAT, net.graph().params().shape())), "the gradient penalty");
        assertRefused(lean::intermediates, "the per-layer intermediates");
    }

    private static int distinctStates(PreActivationKernel k) {
        Set<INDArray> s = Collections.newSetFromMap(new IdentityHashMap<>());
        for (INDArray[] group : new INDArray[][] {k.h, k.a1, k.z, k.a2, k.u, k.dz, k.gam}) {
            Collections.addAll(s, group);
        }
        return s.size();
    }

    private static void assertRefused(Executable call, String what) {
        IllegalStateException e = assertThrows(IllegalStateException.class, call::execute);
        assertTrue(e.getMessage().startsWith(what) && e.getMessage().contains("lean training kernel"),
                e.getMessage());
    }

    /** [x > 0] as the per-op backward computes it (ND4J's Step). */
    private static INDArray gt0(INDArray x) {
        INDArray out = Nd4j.create(x.dataType(), x.shape());
        EbmKernel.step(x, out);
        return out;
    }

    private static void assertBitwise(String what, INDArray expected, INDArray actual) {
        if (expected.dataType() == DataType.FLOAT) {
            assertArrayEquals(expected.dup().data().asFloat(), actual.dup().data().asFloat(), what);
        } else {
            assertArrayEquals(expected.dup().data().asDouble(), actual.dup().data().asDouble(), what);
        }
    }

    @FunctionalInterface
    private interface Executable {
        void execute() throws Throwable;
    }
}
