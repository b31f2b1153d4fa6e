package ibc4j.environments.particle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.configurables.IbcConfigurables;
import ibc4j.gin.ConfigurableSpec;
import ibc4j.gin.GinConfig;
import ibc4j.gin.GinRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ParticleEnv} as the gin configurable {@code ParticleEnv}: IBC's parameters, in order, with IBC's defaults. */
class ParticleEnvGinTest {

    @Test
    void takesOverIbcsParticleEnvWithIdenticalDefaults() {
        ConfigurableSpec spec = IbcConfigurables.registry().lookup("ParticleEnv");
        assertEquals("ibc.environments.particle.particle.ParticleEnv", spec.selector());
        assertTrue(spec.implemented());
        assertEquals(List.of("n_steps", "n_dim", "hide_velocity", "seed", "dt", "repeat_actions", "k_p", "k_v",
                "goal_distance"), spec.paramNames());
        assertEquals(List.of(), IbcConfigurables.defaultMismatches(spec));
    }

    @Test
    void runScriptBindingSetsTheDimension() {
        // run_mlp_ebm_langevin.sh passes --gin_bindings="ParticleEnv.n_dim=16".
        GinConfig gin = new GinConfig(IbcConfigurables.registry());
        gin.parseFilesAndBindings(List.of(), List.of("ParticleEnv.n_dim = 16", "ParticleEnv.seed = 3"));
        ParticleEnv env = gin.make(ParticleEnv.class);
        assertEquals(16, env.nDim());
        assertEquals(50, env.nSteps());
        assertEquals(0.05, env.goalDistance());
        // The constructor reset drew from RandomState(3); a fresh one replays it.
        assertEquals((float) new NumpyRandomState(3).randomSample(), env.obsLog().get(0).posAgent()[0]);
    }
}
