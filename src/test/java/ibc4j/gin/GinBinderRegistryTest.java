package ibc4j.gin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.configurables.IbcConfigurables;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Registry and selector behaviour of gin/selector_map.py and gin's registration, in our own cases. */
class GinBinderRegistryTest {

    /** Registers the same name under several module paths, as two Python modules would. */
    public static final class Shadow {
        @Configurable(value = "d", module = "c")
        public static int shortOne() {
            return 1;
        }

        @Configurable(value = "d", module = "a.b.c")
        public static int longOne() {
            return 2;
        }
    }

    @Test
    void suffixMatchingOnComponentBoundaries() {
        GinRegistry r = BinderFixtures.registry();
        assertEquals(List.of("test.nets.Net"), r.matching("Net"));
        assertEquals(List.of("test.nets.Net"), r.matching("nets.Net"));
        assertEquals(List.of("test.nets.Net"), r.matching("test.nets.Net"));
        assertEquals(List.of(), r.matching("ets.Net"), "a partial component never matches");
        assertEquals(List.of(), r.matching("test.nets"), "a module prefix is not a selector");
        assertEquals(List.of(), r.matching("net"), "matching is case-sensitive");
    }

    @Test
    void ambiguousSelectorListsMatchesInGinsOrder() {
        GinRegistry r = BinderFixtures.registry();
        GinBindingException e = assertThrows(GinBindingException.class, () -> r.lookup("dup"));
        assertEquals("Ambiguous selector 'dup', matches ['m2.dup', 'm1.dup'].", e.getMessage());
        assertEquals("m1.dup", r.lookup("m1.dup").selector());
    }

    @Test
    void exactMatchWinsOverLongerSelectorsWithThatSuffix() {
        GinRegistry r = new GinRegistry().register(Shadow.class);
        assertEquals(List.of("c.d"), r.matching("c.d"));
        assertEquals(2, r.matching("d").size());
        assertEquals("c.d", r.minimalSelector("c.d"), "a suffix of another selector prints in full");
        assertEquals("b.c.d", r.minimalSelector("a.b.c.d"));
        assertEquals("Net", BinderFixtures.registry().minimalSelector("test.nets.Net"));
    }

    @Test
    void builtinsAreRegistered() {
        GinRegistry r = new GinRegistry();
        assertEquals("gin.macro", r.lookup("macro").selector());
        assertEquals("gin.singleton", r.lookup("singleton").selector());
        assertEquals(List.of("gin.REQUIRED"), r.matchingConstants("REQUIRED"));
        assertTrue(r.constantValue("gin.REQUIRED") == GinConfig.REQUIRED);
    }

    @Test
    void ibcConfigurablesAreRegisteredButNotImplemented() {
        GinRegistry r = IbcConfigurables.registry();
        ConfigurableSpec push = r.lookup("BlockPush"); // registered from IBC's registry, not ported
        assertFalse(push.implemented());
        ConfigurableSpec resnet = r.lookup("ResNetLayer"); // IBC's ResNet base class: ported (its normalizer)
        assertEquals("ibc.networks.layers.resnet.ResNetLayer", resnet.selector());
        assertTrue(resnet.implemented());
        assertEquals("networks/layers/resnet.py", resnet.upstreamFile());
        assertEquals("(required)", resnet.param("hidden_sizes").orElseThrow().defaultText());
        ConfigurableSpec mdn = r.lookup("ConvMLPMDN"); // ported: IBC's name, Java's factory
        assertTrue(mdn.implemented());
        assertTrue(r.lookup("MLPMDN").implemented());
        assertEquals(BigInteger.valueOf(512), mdn.param("width").orElseThrow().defaultValue());
        assertEquals("(required)", mdn.param("obs_spec").orElseThrow().defaultText());
        assertTrue(r.lookup("MLPEBM").implemented(), "ported: IBC's name, Java's constructor");
        assertEquals("ibc.environments.particle.particle.__init__", r.lookup("__init__").selector());
        assertEquals("ibc.environments.particle.particle.ParticleEnv", r.lookup("ParticleEnv").selector());
        // IBC's **kwargs reach keras.layers.Layer (name, dtype, ...); ibc4j's ResNetLayer takes the named ones only.
        assertFalse(r.lookup("ResNetLayer").varkw());
        GinBindingException e = assertThrows(GinBindingException.class, () -> r.lookup("build_env_name"));
        assertTrue(e.getMessage().startsWith("Ambiguous selector 'build_env_name', matches ['ibc.environments."),
                e.getMessage());
        assertEquals(2, r.matchingConstants("BlockTaskVariant.PUSH").size());
        assertEquals("Push", ((GinRegistry.EnumConstant) r.constantValue(
                "ibc.environments.block_pushing.block_pushing.BlockTaskVariant.PUSH")).value());
    }

    /** Stands in for IBC's MLPEBM with IBC's exact signature. */
    @Configurable("MLPEBM")
    public static final class FaithfulMlpEbm {
        public FaithfulMlpEbm(@Param("obs_spec") Object obsSpec, @Param("action_spec") Object actionSpec,
                              @Param(value = "width", dflt = "512") int width,
                              @Param(value = "depth", dflt = "2") int depth,
                              @Param(value = "rate", dflt = "0.1") double rate,
                              @Param(value = "name", dflt = "'MLPEBM'") String name,
                              @Param(value = "activation", dflt = "'relu'") String activation,
                              @Param(value = "layers", dflt = "'MLPDropout'") String layers,
                              @Param(value = "kernel_initializer", dflt = "'normal'") String kernelInitializer,
                              @Param(value = "bias_initializer", dflt = "'normal'") String biasInitializer,
                              @Param(value = "dense_layer_type", dflt = "'regular'") String denseLayerType) {
        }
    }

    /** Stands in for IBC's MLPMSE, with one default drifted and one parameter missing. */
    @Configurable("MLPMSE")
    public static final class DriftedMlpMse {
        public DriftedMlpMse(@Param("obs_spec") Object obsSpec, @Param("action_spec") Object actionSpec,
                             @Param(value = "width", dflt = "256") int width,
                             @Param(value = "depth", dflt = "2") int depth,
                             @Param(value = "rate", dflt = "0.1") double rate,
                             @Param(value = "act_denorm_layer", dflt = "None") Object actDenormLayer,
                             @Param(value = "name", dflt = "'MLPMSE'") String name) {
        }
    }

    @Test
    void javaClassTakesOverItsIbcRegistration() {
        GinRegistry r = IbcConfigurables.withIbcRegistrations(new GinRegistry()).register(FaithfulMlpEbm.class);
        ConfigurableSpec spec = r.lookup("MLPEBM");
        assertEquals("ibc.networks.mlp_ebm.MLPEBM", spec.selector());
        assertTrue(spec.implemented());
        assertEquals("networks/mlp_ebm.py:MLPEBM.__init__", spec.upstreamSource());
        assertEquals(spec, r.forClass(FaithfulMlpEbm.class));
        assertEquals(List.of(), IbcConfigurables.defaultMismatches(spec));
    }

    @Test
    void driftFromIbcDefaultsIsReported() {
        GinRegistry r = IbcConfigurables.withIbcRegistrations(new GinRegistry()).register(DriftedMlpMse.class);
        assertEquals(List.of("MLPMSE.width: IBC default 512, Java 256", "MLPMSE.layers: in IBC, missing in Java"),
                IbcConfigurables.defaultMismatches(r.lookup("MLPMSE")));
    }

    @Test
    void everyIbcConfigurablesClassMatchesIbcDefaults() {
        GinRegistry r = IbcConfigurables.registry();
        for (Class<?> cls : IbcConfigurables.CLASSES) {
            ConfigurableSpec spec = r.forClass(cls);
            if (spec == null) {
                continue; // a class holding only @Configurable static methods
            }
            assertTrue(spec.upstreamSource() != null, cls + " is not an IBC configurable");
            assertEquals(List.of(), IbcConfigurables.defaultMismatches(spec), cls.getName());
        }
        for (ConfigurableSpec spec : r.configurables()) {
            if (spec.implemented() && spec.upstreamSource() != null) {
                assertEquals(List.of(), IbcConfigurables.defaultMismatches(spec), spec.selector());
            }
        }
    }

    /** Reuses a selector the fixtures already hold. */
    public static final class Clash {
        @Configurable(value = "f", module = "test.fns")
        public static int f() {
            return 0;
        }
    }

    /** A default that is not an int. */
    public static final class BadDefault {
        @Configurable(value = "bad", module = "x")
        public static int bad(@Param(value = "n", dflt = "'three'") int n) {
            return n;
        }
    }

    @Test
    void registrationErrorsNameTheProblem() {
        IllegalArgumentException clash = assertThrows(IllegalArgumentException.class,
                () -> BinderFixtures.registry().register(Clash.class));
        assertEquals("A different configurable matching 'test.fns.f' already exists.", clash.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new GinRegistry().register(BadDefault.class));
        assertEquals("ibc4j.gin.GinBinderRegistryTest$BadDefault.bad @Param('n') dflt \"'three'\" does not fit "
                + "int: expected int, got str 'three'", bad.getMessage());
        assertNull(new GinRegistry().lookup("nothing"));
    }
}
