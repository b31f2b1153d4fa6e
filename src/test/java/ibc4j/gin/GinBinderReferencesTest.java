package ibc4j.gin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ibc4j.configurables.IbcConfigurables;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** References: {@code @f} passes a handle bound at each call; {@code @f()} is evaluated anew at every use. */
class GinBinderReferencesTest {
    @BeforeEach
    void resetCounter() {
        BinderFixtures.Fns.COUNT.set(0);
    }

    @Test
    void evaluatedReferenceIsCalledAnewForEachCall() {
        GinConfig gin = BinderFixtures.config("f.x = @counter()\ncounter.start = 10\n");
        assertEquals(Arrays.asList(11, null), gin.call("f"));
        assertEquals(Arrays.asList(12, null), gin.call("f"));
        assertEquals(2, BinderFixtures.Fns.COUNT.get());
    }

    @Test
    void evaluatedReferencesInsideContainersAreEvaluatedToo() {
        GinConfig gin = BinderFixtures.config("f.x = [@counter(), (@counter(),), {'k': @counter()}]\n");
        Object x = ((List<?>) gin.call("f")).get(0);
        assertEquals("[1, (2,), {'k': 3}]", PyValues.repr(x).replace("Integer", ""));
    }

    @Test
    void plainReferencePassesAHandleThatAppliesBindingsWhenCalled() {
        GinConfig gin = BinderFixtures.config("twice.fn = @counter\ncounter.start = 100\n");
        assertEquals(List.of(101, 102), gin.call("twice"));
        GinConfig scoped = BinderFixtures.config("f.x = @train/where\ntrain/where.tag = 't'\n");
        ConfigurableHandle h = (ConfigurableHandle) ((List<?>) scoped.call("f")).get(0);
        assertEquals("@train/where", h.toString());
        assertEquals("[train]:t", h.call(), "a scoped handle runs in its scope whenever it is called");
        GinConfig unscoped = BinderFixtures.config("f.x = @where\ntrain/where.tag = 't'\n");
        ConfigurableHandle u;
        try (GinConfig.Scope s = unscoped.withScope("train")) {
            u = (ConfigurableHandle) ((List<?>) unscoped.call("f")).get(0);
        }
        assertEquals("[]:-", u.call(), "an unscoped handle runs in the scope active when it is called");
    }

    @Test
    void singletonSharesOneInstancePerScope() {
        GinConfig gin = BinderFixtures.config("f.x = @shared/gin.singleton()\nf.y = @shared/gin.singleton()\n"
                + "shared/gin.singleton.constructor = @Net\n");
        List<?> xy = (List<?>) gin.call("f");
        assertSame(xy.get(0), xy.get(1));
        assertSame(xy.get(0), ((List<?>) gin.call("f")).get(0));
        assertNotSame(xy.get(0), BinderFixtures.config("").make(BinderFixtures.Net.class));
    }

    @Test
    void unknownReferenceFailsWhereItIsWritten() {
        GinBindingException e = assertThrows(GinBindingException.class,
                () -> BinderFixtures.config("f.x = @countr()\n"));
        assertEquals("t.gin:1:7: No configurable matching reference '@countr()'.\n"
                + "    f.x = @countr()\n"
                + "          ^~~~~~~~~\n"
                + "  did you mean 'counter'?", e.getMessage());
    }

    @Test
    void skipUnknownDefersAnUnknownReferenceToFinalize() {
        GinConfig gin = new GinConfig(BinderFixtures.registry()).skipUnknown(true);
        gin.parse("f.x = @nothere()\nnothere.a = 1\n", "t.gin");
        assertEquals(List.of("nothere.a"), gin.skippedBindings().stream().map(GinConfig.BindingInfo::key).toList());
        GinBindingException e = assertThrows(GinBindingException.class, gin::finalizeConfig);
        assertEquals("No configurable matching reference '@nothere()'. In binding for 'f.x'.", e.rawMessage());
        assertEquals(new Location("t.gin", 1, 7, "f.x = @nothere()"), e.location());
    }

    @Test
    void referenceCycleIsReportedNotOverflowed() {
        GinConfig gin = BinderFixtures.config("f.x = @f()\n");
        GinBindingException e = assertThrows(GinBindingException.class, () -> gin.call("f"));
        assertEquals("t.gin:1:7: Reference cycle: @f() -> @f().\n"
                + "    f.x = @f()\n          ^~~~", e.getMessage());
    }

    @Test
    void referenceToAnIbcConfigurableNotYetInJavaFailsClearlyWhenUsed() {
        GinRegistry r = IbcConfigurables.withIbcRegistrations(BinderFixtures.registry());
        GinConfig gin = new GinConfig(r).parse("f.x = @MLPEBM()\n", "t.gin");
        gin.finalizeConfig();
        GinBindingException e = assertThrows(GinBindingException.class, () -> gin.call("f"));
        assertEquals("'MLPEBM' is registered from IBC (networks/mlp_ebm.py) but not implemented in ibc4j yet.",
                e.getMessage());
    }
}
