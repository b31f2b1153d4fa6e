package ibc4j.parity.checks;

import ibc4j.environments.particle.ParticleEnv;
import ibc4j.environments.particle.ParticleObservation;
import ibc4j.environments.particle.ParticleOracle;
import ibc4j.parity.Golden;
import ibc4j.parity.ParityCheck;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link ParticleOracle} against IBC's {@code ParticleOracle} on full episodes through tf-agents' {@code suite_gym}
 * env (seed k, reset, act until LAST, the oracle also acting on the LAST observation as in data collection): the
 * oracle's action for each golden observation, the step types, the rewards, the index of the switch to goal 2,
 * and the observations ibc4j's env produces along the way.
 */
public final class ParticleOracleCheck implements ComponentCheck {
    private static final Tolerance SAME_FLOATS = Tolerance.exact(
            "actions are copies of float32 goals; observations are numpy float32 arithmetic repeated in order");
    private static final Tolerance SAME_FLAGS = Tolerance.exact("integers");

    @Override
    public String component() {
        return "particle_oracle";
    }

    @Override
    public List<TensorResult> run(Golden g) {
        int nd = g.intParam("n_dim");
        List<Long> seeds = ParticleEnvCheck.longs(g.param("episode_seeds"));
        int records = g.intParam("records_per_episode");
        INDArray[] goldenObs = new INDArray[4];
        for (int k = 0; k < 4; k++) {
            goldenObs[k] = g.tensor("obs_" + ParticleObservation.SORTED_KEYS.get(k));
        }
        ParticleEnv env = ParticleEnv.builder().nDim(nd).build();
        ParticleOracle oracle = new ParticleOracle(env);
        int e = seeds.size();
        float[][][][] envObs = new float[4][e][records][];
        float[][][] actions = new float[e][records][];
        int[][] stepTypes = new int[e][records];
        float[][] rewards = new float[e][records - 1];
        int[] switchIndex = new int[e];
        for (int ep = 0; ep < e; ep++) {
            env.seed(seeds.get(ep));
            ParticleObservation o = env.reset();
            switchIndex[ep] = -1;
            for (int t = 0; t < records; t++) {
                for (int k = 0; k < 4; k++) {
                    envObs[k][ep][t] = o.get(ParticleObservation.SORTED_KEYS.get(k));
                }
                ParticleObservation fed = observation(goldenObs, ep, t, nd);
                actions[ep][t] = oracle.action(fed, t == 0);
                if (switchIndex[ep] < 0 && Arrays.equals(actions[ep][t], env.obsLog().get(0).posSecondGoal())) {
                    switchIndex[ep] = t;
                }
                stepTypes[ep][t] = t == 0 ? 0 : t == records - 1 ? 2 : 1; // FIRST, MID, LAST
                if (t < records - 1) {
                    ParticleEnv.Step s = env.step(actions[ep][t]);
                    rewards[ep][t] = s.reward();
                    o = s.observation();
                    if (s.done() != (t == records - 2)) {
                        throw new IllegalStateException(g.entry().key() + ": episode " + ep + " ended at step "
                                + (t + 1) + ", the golden has " + (records - 1) + " steps");
                    }
                }
            }
        }
        List<TensorResult> out = new ArrayList<>();
        out.add(TensorResult.compare(g, "actions", Nd4j.createFromArray(actions), SAME_FLOATS));
        out.add(TensorResult.compare(g, "step_types", Nd4j.createFromArray(stepTypes), SAME_FLAGS));
        out.add(TensorResult.compare(g, "rewards", Nd4j.createFromArray(rewards), SAME_FLOATS));
        out.add(TensorResult.compare(g, "switch_index", Nd4j.createFromArray(switchIndex), SAME_FLAGS));
        for (int k = 0; k < 4; k++) {
            out.add(TensorResult.compare(g, "obs_" + ParticleObservation.SORTED_KEYS.get(k),
                    Nd4j.createFromArray(envObs[k]), SAME_FLOATS)
                    .withNote("input: here ibc4j's env reproducing the observations the oracle was fed"));
        }
        return out;
    }

    private static ParticleObservation observation(INDArray[] obs, int ep, int t, int nd) {
        float[][] v = new float[4][nd];
        for (int k = 0; k < 4; k++) {
            for (int i = 0; i < nd; i++) {
                v[k][i] = obs[k].getFloat(ep, t, i);
            }
        }
        // SORTED_KEYS order: pos_agent, pos_first_goal, pos_second_goal, vel_agent.
        return new ParticleObservation(v[0], v[3], v[1], v[2]);
    }
}
