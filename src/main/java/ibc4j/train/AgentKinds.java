package ibc4j.train;

import ibc4j.agents.BcAgent;
import ibc4j.agents.BcPolicy;
import ibc4j.agents.IbcPolicy;
import ibc4j.agents.ImplicitBCAgent;
import ibc4j.agents.MseAgent;
import ibc4j.agents.MsePolicy;
import ibc4j.data.TensorSpec;
import ibc4j.gin.GinConfig;
import ibc4j.networks.MLPEBM;
import ibc4j.networks.MLPMSE;
import ibc4j.normalizers.GetNormalizers;
import ibc4j.normalizers.SamplingSpec;
import ibc4j.optimizers.ExponentialDecay;
import ibc4j.optimizers.KerasAdam;
import ibc4j.runtime.Seeds;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The agent kinds ibc4j trains, by {@code (loss_type, network)}; the one place that maps IBC's strings to code. */
public final class AgentKinds {
    private AgentKinds() {}

    /** Every kind, in the order {@link #of}'s message lists them. */
    public static final List<AgentKind> ALL = List.of(new Ebm(), new Mse(), new MdnAgentKind(),
            new PixelAgentKinds.ConvMlpMse(), new PixelAgentKinds.PixelEbm(),
            new PixelMdnAgentKind());

    /** The kind for IBC's {@code train_eval.loss_type} and {@code train_eval.network}. */
    public static AgentKind of(String lossType, String network) {
        for (AgentKind k : ALL) {
            if (k.lossType().equals(lossType) && k.network().equals(network)) {
                return k;
            }
        }
        String known = ALL.stream().map(k -> "'" + k.lossType() + "' with '" + k.network() + "'")
                .collect(Collectors.joining(", "));
        throw new UnsupportedOperationException("train_eval.loss_type = " + TrainEval.pyRepr(lossType)
                + " with train_eval.network = " + TrainEval.pyRepr(network) + " is not supported; ibc4j trains "
                + known);
    }

    /** The agent's constructor arguments IBC's get_agent passes, for every agent. */
    static Map<String, Object> agentArgs(TensorSpec envActionSpec, int actionDim,
                                         GetNormalizers.NormalizationInfo norm,
                                         SamplingSpec sampling, Object net, KerasAdam adam, long step) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("time_step_spec", null);
        args.put("action_spec", envActionSpec);
        args.put("action_sampling_spec", sampling);
        args.put("obs_norm_layer", norm.obsNorm());
        args.put("act_norm_layer", norm.actNorm());
        args.put("act_denorm_layer", norm.actNorm());
        args.put("cloning_network", net);
        args.put("optimizer", adam);
        args.put("train_step_counter", step);
        return args;
    }

    /** Fresh Adam over {@code params}, or the checkpoint's: loads the saved weights and state into the network. */
    static KerasAdam restore(INDArray params, Map<String, INDArray> state, TrainCheckpoint.State resumed,
                                     ExponentialDecay schedule) throws IOException {
        if (resumed == null) {
            return new KerasAdam(schedule, params.length());
        }
        TrainCheckpoint.loadInto(params, resumed.params());
        TrainCheckpoint.loadStateInto(state, resumed.networkState());
        return resumed.adam();
    }

    /** {@code loss_type='ebm'}, {@code network='MLPEBM'}: ImplicitBCAgent and IbcPolicy. */
    static final class Ebm implements AgentKind {
        @Override
        public String lossType() {
            return "ebm";
        }

        @Override
        public String network() {
            return "MLPEBM";
        }

        private static MLPEBM network(GinConfig gin, long initSeed, int obsDim, int actionDim) {
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("obs_spec", new MLPEBM.InputSpec(obsDim, actionDim, initSeed));
            args.put("action_spec", null);
            return (MLPEBM) gin.call("MLPEBM", args);
        }

        @Override
        public BcAgent agent(GinConfig gin, Seeds seeds, int obsDim, int actionDim, TensorSpec envActionSpec,
                             GetNormalizers.NormalizationInfo norm, SamplingSpec sampling,
                             TrainCheckpoint.State resumed, ExponentialDecay schedule) throws IOException {
            MLPEBM net = network(gin, seeds.derive("MLPEBM", 0), obsDim, actionDim);
            KerasAdam adam = restore(net.graph().params(), net.spectralNormState(), resumed, schedule);
            long step = resumed == null ? 0 : resumed.step();
            return gin.make(ImplicitBCAgent.class, agentArgs(envActionSpec, actionDim, norm, sampling, net, adam,
                    step));
        }

        @Override
        public BcPolicy policy(GinConfig gin, int obsDim, TrainCheckpoint.State s, TensorSpec actionSpec)
                throws IOException {
            int actionDim = s.norm().minActions().length;
            MLPEBM ebm = network(gin, new Seeds(s.seed()).derive("MLPEBM", 0), obsDim, actionDim);
            TrainCheckpoint.loadInto(ebm.graph().params(), s.params());
            TrainCheckpoint.loadStateInto(ebm.spectralNormState(), s.networkState());
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("time_step_spec", null);
            args.put("action_spec", actionSpec);
            args.put("action_sampling_spec", s.sampling());
            args.put("actor_network", ebm);
            args.put("obs_norm_layer", s.norm().obsNorm());
            args.put("act_denorm_layer", s.norm().actNorm());
            return gin.make(IbcPolicy.class, args);
        }
    }

    /** {@code loss_type='mse'}, {@code network='MLPMSE'}: MseBehavioralCloningAgent and its policy. */
    static final class Mse implements AgentKind {
        @Override
        public String lossType() {
            return "mse";
        }

        @Override
        public String network() {
            return "MLPMSE";
        }

        private static MLPMSE network(GinConfig gin, long initSeed, int obsDim, int actionDim,
                                      GetNormalizers.NormalizationInfo norm) {
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("obs_spec", new MLPMSE.SeededObsSpec(obsDim, initSeed)); // the initial weights' seed
            args.put("action_spec", actionDim);
            args.put("act_denorm_layer", norm.actNorm());
            return (MLPMSE) gin.call("MLPMSE", args);
        }

        @Override
        public BcAgent agent(GinConfig gin, Seeds seeds, int obsDim, int actionDim, TensorSpec envActionSpec,
                             GetNormalizers.NormalizationInfo norm, SamplingSpec sampling,
                             TrainCheckpoint.State resumed, ExponentialDecay schedule) throws IOException {
            MLPMSE net = network(gin, seeds.derive("MLPMSE", 0), obsDim, actionDim, norm);
            KerasAdam adam = restore(net.graph().params(), Map.of(), resumed, schedule);
            long step = resumed == null ? 0 : resumed.step();
            return gin.make(MseAgent.class, agentArgs(envActionSpec, actionDim, norm, sampling, net, adam, step));
        }

        @Override
        public BcPolicy policy(GinConfig gin, int obsDim, TrainCheckpoint.State s, TensorSpec actionSpec)
                throws IOException {
            int actionDim = s.norm().minActions().length;
            MLPMSE mse = network(gin, new Seeds(s.seed()).derive("MLPMSE", 0), obsDim, actionDim, s.norm());
            TrainCheckpoint.loadInto(mse.graph().params(), s.params());
            TrainCheckpoint.loadStateInto(Map.of(), s.networkState());
            return new MsePolicy(actionSpec, mse, s.norm().obsNorm());
        }
    }
}
