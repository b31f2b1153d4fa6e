package ibc4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.agents.BcAgent;
import ibc4j.agents.BcPolicy;
import ibc4j.agents.ImplicitBCAgent;
import ibc4j.agents.MdnAgent;
import ibc4j.agents.MseAgent;
import ibc4j.agents.mcmc.LangevinConfig;
import ibc4j.data.TensorSpec;
import ibc4j.networks.MLPEBM;
import ibc4j.networks.MLPMDN;
import ibc4j.networks.MLPMSE;
import ibc4j.normalizers.Normalizers;
import ibc4j.normalizers.SamplingSpec;
import ibc4j.optimizers.ExponentialDecay;
import ibc4j.optimizers.KerasAdam;
import ibc4j.runtime.NoiseSource;
import ibc4j.runtime.StepMemory;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training and inference inside {@link StepMemory} units (as train_eval runs them) compute exactly what they compute
 * without, for every agent family, and no array outlives its unit: ND4J's SCOPE_PANIC mode fails any op that reads
 * an array of a closed unit, and a cached buffer wrongly made inside a unit would be overwritten by the next unit and
 * change the numbers, which the bitwise comparison catches.
 */
class StepMemoryTest {
    private static final SamplingSpec SPEC = new SamplingSpec(null, null, -1f, 1f);
    private static final int STEPS = 3;
    private static final Normalizers.Std DENORM = new Normalizers.Std(new float[] {0.5f, -0.5f},
            new float[] {2f, 0.5f});

    @BeforeEach
    void panicOnLeaks() {
        Nd4j.getExecutioner().setProfilingMode(OpExecutioner.ProfilingMode.SCOPE_PANIC);
    }

    @AfterEach
    void calm() {
        Nd4j.getExecutioner().setProfilingMode(OpExecutioner.ProfilingMode.DISABLED);
    }

    private static KerasAdam adam(long numParams) {
        return new KerasAdam(new ExponentialDecay(1e-2f, 100, 0.99f), numParams);
    }

    private static INDArray[] batch(int b, int obs, int act, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[][] o = new float[b][obs];
        float[][] a = new float[b][act];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < obs; j++) {
                o[i][j] = (float) r.nextGaussian();
            }
            for (int j = 0; j < act; j++) {
                a[i][j] = (float) Math.tanh(o[i][0] - 0.5 * o[i][obs - 1] + 0.1 * j);
            }
        }
        return new INDArray[] {Nd4j.createFromArray(o), Nd4j.createFromArray(a)};
    }

    /** Trains two identical agents, one with each step in a unit; after every step losses and weights agree bitwise. */
    private static void sameTraining(Supplier<BcAgent> make, int obs, int act) {
        BcAgent plain = make.get();
        BcAgent scoped = make.get();
        assertArrayEquals(plain.flatParams().toFloatVector(), scoped.flatParams().toFloatVector());
        for (int s = 0; s < STEPS; s++) {
            INDArray[] b = batch(8, obs, act, 100 + s);
            float expected = plain.train(b[0], b[1], NoiseSource.seeded(11 + s)).totalLoss();
            float got;
            try (StepMemory mem = StepMemory.open("test_step")) {
                INDArray[] inUnit = {b[0].dup(), b[1].dup()}; // the loop makes its batch inside the unit too
                got = scoped.train(inUnit[0], inUnit[1], NoiseSource.seeded(11 + s)).totalLoss();
            }
            assertEquals(expected, got, "loss at step " + s);
            assertArrayEquals(plain.flatParams().toFloatVector(), scoped.flatParams().toFloatVector(),
                    "weights after step " + s);
            for (Map.Entry<String, INDArray> e : plain.networkState().entrySet()) {
                assertArrayEquals(e.getValue().toFloatVector(), scoped.networkState().get(e.getKey()).toFloatVector(),
                        e.getKey() + " after step " + s);
            }
        }
        samePolicy(plain.policy(), scoped.policy(), obs);
    }

    /** The greedy actions of two equal policies on the same noise, the second's inferences each in a unit. */
    private static void samePolicy(BcPolicy plain, BcPolicy scoped, int obs) {
        for (int t = 0; t < 3; t++) {
            Map<String, INDArray> o = Map.of("obs", batch(1, obs, 1, 7 + t)[0].reshape(1, 1, obs));
            float[] expected = plain.action(o, NoiseSource.seeded(21 + t)).toFloatVector();
            float[] got;
            try (StepMemory mem = StepMemory.open("test_action")) {
                got = scoped.action(o, NoiseSource.seeded(21 + t)).dup().toFloatVector();
            }
            assertArrayEquals(expected, got, "action " + t);
        }
    }

    private static Supplier<BcAgent> ebm(MLPEBM.Config config, boolean penalty, boolean spectralNorm) {
        return () -> {
            MLPEBM.Config c = spectralNorm ? new MLPEBM.Config(config.width(), config.depth(), config.rate(),
                    config.activation(), config.layers(), "normal", "normal", "spectral_norm") : config;
            MLPEBM net = MLPEBM.create(c, 3, 2, 5);
            return ImplicitBCAgent.builder(net, adam(net.graph().numParams()), SPEC).numCounterExamples(4)
                    .actionSpec(TensorSpec.bounded("action", -1f, 1f, 2)).addGradPenalty(penalty)
                    .langevin(LangevinConfig.ibcDefaults().withNumIterations(4)).build();
        };
    }

    @Test
    void implicitBcWithChainAndPenaltyIsUnchanged() {
        sameTraining(ebm(MLPEBM.Config.particle().withWidth(16), true, false), 3, 2);
    }

    @Test
    void implicitBcWithSpectralNormIsUnchanged() {
        sameTraining(ebm(MLPEBM.Config.particle().withWidth(16), true, true), 3, 2);
    }

    @Test
    void implicitBcOnTheLayeredKernelIsUnchanged() {
        for (String layers : List.of("MLPDropout", "ResNetOrig")) {
            sameTraining(ebm(MLPEBM.Config.particle().withWidth(16).withLayers(layers), false, false), 3, 2);
        }
    }

    @Test
    void mseWithDropoutIsUnchanged() {
        sameTraining(() -> {
            MLPMSE net = MLPMSE.create(MLPMSE.Config.particle().withWidth(16).withRate(0.1), 3, 2, 5, DENORM,
                    WorkspaceMode.ENABLED);
            return MseAgent.create(net, adam(net.graph().numParams()), TensorSpec.bounded("action", -1f, 1f, 2),
                    null);
        }, 3, 2);
    }

    @Test
    void mdnIsUnchanged() {
        sameTraining(() -> {
            MLPMDN net = MLPMDN.create(new MLPMDN.Config(16, 2, 0.1, "ResNetPreActivation", 4, 2.5, 1.5, 0.0), 3,
                    2, 5, DENORM);
            return MdnAgent.create(net, adam(net.graph().numParams()), TensorSpec.bounded("action", -1f, 1f, 2),
                    null);
        }, 3, 2);
    }

    @Test
    void anArrayFromAClosedUnitIsCaught() {
        INDArray leaked;
        try (StepMemory mem = StepMemory.open("test_leak")) {
            leaked = Nd4j.create(DataType.FLOAT, 4).assign(1);
            assertTrue(leaked.isAttached());
        }
        try (StepMemory mem = StepMemory.open("test_leak")) {
            assertThrows(RuntimeException.class, () -> leaked.add(1));
        }
    }

    @Test
    void persistentArraysOutliveTheirUnit() {
        INDArray kept;
        try (StepMemory mem = StepMemory.open("test_keep")) {
            kept = StepMemory.persistent(() -> Nd4j.create(DataType.FLOAT, 4).assign(2));
            assertFalse(kept.isAttached());
            assertTrue(StepMemory.current() != null);
        }
        try (StepMemory mem = StepMemory.open("test_keep")) {
            Nd4j.create(DataType.FLOAT, 4).assign(9); // reuses the unit's memory
            assertArrayEquals(new float[] {2, 2, 2, 2}, kept.add(0).toFloatVector());
        }
        assertEquals(null, StepMemory.current());
    }
}
