package ibc4j.environments.particle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ParticleEnv} against IBC's own {@code ParticleEnv} (google-research/ibc@db89ddb, numpy 1.26.4, gym
 * 0.23.0): the expected floats are the shortest float32 reprs that env printed, compared bit for bit. They came
 * from a throwaway script that imports IBC's particle.py unchanged (tf_agents stubbed) and runs
 * {@code env = ParticleEnv(); env.seed(0); env.reset()} then {@code env.step(np.array(a, np.float32))} for
 * a = [0.9, 0.1], [0.2, 0.8], [1.3, -0.2].
 */
class ParticleEnvTest {

    private static ParticleEnv seededEnv(long seed) {
        ParticleEnv env = ParticleEnv.builder().build();
        env.seed(seed);
        return env;
    }

    @Test
    void defaultsAreIbcs() {
        ParticleEnv env = ParticleEnv.builder().build();
        assertEquals(50, env.nSteps());
        assertEquals(2, env.nDim());
        assertFalse(env.hideVelocity());
        assertEquals(0.005, env.dt());
        assertEquals(10, env.repeatActions());
        assertEquals(10.0, env.kP());
        assertEquals(5.0, env.kV());
        assertEquals(0.05, env.goalDistance());
        assertEquals(1, env.resetCounter(), "the constructor resets once, as IBC's");
    }

    @Test
    void resetDrawsAgentThenGoalsFromTheSeed() {
        ParticleObservation o = seededEnv(0).reset();
        assertArrayEquals(new float[] {0.5488135f, 0.71518934f}, o.posAgent());
        assertArrayEquals(new float[] {0f, 0f}, o.velAgent());
        assertArrayEquals(new float[] {0.60276335f, 0.5448832f}, o.posFirstGoal());
        assertArrayEquals(new float[] {0.4236548f, 0.6458941f}, o.posSecondGoal());
        assertEquals(List.of("pos_agent", "vel_agent", "pos_first_goal", "pos_second_goal"),
                List.copyOf(o.toMap().keySet()), "IBC's dict order");
        assertEquals(List.of("pos_agent", "pos_first_goal", "pos_second_goal", "vel_agent"),
                List.copyOf(o.toSortedMap().keySet()), "tf.nest order");
        assertArrayEquals(new float[] {0.5488135f, 0.71518934f, 0.60276335f, 0.5448832f, 0.4236548f, 0.6458941f,
            0f, 0f}, o.flatten(ParticleObservation.SORTED_KEYS));
    }

    @Test
    void constructorSeedingShiftsTheFirstEpisodeBy3N() {
        // IBC: ParticleEnv(seed=0).reset() after the constructor's own reset.
        ParticleObservation o = ParticleEnv.builder().seed(0L).build().reset();
        assertArrayEquals(new float[] {0.4375872f, 0.891773f}, o.posAgent());
        assertArrayEquals(new float[] {0.96366274f, 0.3834415f}, o.posFirstGoal());
        assertArrayEquals(new float[] {0.79172504f, 0.5288949f}, o.posSecondGoal());
    }

    @Test
    void stepsMatchIbcBitForBit() {
        ParticleEnv env = seededEnv(0);
        env.reset();
        ParticleEnv.Step s1 = env.step(new float[] {0.9f, 0.1f});
        assertArrayEquals(new float[] {0.5525078f, 0.7087179f}, s1.observation().posAgent());
        assertArrayEquals(new float[] {0.15661758f, -0.27435413f}, s1.observation().velAgent());
        assertEquals(0.17136927f, env.minDistToFirstGoal());
        assertEquals(0.14335246f, env.minDistToSecondGoal());
        assertEquals(0f, s1.reward());
        assertFalse(s1.done());
        assertTrue(s1.info().isEmpty());

        ParticleEnv.Step s2 = env.step(new float[] {0.2f, 0.8f});
        assertArrayEquals(new float[] {0.5557842f, 0.6974429f}, s2.observation().posAgent());
        assertArrayEquals(new float[] {-0.03715995f, -0.16958281f}, s2.observation().velAgent());
        assertEquals(0.15962926f, env.minDistToFirstGoal());
        assertEquals(0.14182898f, env.minDistToSecondGoal());

        // Setpoints outside [0, 1] are not clipped.
        ParticleEnv.Step s3 = env.step(new float[] {1.3f, -0.2f});
        assertArrayEquals(new float[] {0.5619558f, 0.6804394f}, s3.observation().posAgent());
        assertArrayEquals(new float[] {0.30341265f, -0.5302146f}, s3.observation().velAgent());
        assertArrayEquals(new float[] {0.60276335f, 0.5448832f}, s3.observation().posFirstGoal());

        // obs_log: reset + 10 substeps per step; new_actions marks each control step's first substep.
        assertEquals(31, env.obsLog().size());
        assertEquals(30, env.actLog().size());
        assertEquals(List.of(0, 10, 20), env.newActions());
        ParticleObservation sub1 = env.obsLog().get(1);
        assertArrayEquals(new float[] {0.5488135f, 0.71518934f}, sub1.posAgent(), "explicit Euler: old velocity");
        assertArrayEquals(new float[] {0.017559323f, -0.030759465f}, sub1.velAgent());
    }

    @Test
    void returnedStateIsACopy() {
        ParticleEnv env = seededEnv(0);
        ParticleObservation o = env.reset();
        o.posAgent()[0] = 99f;
        assertNotSame(o.posAgent(), env.obsLog().get(0).posAgent());
        assertEquals(0.5488135f, env.obsLog().get(0).posAgent()[0]);
    }

    @Test
    void episodeEndsAfterExactlyNStepsWithSparseReward() {
        ParticleEnv env = seededEnv(5);
        ParticleObservation o = env.reset();
        for (int t = 1; t <= 50; t++) {
            float[] target = t <= 25 ? o.posFirstGoal() : o.posSecondGoal();
            ParticleEnv.Step s = env.step(target);
            assertEquals(t == 50, s.done(), "done at step " + t);
            if (t < 50) {
                assertEquals(0f, s.reward(), "reward only on the last step");
            } else {
                assertEquals(1f, s.reward());
            }
        }
        assertTrue(env.succeeded());
        assertEquals(50, env.steps());
        assertEquals(501, env.obsLog().size());
    }

    @Test
    void rewardIgnoresTheFinalPositionButSuccessDoesNot() {
        ParticleEnv env = seededEnv(5);
        ParticleObservation o = env.reset();
        ParticleEnv.Step last = null;
        for (int t = 1; t <= 50; t++) {
            float[] target = t <= 20 ? o.posFirstGoal() : t <= 40 ? o.posSecondGoal() : new float[] {0.5f, 2f};
            last = env.step(target);
        }
        assertEquals(1f, last.reward(), "both goals were visited");
        assertFalse(env.succeeded(), "but the agent left goal 2");
    }

    @Test
    void hideVelocityOnlyShrinksTheObservationSpace() {
        // IBC: observation_space keys [pos_agent, pos_first_goal, pos_second_goal]; reset() and step() still
        // return all four keys (spec section 1.9: hide_velocity is effectively broken in IBC).
        ParticleEnv env = ParticleEnv.builder().hideVelocity(true).build();
        env.seed(3L);
        assertEquals(List.of("pos_agent", "pos_first_goal", "pos_second_goal"), env.observationSpaceKeys());
        assertEquals(ParticleObservation.KEYS, List.copyOf(env.reset().toMap().keySet()));
        assertEquals(ParticleObservation.KEYS,
                List.copyOf(env.step(new float[] {0.5f, 0.5f}).observation().toMap().keySet()));
        assertEquals(ParticleObservation.KEYS, ParticleEnv.builder().build().observationSpaceKeys());
    }

    @Test
    void badParametersAreRejectedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ParticleEnv.builder().repeatActions(7).build());
        assertEquals("repeat_actions must divide int(1/dt) (IBC asserts int(1/self.dt) % self.repeat_actions == 0): "
                + "dt=0.005 gives 200, repeat_actions=7", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> seededEnv(0).step(new float[] {0.5f}));
    }

    @Test
    void nDimensionalResetUsesNDrawsPerVector() {
        ParticleEnv env = ParticleEnv.builder().nDim(3).build();
        env.seed(0L);
        ParticleObservation o = env.reset();
        double[] draws = new NumpyRandomState(0).rand(9);
        for (int i = 0; i < 3; i++) {
            assertEquals((float) draws[i], o.posAgent()[i]);
            assertEquals((float) draws[3 + i], o.posFirstGoal()[i]);
            assertEquals((float) draws[6 + i], o.posSecondGoal()[i]);
        }
    }
}
