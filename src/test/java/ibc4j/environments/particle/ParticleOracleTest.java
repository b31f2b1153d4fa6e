package ibc4j.environments.particle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ParticleOracle} driving {@link ParticleEnv}, against IBC's own oracle, env and metrics
 * (google-research/ibc@db89ddb, numpy 1.26.4): a throwaway script imported IBC's particle.py,
 * particle_oracles.py and particle_metrics.py unchanged (tf_agents stubbed; StreamingMetric as in
 * tf_agents/metrics/py_metrics.py) and ran IBC's eval order: for seed k, {@code env.seed(k)}, {@code reset()}, then
 * {@code oracle._action} / {@code env.step} until done, feeding the four metrics each step. The floats are the
 * float32 values it printed (shortest repr), compared bit for bit after 500 substeps.
 */
class ParticleOracleTest {

    /** One episode's expected outcome: switch = 1-based control step whose action is goal 2. */
    private record Expected(long seed, int switchStep, float minDist1, float minDist2, float finalDist2,
                            float[] finalPos, float[] finalVel) {
    }

    private static Expected ep(long seed, int switchStep, float min1, float min2, float final2, float[] pos,
                               float[] vel) {
        return new Expected(seed, switchStep, min1, min2, final2, pos, vel);
    }

    private static final List<Expected> IBC_2D = List.of(
            ep(0, 22, 0.0076492284f, 0.00058977987f, 0.0028740966f,
                    new float[] {0.42103806f, 0.64708287f},
                    new float[] {-0.007698306f, 0.0056901234f}),
            ep(1, 25, 0.0027829376f, 0.0015254335f, 0.0017530078f,
                    new float[] {0.14651464f, 0.090602264f},
                    new float[] {0.02028224f, -0.019259775f}),
            ep(2, 24, 0.005940389f, 0.0006621681f, 0.0009486705f,
                    new float[] {0.41942605f, 0.33022046f},
                    new float[] {-0.011845752f, -0.0126756355f}),
            ep(3, 24, 0.0067311022f, 0.002156819f, 0.005829815f,
                    new float[] {0.89788526f, 0.8993915f},
                    new float[] {0.05255975f, 0.03395021f}),
            ep(4, 22, 0.008099983f, 0.0018329617f, 0.00836712f,
                    new float[] {0.6935532f, 0.20883878f},
                    new float[] {-0.011073414f, -0.021602763f}),
            ep(5, 17, 0.008751423f, 0.0013703423f, 0.007127319f,
                    new float[] {0.4932627f, 0.6065226f},
                    new float[] {-0.0037711062f, 0.0038072781f}),
            ep(6, 23, 0.009914023f, 0.0026949528f, 0.011233143f,
                    new float[] {0.09844741f, 0.60148424f},
                    new float[] {-0.041891687f, 0.03581983f}),
            ep(7, 24, 0.002339492f, 0.00024095889f, 0.005925246f,
                    new float[] {0.9836357f, 0.53669906f},
                    new float[] {0.04137059f, -0.014834227f}),
            ep(8, 24, 0.006712896f, 0.0014255865f, 0.008069934f,
                    new float[] {0.22693557f, 0.0057802913f},
                    new float[] {-0.05287557f, -0.038968697f}),
            ep(9, 25, 0.005100283f, 0.00062861724f, 0.00062861724f,
                    new float[] {0.14162631f, 0.21815848f},
                    new float[] {-0.043902062f, 0.01294484f}),
            ep(10, 25, 0.007224005f, 0.0010997524f, 0.0010997524f,
                    new float[] {0.497659f, 0.22409643f},
                    new float[] {-0.013660782f, -0.06513313f}),
            ep(11, 25, 0.004235444f, 0.00059807673f, 0.00059807673f,
                    new float[] {0.42060387f, 0.4858715f},
                    new float[] {-0.0074982382f, -0.03336318f}),
            ep(12, 23, 0.007739534f, 0.0011838021f, 0.005344665f,
                    new float[] {0.0116398325f, 0.9232136f},
                    new float[] {-0.015895698f, 0.024963869f}),
            ep(13, 25, 0.0071642217f, 0.00096783537f, 0.00096783537f,
                    new float[] {0.9733175f, 0.4527985f},
                    new float[] {0.016000694f, -0.06383638f}),
            ep(14, 25, 0.008790762f, 0.002897898f, 0.002897898f,
                    new float[] {0.30812007f, 0.96000934f},
                    new float[] {-0.06561967f, 0.112685695f}),
            ep(15, 25, 0.0043197856f, 0.00128928f, 0.00128928f,
                    new float[] {0.27469665f, 0.5310801f},
                    new float[] {0.032172795f, 0.016922325f}),
            ep(16, 25, 0.0040064873f, 0.00026701685f, 0.00026701685f,
                    new float[] {0.36060512f, 0.22284432f},
                    new float[] {-0.024225099f, 0.024287041f}),
            ep(17, 24, 0.009778604f, 0.0025655571f, 0.0068110228f,
                    new float[] {0.79218554f, 0.66073227f},
                    new float[] {0.050501946f, 0.05338321f}),
            ep(18, 24, 0.008168616f, 0.001618065f, 0.004506485f,
                    new float[] {0.8524616f, 0.754637f},
                    new float[] {-0.004392294f, 0.050368555f}),
            ep(19, 25, 0.0009830475f, 0.0014578482f, 0.0016469626f,
                    new float[] {0.3321067f, 0.081490695f},
                    new float[] {0.007932039f, -0.00010735787f}));

    private static final List<Expected> IBC_16D = List.of(
            ep(0, 26, 0.0038150311f, 0.0069249957f, 0.0069249957f,
                    new float[] {0.45409292f, 0.56926453f, 0.020844717f, 0.61886585f, 0.6140522f, 0.6176553f,
                        0.94272035f, 0.68181247f, 0.35723537f, 0.4380108f, 0.6950641f, 0.06305267f,
                        0.6663481f, 0.66901857f, 0.21090046f, 0.13177608f},
                    new float[] {0.06760449f, -0.03901378f, -0.11057716f, -0.039323248f, -0.057905868f, -0.027606774f,
                        0.06892258f, -0.013081332f, 0.04274051f, -0.031564713f, 0.08572882f, -0.13082953f,
                        0.021226019f, 0.041630168f, -0.00963357f, -0.099155f}),
            ep(1, 26, 0.0034164982f, 0.005140447f, 0.005140447f,
                    new float[] {0.95668346f, 0.53289056f, 0.6909339f, 0.31503978f, 0.6880975f, 0.83672047f,
                        0.019207941f, 0.75072646f, 0.9895936f, 0.7492223f, 0.27932253f, 0.7862794f,
                        0.10330372f, 0.4488538f, 0.9069324f, 0.29338726f},
                    new float[] {0.07751228f, -0.0021017464f, 0.07772633f, 0.017840967f, -0.022686617f, -0.027606228f,
                        -0.043545704f, 0.004948252f, 0.011503839f, -0.024428176f, 0.03123974f, 0.11380455f,
                        -0.009216807f, -0.0616934f, 0.115498215f, -0.015877433f}),
            ep(2, 26, 0.0031072276f, 0.006066331f, 0.006066331f,
                    new float[] {0.6417407f, 0.48405525f, 0.50660753f, 0.38547713f, 0.7931676f, 0.57831144f,
                        0.16335039f, 0.6983313f, 0.9623282f, 0.5009009f, 0.8872283f, 0.34022388f,
                        0.5665456f, 0.42703655f, 0.43739772f, 0.774079f},
                    new float[] {-0.03465296f, -0.006115793f, -0.05180485f, 0.047485385f, 0.04053474f, 0.07636108f,
                        -0.04027108f, 0.091679364f, 0.121737f, -0.017051712f, 0.098950185f, 0.037719354f,
                        0.048907157f, 0.012722916f, -0.007182414f, 0.088049464f}));

    /** Runs IBC's eval loop for one seed and checks it against IBC's numbers. */
    private static void runAndCheck(ParticleEnv env, ParticleOracle oracle, ParticleMetrics metrics, Expected x) {
        env.seed(x.seed());
        ParticleObservation obs = env.reset();
        boolean first = true;
        int steps = 0;
        int switchStep = -1;
        float episodeReturn = 0;
        while (true) {
            float[] action = oracle.action(obs, first);
            if (switchStep < 0 && oracle.stepsAtFirstGoal() >= 1) {
                switchStep = steps + 1;
            }
            ParticleEnv.Step s = env.step(action);
            first = false;
            steps++;
            episodeReturn += s.reward();
            metrics.observe(s.reward(), s.done());
            obs = s.observation();
            if (s.done()) {
                break;
            }
        }
        String at = "seed " + x.seed();
        assertEquals(50, steps, at);
        assertTrue(env.succeeded(), at);
        assertEquals(1f, episodeReturn, at);
        assertEquals(x.switchStep(), switchStep, at);
        assertArrayEquals(x.finalPos(), obs.posAgent(), at);
        assertArrayEquals(x.finalVel(), obs.velAgent(), at);
        assertEquals(x.minDist1(), env.minDistToFirstGoal(), at);
        assertEquals(x.minDist2(), env.minDistToSecondGoal(), at);
        assertEquals(x.finalDist2(), env.dist(env.obsLog().get(0).posSecondGoal()), at);
    }

    private static void checkMetrics(ParticleMetrics metrics, float first, float second, float finalSecond) {
        assertEquals(List.of("AverageFirstGoalDistance", "AverageSecondGoalDistance",
                "AverageFinalSecondGoalDistance", "AverageSuccessMetric"),
                metrics.all().stream().map(StreamingMetric::name).toList());
        assertEquals(first, metrics.all().get(0).result());
        assertEquals(second, metrics.all().get(1).result());
        assertEquals(finalSecond, metrics.all().get(2).result());
        assertEquals(1f, metrics.success().result());
    }

    @Test
    void oracleSucceedsOnSeeds0To19In2dExactlyAsIbc() {
        ParticleEnv env = ParticleEnv.builder().build();
        ParticleOracle oracle = new ParticleOracle(env);
        ParticleMetrics metrics = env.getMetrics(IBC_2D.size());
        for (Expected x : IBC_2D) {
            runAndCheck(env, oracle, metrics, x);
        }
        checkMetrics(metrics, 0.0063216137f, 0.0013536375f, 0.003909298f);
    }

    @Test
    void oracleMatchesIbcIn16d() {
        ParticleEnv env = ParticleEnv.builder().nDim(16).build();
        ParticleOracle oracle = new ParticleOracle(env);
        ParticleMetrics metrics = env.getMetrics(IBC_16D.size());
        for (Expected x : IBC_16D) {
            runAndCheck(env, oracle, metrics, x);
        }
        checkMetrics(metrics, 0.0034462523f, 0.0060439245f, 0.0060439245f);
    }

    @Test
    void actsTowardsGoalOneUntilWithinThresholdThenGoalTwoForGood() {
        ParticleEnv env = ParticleEnv.builder().build();
        env.seed(0L);
        ParticleObservation obs = env.reset();
        ParticleOracle oracle = new ParticleOracle(env);
        float[] g1 = obs.posFirstGoal();
        float[] g2 = obs.posSecondGoal();
        assertArrayEquals(g1, oracle.action(obs, true));
        // An observation within 0.01 of goal 1 switches in the same step, and the switch is permanent.
        ParticleObservation near = new ParticleObservation(new float[] {g1[0] + 0.009f, g1[1]}, obs.velAgent(),
                g1, g2);
        assertArrayEquals(g2, oracle.action(near, false));
        assertArrayEquals(g2, oracle.action(obs, false));
        float[] a = oracle.action(obs, false);
        a[0] = -1f;
        assertEquals(g2[0], env.obsLog().get(0).posSecondGoal()[0], "the action is a copy");
        // A first step resets the counter.
        assertArrayEquals(g1, oracle.action(obs, true));
    }

    @Test
    void multimodalVisitsTheGoalsInADrawnOrder() {
        ParticleEnv env = ParticleEnv.builder().build();
        env.seed(0L);
        ParticleObservation obs = env.reset();
        ParticleOracle oracle = new ParticleOracle(env, 1, true, 0.01, new Random(0));
        int reversed = 0;
        for (int i = 0; i < 200; i++) {
            float[] a = oracle.action(obs, true);
            float[] expected = oracle.secondGoalFirst() ? obs.posSecondGoal() : obs.posFirstGoal();
            assertArrayEquals(expected, a);
            reversed += oracle.secondGoalFirst() ? 1 : 0;
        }
        assertTrue(reversed > 60 && reversed < 140, "about half reversed: " + reversed);
    }

    @Test
    void invalidParametersFailAsIbcAsserts() {
        ParticleEnv env = ParticleEnv.builder().build();
        assertThrows(IllegalArgumentException.class, () -> new ParticleOracle(env, 0, false, 0.01, new Random()));
        assertThrows(IllegalArgumentException.class, () -> new ParticleOracle(env, 1, false, 0.0, new Random()));
    }
}
