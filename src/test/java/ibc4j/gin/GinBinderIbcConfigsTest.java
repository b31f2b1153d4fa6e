package ibc4j.gin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.configurables.IbcConfigurables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every IBC config binds against the default registry as train_eval.py would parse it, minus skip_unknown. */
class GinBinderIbcConfigsTest {

    static Stream<String> ibcConfigs() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("configs"))) {
            return files.filter(p -> p.toString().endsWith(".gin")).map(Path::toString).sorted().toList().stream();
        }
    }

    @Test
    void allSeventeenConfigsAreSwept() throws IOException {
        assertEquals(17, ibcConfigs().count());
    }

    @ParameterizedTest
    @MethodSource("ibcConfigs")
    void bindsWithZeroUnknowns(String file) {
        GinConfig gin = new GinConfig(IbcConfigurables.registry());
        gin.parseFilesAndBindings(List.of(file), List.of("train_eval.dataset_path='ibc/data/x/*.tfrecord'"));
        gin.finalizeConfig();
        assertEquals(List.of(), gin.skippedBindings());
        String bindOnly = gin.bindOnlyConfigString();
        assertTrue(bindOnly.contains("# Parameters for train_eval:\n"), bindOnly);
        assertTrue(bindOnly.contains("# Set in bindings:1:\ntrain_eval.dataset_path = 'ibc/data/x/*.tfrecord'\n"),
                bindOnly);
    }

    /**
     * Goldens from real gin-config 0.5.0: src/test/scripts/gin_operative_golden.py registers stubs with IBC's
     * signatures, calls each bound configurable once per bound scope, and saves gin's operative_config_str().
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"particle/mlp_ebm_langevin",
        "pushing_pixels/pixel_ebm_langevin"})
    void bindOnlyViewEqualsGinsOperativeConfig(String config) throws IOException {
        GinConfig gin = new GinConfig(IbcConfigurables.registry());
        gin.parseFilesAndBindings(List.of("configs/" + config + ".gin"),
                List.of("train_eval.dataset_path='ibc/data/x/*.tfrecord'", "ParticleEnv.n_dim=2"));
        gin.finalizeConfig();
        String golden = Files.readString(Path.of("src/test/resources/ibc4j/gin/binder",
                config.replace('/', '_') + ".operative.gin"));
        assertEquals(golden, gin.bindOnlyConfigString().replaceAll("(?m)^# Set in .*\n", ""));
    }

    @Test
    void particleRunScriptBindingsBindToo() {
        GinConfig gin = new GinConfig(IbcConfigurables.registry());
        gin.parseFilesAndBindings(List.of("ibc/configs/particle/mlp_ebm_langevin.gin"),
                List.of("train_eval.dataset_path='ibc/data/particle/2d_oracle_particle*.tfrecord'",
                        "ParticleEnv.n_dim=2"));
        gin.finalizeConfig();
        String bindOnly = gin.bindOnlyConfigString();
        assertTrue(bindOnly.contains("# Set in bindings:2:\nParticleEnv.n_dim = 2\n"), bindOnly);
        assertTrue(bindOnly.contains("\ntrain_eval.learning_rate = 0.001\n"), bindOnly);
    }

    @Test
    void misspeltParameterInAnIbcConfigGetsACaretAndASuggestion() {
        GinConfig gin = new GinConfig(IbcConfigurables.registry());
        gin.parseFile("configs/particle/mlp_ebm_langevin.gin");
        GinBindingException e = assertThrows(GinBindingException.class,
                () -> gin.parseBindings(List.of("MLPEBM.widht = 256")));
        assertEquals("bindings:1:8: Configurable 'MLPEBM' doesn't have a parameter named 'widht'.\n"
                + "    MLPEBM.widht = 256\n"
                + "           ^~~~~\n"
                + "  did you mean 'width'?", e.getMessage());
    }

    @Test
    void misspeltConfigurableIsAnErrorUnlikeInIbc() {
        GinConfig gin = new GinConfig(IbcConfigurables.registry());
        GinBindingException e = assertThrows(GinBindingException.class,
                () -> gin.parseBindings(List.of("MLPEMB.width = 256")));
        assertEquals("No configurable matching 'MLPEMB'.", e.rawMessage());
        assertEquals("did you mean 'MLPEBM'?", e.hint());
        GinConfig ibcLike = new GinConfig(IbcConfigurables.registry()).skipUnknown(true);
        ibcLike.parseBindings(List.of("MLPEMB.width = 256"));
        assertEquals(List.of("bindings:1: MLPEMB.width = 256"),
                ibcLike.skippedBindings().stream().map(Object::toString).toList());
    }
}
