package ibc4j.gin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** gin.REQUIRED in its three forms, and the caller-beats-gin rule it is the exception to. */
class GinBinderRequiredTest {

    @Test
    void callerRequiredNeedsABinding() {
        GinConfig gin = BinderFixtures.config("train_eval.batch_size = 64\n");
        GinBindingException e = assertThrows(GinBindingException.class,
                () -> gin.call("train_eval", Map.of("task", GinConfig.REQUIRED)));
        assertEquals("Required bindings for `train_eval` not provided in config: ['task']\n"
                + "  bind it in a .gin file or with --gin_bindings, e.g. train_eval.task = ...", e.getMessage());
    }

    @Test
    void callerRequiredTakesTheBoundValue() {
        GinConfig gin = BinderFixtures.config("train_eval.task = 'PARTICLE'\n");
        assertEquals(Arrays.asList("PARTICLE", 512, 0.001), gin.call("train_eval", Map.of("task", GinConfig.REQUIRED)));
        assertEquals("# Parameters for train_eval:\n# " + "=".repeat(78) + "\ntrain_eval.batch_size = 512\n"
                + "train_eval.learning_rate = 0.001\ntrain_eval.task = 'PARTICLE'\n", gin.operativeConfigString());
    }

    @Test
    void callerArgumentsBeatGinAndAreLeftOutOfTheOperativeConfig() {
        GinConfig gin = BinderFixtures.config("train_eval.task = 'A'\ntrain_eval.batch_size = 64\n");
        assertEquals(Arrays.asList("B", 64, 0.001), gin.call("train_eval", Map.of("task", "B")));
        assertEquals("# Parameters for train_eval:\n# " + "=".repeat(78) + "\ntrain_eval.batch_size = 64\n"
                + "train_eval.learning_rate = 0.001\n", gin.operativeConfigString());
        assertEquals(List.of("train_eval.task"),
                gin.unusedBindings().stream().map(GinConfig.BindingInfo::key).toList());
    }

    @Test
    void requiredDefaultNeedsABindingOrTheCaller() {
        GinConfig gin = BinderFixtures.config("");
        GinBindingException e = assertThrows(GinBindingException.class,
                () -> gin.call("needs", Map.of("obs_spec", "o")));
        assertEquals("Required bindings for `needs` not provided in config: ['p']", e.rawMessage());
        assertEquals(List.of("o", 5), gin.call("needs", Map.of("obs_spec", "o", "p", 5)));
        assertEquals(List.of("o", 6), BinderFixtures.config("needs.p = 6").call("needs", Map.of("obs_spec", "o")));
    }

    @Test
    void requiredInTheConfigMustBeOverriddenBeforeFinalize() {
        GinConfig gin = BinderFixtures.config("train_eval.task = %gin.REQUIRED\n");
        GinBindingException e = assertThrows(GinBindingException.class, gin::finalizeConfig);
        assertEquals("t.gin:1:19: train_eval.task set to `%gin.REQUIRED` but not subsequently overridden.\n"
                + "    train_eval.task = %gin.REQUIRED\n"
                + "                      ^~~~~~~~~~~~~", e.getMessage());
        GinConfig overridden = BinderFixtures.config("train_eval.task = %gin.REQUIRED\ntrain_eval.task = 'T'\n");
        overridden.finalizeConfig();
        assertEquals(Arrays.asList("T", 512, 0.001), overridden.call("train_eval"));
    }

    @Test
    void requiredInTheConfigFailsOnUseWithoutFinalize() {
        GinConfig gin = BinderFixtures.config("f.x = %gin.REQUIRED\n");
        GinBindingException e = assertThrows(GinBindingException.class, () -> gin.call("f"));
        assertEquals("f.x set to `%gin.REQUIRED` but not subsequently overridden.", e.rawMessage());
    }

    @Test
    void missingArgumentNamesWhatGinAndTheCallerSupplied() {
        GinConfig gin = BinderFixtures.config("f.y = 2\n");
        GinBindingException e;
        try (GinConfig.Scope s = gin.withScope("train")) {
            e = assertThrows(GinBindingException.class, () -> gin.call("f"));
        }
        assertEquals("'f' missing 1 required argument: ['x']\n"
                + "  No values supplied by Gin or caller for arguments: ['x']\n"
                + "  Gin had values bound for: ['y']\n"
                + "  Caller supplied values for: []\n"
                + "  In call to configurable 'f' in scope 'train'", e.getMessage());
    }

    @Test
    void unexpectedCallerArgumentIsAnError() {
        GinConfig gin = BinderFixtures.config("");
        GinBindingException e = assertThrows(GinBindingException.class,
                () -> gin.call("f", Map.of("x", 1, "yy", 2)));
        assertEquals("'f' got an unexpected keyword argument 'yy'.\n  did you mean 'y'?", e.getMessage());
    }
}
