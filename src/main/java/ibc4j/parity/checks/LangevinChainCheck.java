package ibc4j.parity.checks;

import ibc4j.agents.mcmc.LangevinConfig;
import ibc4j.agents.mcmc.Mcmc;
import ibc4j.networks.MLPEBM;
import ibc4j.parity.ChainComparison;
import ibc4j.parity.Golden;
import ibc4j.parity.ParityCheck;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import ibc4j.runtime.NoiseSource;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Mcmc} against {@code ibc/agents/mcmc.py:langevin_actions_given_obs} as ImplicitBCAgent runs it for
 * counter examples: the uniform init, every per-step tensor teacher-forced, the free-running chain with its drift
 * (see {@link LangevinGolden}), and the gin-visible entry point end to end with TF's noise replayed.
 */
public final class LangevinChainCheck implements ComponentCheck {
    @Override
    public String component() {
        return "langevin_chain";
    }

    @Override
    public List<TensorResult> run(Golden g) {
        MLPEBM net = GoldenNetworks.network(g);
        INDArray obs = g.tensor("obs");
        int m = (int) obs.size(0);
        int a = net.actionDim();
        float lo = g.tensor("sampling_lo").getFloat(0);
        float hi = g.tensor("sampling_hi").getFloat(0);
        float[] los = Mcmc.bounds(lo, a);
        float[] his = Mcmc.bounds(hi, a);
        LangevinConfig cfg = config(g);
        INDArray init = uniformInit(g.tensor("init_uniform").reshape(m, a), lo, hi);
        List<TensorResult> out = new ArrayList<>();
        out.add(TensorResult.compare(g, "init_actions", init, Tolerance.exact(
                "U·(hi−lo)+lo: tf.random.uniform's two float32 ops on the recorded U")));
        LangevinGolden.Outcome chain = LangevinGolden.compare(g, net, obs, g.tensor("init_actions"), init, cfg, los,
                his);
        out.addAll(chain.results());

        // The production path (what the gin-visible function runs), TF's noise replayed.
        List<INDArray> normals = ChainComparison.unstack(g.tensor("step_noise"));
        Mcmc.Result r = Mcmc.langevin(net, obs, init, lo, hi, false, false, cfg.withReturnChain(true),
                NoiseSource.replay(List.of(), normals));
        out.add(TensorResult.of(g, "final_actions", chain.freeRunningFinal(), r.actions(), Tolerance.exact(
                "the same float32 steps as the free-running comparison, through Mcmc.langevin"))
                .withNote("Mcmc.langevin (what langevin_actions_given_obs runs) with TF's noise replayed = the stepwise chain"));
        out.add(TensorResult.of(g, "step_actions", chain.freeRunningFinal(),
                r.chain().actions().slice(cfg.numIterations() - 1).dup('c'), Tolerance.exact(
                        "ChainData.actions[K−1] is the final output")).withNote("ChainData.actions[K−1]"));
        return out;
    }

    /** The chain's gin parameters as the golden records them. */
    static LangevinConfig config(Golden g) {
        Object clip = g.param("grad_clip");
        return new LangevinConfig(g.intParam("num_iterations"), g.doubleParam("sampler_stepsize_init"), 0.8,
                g.doubleParam("noise_scale"), clip == null ? null : ((Number) clip).doubleValue(),
                g.doubleParam("delta_action_clip"), true, g.doubleParam("sampler_stepsize_final"),
                g.doubleParam("sampler_stepsize_power"), true, "inf");
    }

    /** {@code tf.random.uniform(minval=lo, maxval=hi)} on a recorded U: {@code U·(hi − lo) + lo} in float32. */
    static INDArray uniformInit(INDArray u, float lo, float hi) {
        float range = hi - lo;
        float[] x = u.castTo(DataType.FLOAT).dup('c').data().asFloat();
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i] * range + lo;
        }
        return Nd4j.create(x, u.shape(), 'c');
    }
}
