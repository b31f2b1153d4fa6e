package ibc4j.gin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Binding errors: gin's leading text, then ibc4j's location, caret and "did you mean". */
class GinBinderErrorsTest {

    @Test
    void unknownParameterPointsAtTheNameAndSuggestsTheClosest() {
        GinBindingException e = assertThrows(GinBindingException.class,
                () -> BinderFixtures.config("Net.rate = 0.5\nNet.widht = 256  # typo\n"));
        assertEquals("t.gin:2:5: Configurable 'Net' doesn't have a parameter named 'widht'.\n"
                + "    Net.widht = 256  # typo\n"
                + "        ^~~~~\n"
                + "  did you mean 'width'?", e.getMessage());
        assertEquals("Configurable 'Net' doesn't have a parameter named 'widht'.", e.rawMessage());
        assertEquals("did you mean 'width'?", e.hint());
    }

    @Test
    void unknownParameterInABlockPointsAtItsLine() {
        GinBindingException e = assertThrows(GinBindingException.class,
                () -> BinderFixtures.config("Net:\n  width = 1\n  actvation = 'tanh'\n"));
        assertEquals("t.gin:3:3: Configurable 'Net' doesn't have a parameter named 'actvation'.\n"
                + "      actvation = 'tanh'\n"
                + "      ^~~~~~~~~\n"
                + "  did you mean 'activation'?", e.getMessage());
    }

    @Test
    void withNoCloseMatchTheKnownNamesAreListed() {
        GinBindingException e = assertThrows(GinBindingException.class,
                () -> BinderFixtures.config("scope/Net.zzz = 1\n"));
        assertEquals("t.gin:1:11: Configurable 'Net' doesn't have a parameter named 'zzz'.\n"
                + "    scope/Net.zzz = 1\n"
                + "              ^~~\n"
                + "  known parameters: activation, layers, rate, width", e.getMessage());
    }

    @Test
    void unknownConfigurablePointsAtTheSelector() {
        GinBindingException e = assertThrows(GinBindingException.class,
                () -> BinderFixtures.config("train/Nett.width = 1\n"));
        assertEquals("t.gin:1:7: No configurable matching 'Nett'.\n"
                + "    train/Nett.width = 1\n"
                + "          ^~~~\n"
                + "  did you mean 'Net'?", e.getMessage());
        GinBindingException far = assertThrows(GinBindingException.class,
                () -> BinderFixtures.config("Zebra.stripes = 1\n"));
        assertEquals("known configurables: Net, act, dup, f, macro, needs, twice, where, ... (12 in all)",
                far.hint());
    }

    @Test
    void unknownBlockSelectorIsAnErrorToo() {
        GinBindingException e = assertThrows(GinBindingException.class, () -> BinderFixtures.config("Nte:\n  a = 1\n"));
        assertEquals("t.gin:1:1: No configurable matching 'Nte'.\n    Nte:\n    ^~~\n  did you mean 'Net'?",
                e.getMessage());
    }

    @Test
    void ambiguousSelectorPointsAtTheSelector() {
        GinBindingException e = assertThrows(GinBindingException.class, () -> BinderFixtures.config("dup.p = 1\n"));
        assertEquals("t.gin:1:1: Ambiguous selector 'dup', matches ['m2.dup', 'm1.dup'].\n"
                + "    dup.p = 1\n    ^~~", e.getMessage());
    }

    @Test
    void skipUnknownDropsUnknownConfigurablesButNeverUnknownParameters() {
        GinConfig gin = new GinConfig(BinderFixtures.registry()).skipUnknown(true)
                .parse("Nett.width = 1\nNet.width = 2\n", "t.gin");
        assertEquals(List.of("t.gin:1: Nett.width = 1"),
                gin.skippedBindings().stream().map(Object::toString).toList());
        assertEquals(2, gin.make(BinderFixtures.Net.class).width);
        GinBindingException e = assertThrows(GinBindingException.class, () -> new GinConfig(BinderFixtures.registry())
                .skipUnknown(true).parse("Net.widht = 2\n", "t.gin"));
        assertEquals("Configurable 'Net' doesn't have a parameter named 'widht'.", e.rawMessage());
        GinConfig listed = new GinConfig(BinderFixtures.registry()).skipUnknown(List.of("Nett"));
        listed.parse("Nett.width = 1\n", "t.gin");
        GinBindingException other = assertThrows(GinBindingException.class,
                () -> listed.parse("Other.width = 1\n", "t.gin"));
        assertEquals("No configurable matching 'Other'.", other.rawMessage());
    }

    @Test
    void callingAnUnknownSelectorSuggests() {
        GinBindingException e = assertThrows(GinBindingException.class,
                () -> BinderFixtures.config("").call("countr", Map.of()));
        assertEquals("No configurable matching 'countr'.\n  did you mean 'counter'?", e.getMessage());
    }

    @Test
    void editDistanceCountsASwapAsOneEdit() {
        assertEquals(1, GinSuggest.distance("widht", "width"));
        assertEquals(3, GinSuggest.distance("abc", ""));
        assertEquals("did you mean 'num_counter_examples'?",
                GinSuggest.hint("num_countr_exmples", List.of("num_counter_examples", "name"), "parameters"));
    }
}
