package ibc4j.parity.checks;

import ibc4j.environments.particle.ParticleEnv;
import ibc4j.environments.particle.ParticleEnvBuilder;
import ibc4j.environments.particle.ParticleObservation;
import ibc4j.networks.Float32ErrorBounds;
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
 * {@link ParticleEnv} against IBC's {@code ParticleEnv} driven by the golden's setpoints: every observation,
 * reward, done flag and minimum goal distance of each episode, success and final distance, the constructor-seeded
 * resets, and the first two time steps as tf-agents' {@code HistoryWrapper(2)} stacks them.
 */
public final class ParticleEnvCheck implements ComponentCheck {
    private static final Tolerance SAME_FLOATS = Tolerance.exact(
            "the env is numpy float32 arithmetic that ParticleEnv repeats in the same order, and RandomState draws");
    private static final Tolerance SAME_FLAGS = Tolerance.exact("integers and booleans");

    @Override
    public String component() {
        return "particle_env";
    }

    @Override
    public List<TensorResult> run(Golden g) {
        int nd = g.intParam("n_dim");
        int nSteps = g.intParam("n_steps");
        List<Long> seeds = longs(g.param("episode_seeds"));
        INDArray actions = g.tensor("actions");
        int e = seeds.size();
        ParticleEnv env = builder(g).build();
        float[][][][] obs = new float[4][e][nSteps + 1][];
        float[][] rewards = new float[e][nSteps];
        int[][] dones = new int[e][nSteps];
        float[][] min1 = new float[e][nSteps];
        float[][] min2 = new float[e][nSteps];
        int[] succeeded = new int[e];
        float[] finalDist2 = new float[e];
        for (int ep = 0; ep < e; ep++) {
            env.seed(seeds.get(ep));
            put(obs, ep, 0, env.reset());
            for (int t = 0; t < nSteps; t++) {
                float[] a = new float[nd];
                for (int i = 0; i < nd; i++) {
                    a[i] = actions.getFloat(ep, t, i);
                }
                ParticleEnv.Step s = env.step(a);
                put(obs, ep, t + 1, s.observation());
                rewards[ep][t] = s.reward();
                dones[ep][t] = s.done() ? 1 : 0;
                min1[ep][t] = env.minDistToFirstGoal();
                min2[ep][t] = env.minDistToSecondGoal();
            }
            succeeded[ep] = env.succeeded() ? 1 : 0;
            finalDist2[ep] = env.dist(env.obsLog().get(0).posSecondGoal());
        }
        // np.linalg.norm is sqrt(x.dot(x)) through BLAS sdot, whose summation order (and FMA use) is the CPU's
        // kernel's: Float32Norm reproduces one AVX-512 kernel; on another CPU the sum of n positive squares in
        // any order is within (n−1)·u relative, the squares within u, and sqrt halves it.
        Tolerance norm = Tolerance.of(0, (nd + 1) * Float32ErrorBounds.U, "sqrt of a float32 sum of n positive "
                + "squares, in the order of the exporting CPU's BLAS sdot: (n+1)·u relative");
        List<TensorResult> out = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            out.add(TensorResult.compare(g, "obs_" + ParticleObservation.SORTED_KEYS.get(k),
                    Nd4j.createFromArray(obs[k]), SAME_FLOATS));
        }
        out.add(TensorResult.compare(g, "rewards", Nd4j.createFromArray(rewards), SAME_FLOATS));
        out.add(TensorResult.compare(g, "dones", Nd4j.createFromArray(dones), SAME_FLAGS));
        out.add(TensorResult.compare(g, "min_dist_first_goal", Nd4j.createFromArray(min1), norm));
        out.add(TensorResult.compare(g, "min_dist_second_goal", Nd4j.createFromArray(min2), norm));
        out.add(TensorResult.compare(g, "succeeded", Nd4j.createFromArray(succeeded), SAME_FLAGS));
        out.add(TensorResult.compare(g, "final_dist_second_goal", Nd4j.createFromArray(finalDist2), norm));
        out.addAll(constructorSeeding(g, seeds.get(0)));
        out.addAll(history(g, seeds, nd));
        return out;
    }

    /** {@code ParticleEnv(seed=s)}: the reset inside the constructor, then the caller's first reset. */
    private static List<TensorResult> constructorSeeding(Golden g, long seed) {
        ParticleEnv env = builder(g).seed(seed).build();
        ParticleObservation first = env.obsLog().get(0);
        ParticleObservation second = env.reset();
        List<TensorResult> out = new ArrayList<>();
        for (String key : ParticleObservation.SORTED_KEYS) {
            out.add(TensorResult.compare(g, "ctor_first_" + key, Nd4j.createFromArray(first.get(key)), SAME_FLOATS));
            out.add(TensorResult.compare(g, "ctor_second_" + key, Nd4j.createFromArray(second.get(key)),
                    SAME_FLOATS));
        }
        return out;
    }

    /**
     * The eval path's first two time steps under {@code HistoryWrapper(history_length=2, tile_first_step_obs)}:
     * reset gives [o0, o0] (FIRST), a step with setpoint 0.5 gives [o0, o1] (MID). The stacking is written out
     * here; ibc4j's own history wrapper belongs to the eval code.
     */
    private static List<TensorResult> history(Golden g, List<Long> seeds, int nd) {
        ParticleEnv env = builder(g).build();
        float[][][][][] hist = new float[4][seeds.size()][2][2][];
        int[][] stepTypes = new int[seeds.size()][];
        float[] half = new float[nd];
        Arrays.fill(half, 0.5f);
        for (int ep = 0; ep < seeds.size(); ep++) {
            env.seed(seeds.get(ep));
            ParticleObservation o0 = env.reset();
            ParticleObservation o1 = env.step(half).observation();
            for (int k = 0; k < 4; k++) {
                String key = ParticleObservation.SORTED_KEYS.get(k);
                hist[k][ep][0] = new float[][] {o0.get(key), o0.get(key)};
                hist[k][ep][1] = new float[][] {o0.get(key), o1.get(key)};
            }
            stepTypes[ep] = new int[] {0, 1}; // ts.StepType.FIRST, MID
        }
        // np.linalg.norm is sqrt(x.dot(x)) through BLAS sdot, whose summation order (and FMA use) is the CPU's
        // kernel's: Float32Norm reproduces one AVX-512 kernel; on another CPU the sum of n positive squares in
        // any order is within (n−1)·u relative, the squares within u, and sqrt halves it.
        Tolerance norm = Tolerance.of(0, (nd + 1) * Float32ErrorBounds.U, "sqrt of a float32 sum of n positive "
                + "squares, in the order of the exporting CPU's BLAS sdot: (n+1)·u relative");
        List<TensorResult> out = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            out.add(TensorResult.compare(g, "history_" + ParticleObservation.SORTED_KEYS.get(k),
                    Nd4j.createFromArray(hist[k]), SAME_FLOATS));
        }
        out.add(TensorResult.compare(g, "history_step_types", Nd4j.createFromArray(stepTypes), SAME_FLAGS));
        return out;
    }

    private static void put(float[][][][] obs, int ep, int t, ParticleObservation o) {
        for (int k = 0; k < 4; k++) {
            obs[k][ep][t] = o.get(ParticleObservation.SORTED_KEYS.get(k));
        }
    }

    /** The env with the golden's parameters (IBC's defaults, n_dim from the case). */
    static ParticleEnvBuilder builder(Golden g) {
        return ParticleEnv.builder().nDim(g.intParam("n_dim")).nSteps(g.intParam("n_steps"))
                .dt(g.doubleParam("dt")).repeatActions(g.intParam("repeat_actions")).kP(g.doubleParam("k_p"))
                .kV(g.doubleParam("k_v")).goalDistance(g.doubleParam("goal_distance"));
    }

    static List<Long> longs(Object jsonList) {
        return ((List<?>) jsonList).stream().map(o -> ((Number) o).longValue()).toList();
    }
}
