package ibc4j.gin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** gin values to Java parameter types, and the errors when they do not fit. */
class GinBinderConversionTest {

    @Test
    void numbersContainersAndEnumsConvert() {
        GinConfig gin = BinderFixtures.config("types.n = 12345678901\ntypes.xs = (1, 2.5, 1e-3)\n"
                + "types.m = {'a': 1, 'b': 2}\ntypes.flag = True\nact.a = 'TANH'\nNet.layers = [3, 4]\n"
                + "Net.rate = 1\n");
        List<?> t = (List<?>) gin.call("types");
        assertEquals(12345678901L, t.get(0));
        assertArrayEquals(new double[] {1.0, 2.5, 0.001}, (double[]) t.get(1));
        assertEquals(Map.of("a", 1, "b", 2), t.get(2));
        assertEquals(true, t.get(3));
        assertEquals(BinderFixtures.Activation.TANH, gin.call("act"));
        BinderFixtures.Net net = gin.make(BinderFixtures.Net.class);
        assertEquals(List.of(3, 4), net.layers);
        assertEquals(1.0, net.rate, "an int binds a double parameter");
        assertEquals(BinderFixtures.Activation.RELU, BinderFixtures.config("act.a = 'relu'").call("act"),
                "enum names match case-insensitively when unique");
    }

    @Test
    void mismatchNamesTheBindingAndTheJavaType() {
        GinConfig gin = BinderFixtures.config("Net.layers = [1, 'two']\n");
        GinBindingException e = assertThrows(GinBindingException.class, () -> gin.make(BinderFixtures.Net.class));
        assertEquals("t.gin:1:14: Value does not fit 'layers' of 'Net' (Java List<Integer>): element [1]: "
                + "expected int, got str 'two'\n"
                + "    Net.layers = [1, 'two']\n"
                + "                 ^~~~~~~~~~", e.getMessage());
    }

    @Test
    void outOfRangeAndBoolAndEnumErrorsAreSpecific() {
        GinBindingException range = assertThrows(GinBindingException.class,
                () -> BinderFixtures.config("Net.width = 3000000000\n").make(BinderFixtures.Net.class));
        assertEquals("Value does not fit 'width' of 'Net' (Java int): expected int, got 3000000000, which is out "
                + "of range", range.rawMessage());
        GinBindingException bool = assertThrows(GinBindingException.class,
                () -> BinderFixtures.config("Net.rate = True\n").make(BinderFixtures.Net.class));
        assertEquals("Value does not fit 'rate' of 'Net' (Java double): expected double, got bool True",
                bool.rawMessage());
        GinBindingException enumError = assertThrows(GinBindingException.class,
                () -> BinderFixtures.config("act.a = 'sigmoid'\n").call("act"));
        assertEquals("Value does not fit 'a' of 'act' (Java Activation): expected one of Activation [RELU, TANH], "
                + "got str 'sigmoid'", enumError.rawMessage());
    }

    @Test
    void valueFromAMacroIsReportedAtTheBindingThatUsesIt() {
        GinConfig gin = BinderFixtures.config("W = 'wide'\nNet.width = %W\n");
        GinBindingException e = assertThrows(GinBindingException.class, () -> gin.make(BinderFixtures.Net.class));
        assertEquals(new Location("t.gin", 2, 13, "Net.width = %W"), e.location());
    }

    @Test
    void callerValuesConvertToo() {
        BinderFixtures.Net net = BinderFixtures.config("").make(BinderFixtures.Net.class,
                Map.of("width", 7L, "layers", new int[] {5}));
        assertEquals(7, net.width);
        assertEquals(List.of(5), net.layers);
        GinBindingException e = assertThrows(GinBindingException.class,
                () -> BinderFixtures.config("").make(BinderFixtures.Net.class, Map.of("width", "x")));
        assertEquals("Caller value does not fit 'width' of 'Net' (Java int): expected int, got str 'x'",
                e.getMessage());
    }

    @Test
    void subclassOfARegisteredClassGetsItsBindings() {
        BinderFixtures.WideNet net = BinderFixtures.config("Net.width = 10\n").make(BinderFixtures.WideNet.class);
        assertEquals(20, net.width);
    }
}
