package ibc4j.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.agents.mcmc.AutoregressiveDfo;
import ibc4j.agents.mcmc.Dfo;
import ibc4j.configurables.IbcConfigurables;
import ibc4j.data.TensorSpec;
import ibc4j.gin.ConfigurableSpec;
import ibc4j.gin.GinConfig;
import ibc4j.networks.EbmKernel;
import ibc4j.networks.MLPEBM;
import ibc4j.normalizers.SamplingSpec;
import ibc4j.optimizers.ExponentialDecay;
import ibc4j.optimizers.KerasAdam;
import ibc4j.runtime.NoiseSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * How {@code autoregressive_dfo} is reached: its gin registration, {@code IbcPolicy.dfo_kind} and
 * {@code ImplicitBCAgent.dfo_kind}; the default kind keeps IBC's {@code iterative_dfo}.
 */
class AutoregressiveDfoWiringTest {
    private static final SamplingSpec SPEC = new SamplingSpec(null, null, -1f, 1f);
    private static final TensorSpec ENV = TensorSpec.bounded("action", -1f, 1f, 2);
    private static final float[] LO = {-1f, -1f};
    private static final float[] HI = {1f, 1f};

    private static MLPEBM net() {
        return MLPEBM.create(MLPEBM.Config.particle().withWidth(16), 4, 2, 3);
    }

    private static IbcPolicy policy(GinConfig gin, MLPEBM net, String bindings) {
        gin.parse("IbcPolicy.use_dfo = True\nIbcPolicy.use_langevin = False\nIbcPolicy.num_action_samples = 32\n"
                + bindings, "test.gin");
        Map<String, Object> args = new HashMap<>();
        args.put("time_step_spec", null);
        args.put("action_spec", ENV);
        args.put("action_sampling_spec", SPEC);
        args.put("actor_network", net);
        return gin.make(IbcPolicy.class, args);
    }

    /** What the policy's DFO step computes, rebuilt: the same uniform draw, then {@code dfo} on the same noise. */
    private static Dfo.Result expected(MLPEBM net, IbcPolicy.Inference inf, long seed,
                                       java.util.function.BiFunction<Dfo.Energies, NoiseSource, Dfo.Result> dfo) {
        NoiseSource noise = NoiseSource.seeded(seed);
        noise.uniform(Nd4j.create(DataType.FLOAT, 32, 2)); // the policy's uniform draw comes first
        EbmKernel k = EbmKernel.create(net, 32);
        k.prepareObservations(inf.tiled());
        return dfo.apply((a, e) -> e.assign(k.energies(a)), noise);
    }

    @Test
    void autoregressiveDfoIsAJavaConfigurableBesideIbcsFunctions() {
        ConfigurableSpec spec = IbcConfigurables.registry().lookup(AutoregressiveDfo.NAME);
        assertTrue(spec.implemented());
        assertNull(spec.upstreamSource(), "IBC has no autoregressive_dfo");
        List<String> names = spec.params().stream().map(ConfigurableSpec.ParamSpec::name).toList();
        assertEquals(List.of("network", "batch_size", "observations", "action_samples", "policy_state",
                "num_action_samples", "min_actions", "max_actions", "temperature", "num_iterations", "iteration_std",
                "iteration_std_shrink", "training", "late_fusion", "tfa_step_type"), names);
        assertEquals(List.of(), IbcConfigurables.defaultMismatches(IbcConfigurables.registry().lookup("IbcPolicy")));
    }

    @Test
    void theOnlyParametersAddedToIbcSignaturesAreTheTwoDfoKindsAndTheCoordinateShare() {
        java.util.Set<String> extensions = new java.util.TreeSet<>();
        for (ConfigurableSpec spec : IbcConfigurables.registry().configurables()) {
            spec.params().stream().filter(ConfigurableSpec.ParamSpec::extension)
                    .forEach(p -> extensions.add(spec.name() + "." + p.name()));
        }
        assertEquals(java.util.Set.of("IbcPolicy.dfo_kind", "ImplicitBCAgent.dfo_kind",
                "ImplicitBCAgent.fraction_coordinate_samples"), extensions);
    }

    @Test
    void calledThroughGinItRunsWithTheBoundSettingsAndTheCurrentNoise() {
        MLPEBM net = net();
        INDArray obs = Observations.tile(Nd4j.createFromArray(new float[][] {{0.1f, -0.3f, 0.7f, 0.2f}}), 16);
        Nd4j.getRandom().setSeed(5);
        INDArray samples = Nd4j.rand(DataType.FLOAT, 16, 2).muli(2f).subi(1f);
        GinConfig gin = IbcConfigurables.newGinConfig();
        gin.parse("autoregressive_dfo.num_iterations = 2\nautoregressive_dfo.iteration_std = 0.1\n", "test.gin");
        Map<String, Object> args = new HashMap<>();
        args.put("network", net);
        args.put("batch_size", 1);
        args.put("observations", obs);
        args.put("action_samples", samples);
        args.put("policy_state", null);
        args.put("num_action_samples", 16);
        args.put("min_actions", -1f);
        args.put("max_actions", 1f);
        Dfo.Result viaGin;
        NoiseSource.seeded(6); // the gin entry draws from ND4J's global generator, seeded here
        viaGin = (Dfo.Result) gin.call(AutoregressiveDfo.NAME, args);
        EbmKernel k = EbmKernel.create(net, 16);
        k.prepareObservations(obs);
        Dfo.Result direct = AutoregressiveDfo.run((a, e) -> e.assign(k.energies(a)), 1, samples, 16, LO, HI,
                new AutoregressiveDfo.Settings(2, 0.1f, 0.5f, 1f), NoiseSource.seeded(6));
        assertEquals(direct.actions(), viaGin.actions());
        assertEquals(direct.probabilities(), viaGin.probabilities());
    }

    @Test
    void policyDfoKindAutoregressiveRunsItWithTheGinSettings() {
        MLPEBM net = net();
        GinConfig gin = IbcConfigurables.newGinConfig();
        IbcPolicy p = policy(gin, net, "IbcPolicy.dfo_kind = 'autoregressive'\n"
                + "autoregressive_dfo.num_iterations = 4\n");
        String operative = gin.operativeConfigString();
        assertTrue(operative.contains("IbcPolicy.dfo_kind = 'autoregressive'"), operative);
        assertTrue(operative.contains("autoregressive_dfo.num_iterations = 4"), operative);
        AutoregressiveDfo.Settings s = new AutoregressiveDfo.Settings(4, 0.33f, 0.5f, 1f);
        assertEquals(s, p.settings().autoregressiveDfo());
        IbcPolicy.Inference inf = p.inferNormalized(Nd4j.createFromArray(new float[][] {{0.5f, -1f, 0f, 2f}}),
                NoiseSource.seeded(9));
        Dfo.Result r = expected(net, inf, 9,
                (f, noise) -> AutoregressiveDfo.run(f, 1, inf.initialActions(), 32, LO, HI, s, noise));
        assertEquals(r.actions(), inf.samples());
        assertEquals(r.probabilities(), inf.distribution().probabilities());
        assertEquals(inf.samples().getRow(r.probabilities().argMax().getInt(0)), inf.modeActions().getRow(0));
    }

    @Test
    void policyDefaultKindIsIbcsIterativeDfoAndLeavesTheOperativeConfigAsIbcs() {
        MLPEBM net = net();
        GinConfig gin = IbcConfigurables.newGinConfig();
        IbcPolicy p = policy(gin, net, "");
        assertNull(p.settings().autoregressiveDfo());
        // At its default the extension leaves the operative config as IBC's: no dfo_kind, no autoregressive_dfo.
        String operative = gin.operativeConfigString();
        assertTrue(operative.contains("IbcPolicy.use_dfo = True"), operative);
        assertFalse(operative.contains("dfo_kind") || operative.contains("autoregressive_dfo"), operative);
        IbcPolicy.Inference inf = p.inferNormalized(Nd4j.createFromArray(new float[][] {{0.5f, -1f, 0f, 2f}}),
                NoiseSource.seeded(9));
        Dfo.Result r = expected(net, inf, 9,
                (f, noise) -> Dfo.iterativeDfo(f, 1, inf.initialActions(), 32, LO, HI, 1f, 3, 0.33f, noise));
        assertEquals(r.actions(), inf.samples());
        assertEquals(r.probabilities(), inf.distribution().probabilities());
    }

    @Test
    void policyRejectsAnUnknownKindAndAKindWithoutDfo() {
        MLPEBM net = net();
        IllegalArgumentException noDfo = assertThrows(IllegalArgumentException.class, () -> new IbcPolicy(null, ENV,
                SPEC, net, null, null, 8, true, false, null, false, true, 1.0, false, 0.1, 1e-5, false, null, null,
                "autoregressive"));
        assertEquals("IbcPolicy.dfo_kind='autoregressive' needs use_dfo=True", noDfo.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> new IbcPolicy(null,
                ENV, SPEC, net, null, null, 8, true, false, null, true, false, 1.0, false, 0.1, 1e-5, false, null,
                null, "joint"));
        assertTrue(unknown.getMessage().startsWith("IbcPolicy.dfo_kind 'joint' is not one of"), unknown.getMessage());
    }

    @Test
    void agentDfoShareComesFromAutoregressiveDfo() {
        MLPEBM net = MLPEBM.create(MLPEBM.Config.particle().withWidth(16), 2, 2, 4);
        KerasAdam adam = new KerasAdam(new ExponentialDecay(1e-3f, 100, 0.99f), net.graph().numParams());
        ImplicitBCAgent agent = ImplicitBCAgent.builder(net, adam, SPEC).numCounterExamples(16).fractions(0.5, 0.0)
                .returnFullChain(false).dfoKind("autoregressive").build();
        INDArray obs = Nd4j.createFromArray(new float[][] {{0.2f, -0.4f}, {1.0f, 0.3f}});
        INDArray act = Nd4j.createFromArray(new float[][] {{0.1f, 0.1f}, {-0.5f, 0.6f}});
        ImplicitBCAgent.CounterExamples ce = agent.makeCounterExampleActions(obs, act, NoiseSource.seeded(3));
        NoiseSource noise = NoiseSource.seeded(3);
        noise.uniform(Nd4j.create(DataType.FLOAT, 2, 16, 2));
        EbmKernel k = EbmKernel.create(net, 32);
        k.prepareObservations(Observations.tile(obs, 16));
        INDArray ar = AutoregressiveDfo.run((a, e) -> e.assign(k.energies(a)), 2, ce.initial(), 16, LO, HI,
                AutoregressiveDfo.Settings.defaults(), noise).actions().reshape(2, 16, 2);
        // int(0.5·16) = 8 uniform columns, then 8 from the DFO run, as IBC slices them.
        INDArray dfoCols = ce.counterExamples().get(NDArrayIndex.all(), NDArrayIndex.interval(8, 16),
                NDArrayIndex.all());
        assertEquals(ar.get(NDArrayIndex.all(), NDArrayIndex.interval(8, 16), NDArrayIndex.all()), dfoCols);
        assertEquals(ce.initial().reshape(2, 16, 2).get(NDArrayIndex.all(), NDArrayIndex.interval(0, 8),
                NDArrayIndex.all()), ce.counterExamples().get(NDArrayIndex.all(), NDArrayIndex.interval(0, 8),
                NDArrayIndex.all()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImplicitBCAgent.builder(net, adam, SPEC).dfoKind("autoregressive").build());
        assertEquals("ImplicitBCAgent.dfo_kind='autoregressive' needs fraction_dfo_samples > 0", e.getMessage());
    }
}
