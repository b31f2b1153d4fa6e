package ibc4j.train;

import ibc4j.agents.BcAgent;
import ibc4j.agents.MdnAgent;
import ibc4j.agents.MdnPolicy;
import ibc4j.data.TensorSpec;
import ibc4j.gin.GinConfig;
import ibc4j.networks.MLPMDN;
import ibc4j.networks.MLPMSE;
import ibc4j.normalizers.GetNormalizers;
import ibc4j.normalizers.SamplingSpec;
import ibc4j.optimizers.ExponentialDecay;
import ibc4j.optimizers.KerasAdam;
import ibc4j.runtime.Seeds;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code loss_type='mdn'}, {@code network='MLPMDN'}: how {@code get_cloning_network('MLPMDN', ...)} and
 * {@code get_agent} build the MDN network and MdnBehavioralCloningAgent ({@code ibc/train/get_cloning_network.py},
 * {@code ibc/train/get_agent.py}, IBC db89ddb), and the (sampling) policy of a saved step.
 */
final class MdnAgentKind implements AgentKind {
    @Override
    public String lossType() {
        return "mdn";
    }

    @Override
    public String network() {
        return "MLPMDN";
    }

    /** {@code MLPMDN(obs_spec, action_spec, act_denorm_layer)} through gin; weights from {@code initSeed}. */
    private static MLPMDN network(GinConfig gin, long initSeed, int obsDim, int actionDim,
                                  GetNormalizers.NormalizationInfo norm) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("obs_spec", new MLPMSE.SeededObsSpec(obsDim, initSeed)); // the initial weights' seed
        args.put("action_spec", actionDim);
        args.put("act_denorm_layer", norm.actNorm());
        return (MLPMDN) gin.call("MLPMDN", args);
    }

    @Override
    public BcAgent agent(GinConfig gin, Seeds seeds, int obsDim, int actionDim, TensorSpec envActionSpec,
                         GetNormalizers.NormalizationInfo norm, SamplingSpec sampling,
                         TrainCheckpoint.State resumed, ExponentialDecay schedule) throws IOException {
        MLPMDN net = network(gin, seeds.derive("MLPMDN", 0), obsDim, actionDim, norm);
        KerasAdam adam = AgentKinds.restore(net.graph().params(), Map.of(), resumed, schedule);
        long step = resumed == null ? 0 : resumed.step();
        return gin.make(MdnAgent.class,
                AgentKinds.agentArgs(envActionSpec, actionDim, norm, sampling, net, adam, step));
    }

    @Override
    public MdnPolicy policy(GinConfig gin, int obsDim, TrainCheckpoint.State s, TensorSpec actionSpec)
            throws IOException {
        int actionDim = s.norm().minActions().length;
        MLPMDN net = network(gin, new Seeds(s.seed()).derive("MLPMDN", 0), obsDim, actionDim, s.norm());
        TrainCheckpoint.loadInto(net.graph().params(), s.params());
        TrainCheckpoint.loadStateInto(Map.of(), s.networkState());
        return new MdnPolicy(actionSpec, net, s.norm().obsNorm());
    }
}
