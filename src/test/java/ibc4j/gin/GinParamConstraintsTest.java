package ibc4j.gin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.configurables.IbcConfigurables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Positive}, {@link Range} and {@link MaxBytes} on IBC's configurables: a size, count or rate out of range
 * is refused at finalize (or at the call), pointing at the value of the binding in effect, instead of failing deep
 * in training (a negative Langevin step count was a NegativeArraySizeException, a width of 2e9 an out-of-memory
 * abort in ND4J). As in gin, a later binding replaces an earlier one, so only the value in effect is checked.
 */
class GinParamConstraintsTest {
    @TempDir
    Path dir;

    private String write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f.toString();
    }

    private static GinBindingException bindFails(String... bindings) {
        GinConfig gin = IbcConfigurables.newGinConfig();
        return assertThrows(GinBindingException.class, () -> {
            gin.parseBindings(List.of(bindings));
            gin.finalizeConfig();
        });
    }

    /** binding | caret column | what the parameter must be | the value as printed. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "MLPEBM.width = -1                              | 16 | must be positive | -1",
        "MLPEBM.depth = 0                               | 16 | must be positive | 0",
        "MLPMSE.width = 0                               | 16 | must be positive | 0",
        "langevin_actions_given_obs.num_iterations = -1 | 45 | must be >= 0 | -1",
        "ImplicitBCAgent.num_counter_examples = 0       | 40 | must be positive | 0",
        "ImplicitBCAgent.softmax_temperature = 0.0      | 39 | must be positive | 0.0",
        "IbcPolicy.num_action_samples = 0               | 32 | must be positive | 0",
        "train_eval.batch_size = 0                      | 25 | must be positive | 0",
        "train_eval.num_iterations = -5                 | 29 | must be positive | -5",
        "train_eval.sequence_length = 0                 | 30 | must be positive | 0",
        "train_eval.learning_rate = -0.001              | 28 | must be positive | -0.001",
        "train_eval.eval_episodes = 0                   | 28 | must be positive | 0",
        "train_eval.dataset_eval_fraction = 1.0         | 36 | must be in [0, 1) | 1.0",
        "get_normalizers.num_samples = 0                | 31 | must be positive | 0",
        "compute_dataset_statistics.num_samples = -1    | 42 | must be positive | -1",
        "MLPEBM.rate = 1.0                              | 15 | must be in [0, 1) | 1.0",
        "MLPMSE.rate = -0.1                             | 15 | must be in [0, 1) | -0.1",
        "ImplicitBCAgent.fraction_langevin_samples = 1.5 | 45 | must be in [0, 1] | 1.5",
        "ImplicitBCAgent.fraction_dfo_samples = -0.5    | 40 | must be in [0, 1] | -0.5",
        "ParticleEnv.n_dim = 0                          | 21 | must be positive | 0",
        "ParticleEnv.dt = 0.0                           | 18 | must be positive | 0.0"})
    void anOutOfRangeLiteralIsRefusedAtItsValue(String binding, int column, String must, String value) {
        GinBindingException e = bindFails(binding);
        String selector = binding.substring(0, binding.indexOf('.'));
        String param = binding.substring(binding.indexOf('.') + 1, binding.indexOf(' '));
        assertEquals("bindings:1:" + column + ": Parameter '" + param + "' of '" + selector + "' " + must + "; got "
                + value + ".\n"
                + "    " + binding + "\n"
                + "    " + " ".repeat(column - 1) + "^" + "~".repeat(value.length() - 1), e.getMessage());
    }

    @Test
    void aWidthWhoseKernelAloneWouldNotFitIsRefusedWithTheEstimate() {
        GinBindingException e = bindFails("MLPEBM.width = 2000000000");
        assertEquals("bindings:1:16: Parameter 'width' of 'MLPEBM' is implausibly large: one width x width float32 "
                + "kernel would take 13.9 EiB, over the 16 GiB limit; got 2000000000.\n"
                + "    MLPEBM.width = 2000000000\n"
                + "                   ^~~~~~~~~~", e.getMessage());
        assertEquals("Parameter 'width' of 'MLPMSE' is implausibly large: one width x width float32 kernel would "
                + "take 37.3 GiB, over the 16 GiB limit; got 100000.", bindFails("MLPMSE.width = 100000").rawMessage());
        assertTrue(bindFails("MLPEBM.width = 65537").rawMessage().contains("would take 16.0005 GiB, over the 16 GiB "
                + "limit"));
        IbcConfigurables.newGinConfig().parseBindings(List.of("MLPEBM.width = 65536")).finalizeConfig(); // exactly 16 GiB
    }

    @Test
    void scopedAndBlockBindingsPointAtTheirValue() {
        assertEquals("bindings:1:21: Parameter 'width' of 'MLPEBM' must be positive; got 0.\n"
                + "    eval/MLPEBM.width = 0\n"
                + "                        ^", bindFails("eval/MLPEBM.width = 0").getMessage());
        assertEquals("bindings:3:11: Parameter 'depth' of 'MLPEBM' must be positive; got 0.\n"
                + "      depth = 0\n"
                + "              ^", bindFails("MLPEBM:", "  width = 8", "  depth = 0").getMessage());
        assertEquals("bindings:1:36: Parameter 'rate' of 'MLPEBM' must be in [0, 1); got 2.\n"
                + "    ibc.networks.mlp_ebm.MLPEBM.rate = 2\n"
                + "    " + " ".repeat(35) + "^", bindFails("ibc.networks.mlp_ebm.MLPEBM.rate = 2").getMessage());
    }

    @Test
    void aValueThroughMacrosIsCheckedAtFinalizeAndNamesWhereItCameFrom() {
        GinConfig gin = IbcConfigurables.newGinConfig().parseBindings(List.of("K = %STEPS", "STEPS = -1",
                "langevin_actions_given_obs.num_iterations = %K"));
        GinBindingException e = assertThrows(GinBindingException.class, gin::finalizeConfig);
        assertEquals("bindings:3:45: Parameter 'num_iterations' of 'langevin_actions_given_obs' must be >= 0; "
                + "got -1 from %K.\n"
                + "    langevin_actions_given_obs.num_iterations = %K\n"
                + "                                                ^~\n"
                + "  via %K -> %STEPS, bound at bindings:2:1", e.getMessage());
        assertFalse(gin.isLocked());
    }

    // ------------------------------------------------------------------- only the value in effect is checked

    @Test
    void anInvalidFileValueOverriddenByABindingFinalizes() throws IOException {
        String f = write("bad.gin", "MLPEBM.width = -1\nMLPEBM.depth = 0\n");
        GinConfig gin = IbcConfigurables.newGinConfig().parseFilesAndBindings(List.of(f),
                List.of("MLPEBM.width = 64", "MLPEBM.depth = 2"));
        gin.finalizeConfig();
        assertTrue(gin.isLocked());
        assertEquals(64, ((Number) gin.queryParameter("MLPEBM.width")).intValue());
    }

    @Test
    void aValidFileValueOverriddenByAnInvalidBindingIsRefusedAtTheBinding() throws IOException {
        String f = write("ok.gin", "MLPEBM.width = 64\n");
        GinConfig gin = IbcConfigurables.newGinConfig().parseFilesAndBindings(List.of(f), List.of("MLPEBM.width = -1"));
        GinBindingException e = assertThrows(GinBindingException.class, gin::finalizeConfig);
        assertEquals("bindings:1:16: Parameter 'width' of 'MLPEBM' must be positive; got -1.\n"
                + "    MLPEBM.width = -1\n"
                + "                   ^~", e.getMessage());
        assertFalse(gin.isLocked());
    }

    @Test
    void anInvalidValueOverriddenByALaterIncludedFileFinalizes() throws IOException {
        write("later.gin", "MLPEBM.width = 64\n");
        String f = write("main.gin", "MLPEBM.width = -1\ninclude 'later.gin'\n");
        GinConfig gin = IbcConfigurables.newGinConfig().parseFilesAndBindings(List.of(f), List.of());
        gin.finalizeConfig();
        assertTrue(gin.isLocked());
        // A second --gin_file overrides the first in the same way.
        String first = write("first.gin", "train_eval.num_iterations = -5\n");
        String second = write("second.gin", "train_eval.num_iterations = 10\n");
        IbcConfigurables.newGinConfig().parseFilesAndBindings(List.of(first, second), List.of()).finalizeConfig();
    }

    @Test
    void ofTwoInvalidValuesTheOneInEffectIsReported() throws IOException {
        String f = write("two.gin", "MLPEBM.width = -1\n\nMLPEBM.width = -20\n");
        GinConfig gin = IbcConfigurables.newGinConfig().parseFilesAndBindings(List.of(f), List.of());
        GinBindingException e = assertThrows(GinBindingException.class, gin::finalizeConfig);
        assertEquals(f + ":3:16: Parameter 'width' of 'MLPEBM' must be positive; got -20.\n"
                + "    MLPEBM.width = -20\n"
                + "                   ^~~", e.getMessage());
    }

    @Test
    void aMacroOrLiteralOverridingAnotherIsCheckedByTheValueInEffect() {
        IbcConfigurables.newGinConfig().parseBindings(List.of("W = -1", "MLPEBM.width = %W", "W = 8")).finalizeConfig();
        IbcConfigurables.newGinConfig().parseBindings(List.of("W = -1", "MLPEBM.width = %W", "MLPEBM.width = 8")).finalizeConfig();
        GinConfig gin = IbcConfigurables.newGinConfig().parseBindings(List.of("MLPEBM.width = 8", "W = 8", "MLPEBM.width = %W",
                "W = 0"));
        GinBindingException e = assertThrows(GinBindingException.class, gin::finalizeConfig);
        assertEquals("bindings:3:16: Parameter 'width' of 'MLPEBM' must be positive; got 0 from %W.\n"
                + "    MLPEBM.width = %W\n"
                + "                   ^~\n"
                + "  via %W, bound at bindings:4:1", e.getMessage());
    }

    @Test
    void aLaterBindingOrMacroWithinRangeIsFine() {
        GinConfig gin = IbcConfigurables.newGinConfig().parseBindings(List.of("W = 64", "MLPEBM.width = %W", "MLPEBM.rate = 0",
                "MLPEBM.depth = 1", "ImplicitBCAgent.fraction_langevin_samples = 1",
                "ImplicitBCAgent.fraction_dfo_samples = 0.0", "train_eval.learning_rate = 1e38",
                "get_normalizers.num_samples = None", "train_eval.num_iterations = 1"));
        gin.finalizeConfig();
        assertTrue(gin.isLocked());
    }

    // ------------------------------------------------------------------------ IBC's configurables and configs

    @Test
    void ibcsSizesCountsAndRatesCarryConstraints() {
        GinRegistry r = IbcConfigurables.registry();
        for (String key : List.of("MLPEBM.width", "MLPEBM.depth", "MLPEBM.rate", "MLPMSE.width", "MLPMSE.depth",
                "MLPMSE.rate", "ImplicitBCAgent.num_counter_examples", "ImplicitBCAgent.fraction_dfo_samples",
                "ImplicitBCAgent.fraction_langevin_samples", "IbcPolicy.num_action_samples",
                "langevin_actions_given_obs.num_iterations", "train_eval.batch_size", "train_eval.num_iterations",
                "train_eval.learning_rate", "train_eval.sequence_length", "train_eval.replay_capacity",
                "train_eval.decay_steps", "train_eval.eval_interval", "train_eval.fused_train_steps",
                "get_normalizers.num_samples", "get_normalizers.num_batches", "compute_dataset_statistics.num_samples",
                "grad_penalty.batch_size", "ParticleEnv.n_steps", "ParticleEnv.n_dim", "ParticleEnv.repeat_actions")) {
            String[] parts = key.split("\\.");
            ConfigurableSpec spec = r.lookup(parts[0]);
            assertFalse(spec.param(parts[1]).orElseThrow().constraints().isEmpty(), key);
        }
    }

    static Stream<String> ibcConfigs() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("configs"))) {
            return files.filter(p -> p.toString().endsWith(".gin")).map(Path::toString).sorted().toList().stream();
        }
    }

    @Test
    void theSweepCoversAllSeventeenConfigs() throws IOException {
        assertEquals(17, ibcConfigs().count());
    }

    /** Every value IBC's configs bind meets its constraint: the configs are valid, and all 17 bind. */
    @ParameterizedTest
    @MethodSource("ibcConfigs")
    void noConstraintRejectsAnIbcConfig(String file) {
        GinConfig gin = IbcConfigurables.newGinConfig();
        gin.parseFilesAndBindings(List.of(file), List.of("train_eval.dataset_path='ibc/data/x/*.tfrecord'",
                "ParticleEnv.n_dim=2"));
        gin.finalizeConfig();
        assertTrue(gin.isLocked());
    }

    // ----------------------------------------------------------------------- the annotations on any configurable

    /** A fixture with one constrained parameter of each kind. */
    public static final class Sized {
        @Configurable(value = "sized", module = "test.sized")
        public static List<Object> sized(@Positive @Param(value = "n", dflt = "1") int n,
                                         @Range(min = -1, max = 1, minExclusive = true) @Param(value = "r", dflt = "0")
                                         double r,
                                         @MaxBytes(bytesPerUnit = 8, what = "n doubles", limit = 1024)
                                         @Param(value = "m", dflt = "None") Long m) {
            return List.of(n, r, m == null ? "None" : m);
        }
    }

    private static GinConfig sized(String text) {
        return new GinConfig(new GinRegistry().register(Sized.class)).parse(text, "t.gin");
    }

    @Test
    void aConfigNeverFinalizedIsStillCheckedAtTheCall() {
        GinConfig gin = sized("N = 0\nsized.n = %N\n");
        GinBindingException e = assertThrows(GinBindingException.class, () -> gin.call("sized"));
        assertEquals("t.gin:2:11: Parameter 'n' of 'sized' must be positive; got 0 from %N.\n"
                + "    sized.n = %N\n"
                + "              ^~", e.getMessage());
    }

    @Test
    void aConfigNeverFinalizedIsCheckedAtTheCallOnTheValueInEffect() {
        assertEquals(List.of(3, 0.0, "None"), sized("sized.n = 0\nsized.n = 3\n").call("sized"));
        GinBindingException e = assertThrows(GinBindingException.class,
                () -> sized("sized.n = 3\nsized.n = -2\n").call("sized"));
        assertEquals("t.gin:2:11: Parameter 'n' of 'sized' must be positive; got -2.\n"
                + "    sized.n = -2\n"
                + "              ^~", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sized.r = -1", "sized.r = 1.5", "sized.m = 129", "sized.n = -2"})
    void eachKindOfBoundIsEnforced(String binding) {
        GinConfig gin = sized(binding + "\n");
        GinBindingException e = assertThrows(GinBindingException.class, gin::finalizeConfig);
        String expected = switch (binding.substring(6, 7)) {
            case "r" -> "must be in (-1, 1]";
            case "m" -> "is implausibly large: n doubles would take 1032 bytes, over the 1024 bytes limit";
            default -> "must be positive";
        };
        assertTrue(e.rawMessage().contains(expected), e.rawMessage());
    }

    @Test
    void boundsInRangeAndNonNumbersPass() {
        assertEquals(List.of(3, 1.0, 128L), sized("sized.n = 3\nsized.r = 1\nsized.m = 128\n").call("sized"));
        assertEquals(List.of(1, 0.0, "None"), sized("sized.m = None\n").call("sized"));
    }

    /** A bad annotation fails when the class is registered, as a bad {@code dflt} does. */
    public static final class BadDefault {
        @Configurable("bad_default")
        public static int f(@Positive @Param(value = "n", dflt = "0") int n) {
            return n;
        }
    }

    public static final class NotANumber {
        @Configurable("not_a_number")
        public static String f(@Positive @Param(value = "s", dflt = "'x'") String s) {
            return s;
        }
    }

    @Test
    void aDefaultOutsideItsBoundOrABoundOnANonNumberIsADeveloperError() {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new GinRegistry().register(BadDefault.class));
        assertTrue(bad.getMessage().endsWith("@Param('n') dflt \"0\" must be positive"), bad.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> new GinRegistry().register(NotANumber.class));
        assertTrue(nan.getMessage().contains("need a numeric parameter, not java.lang.String"), nan.getMessage());
    }
}
