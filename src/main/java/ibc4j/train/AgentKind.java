package ibc4j.train;

import ibc4j.agents.BcAgent;
import ibc4j.agents.BcPolicy;
import ibc4j.gin.GinConfig;
import ibc4j.normalizers.GetNormalizers;
import ibc4j.normalizers.SamplingSpec;
import ibc4j.optimizers.ExponentialDecay;
import ibc4j.runtime.Seeds;
import java.io.IOException;

/**
 * One {@code (train_eval.loss_type, train_eval.network)} pair IBC's {@code get_agent} and
 * {@code get_cloning_network} know how to build ({@code ibc/train/get_agent.py}, {@code get_cloning_network.py}):
 * its network through gin, its agent, and the evaluation policy of a saved step. See {@link AgentKinds}.
 */
public interface AgentKind {
    /** IBC's {@code train_eval.loss_type}: 'ebm', 'mse', 'mdn'. */
    String lossType();

    /** IBC's {@code train_eval.network}, e.g. 'MLPEBM'. */
    String network();

    /**
     * The network (initial weights derived from {@code seeds}), Keras Adam with {@code schedule} and the agent,
     * through gin; restored from {@code resumed} when it is not null.
     *
     * @param hasEnv whether an env is evaluated (the policy then clips to its action spec)
     */
    BcAgent agent(GinConfig gin, Seeds seeds, int obsDim, int actionDim, boolean hasEnv,
                  GetNormalizers.NormalizationInfo norm, SamplingSpec sampling, TrainCheckpoint.State resumed,
                  ExponentialDecay schedule) throws IOException;

    /** The evaluation policy of a saved step: the network rebuilt through gin, the saved weights loaded. */
    BcPolicy policy(GinConfig gin, int obsDim, TrainCheckpoint.State saved) throws IOException;
}
