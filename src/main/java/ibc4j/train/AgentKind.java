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
     * @param envActionSpec the evaluated env's bounded action spec (the policy clips to it); null: no env
     */
    BcAgent agent(GinConfig gin, Seeds seeds, int obsDim, int actionDim, ibc4j.data.TensorSpec envActionSpec,
                  GetNormalizers.NormalizationInfo norm, SamplingSpec sampling, TrainCheckpoint.State resumed,
                  ExponentialDecay schedule) throws IOException;

    /**
     * The evaluation policy of a saved step for an env with this bounded action spec (the policy clips to it): the
     * network rebuilt through gin, the saved weights loaded.
     */
    BcPolicy policy(GinConfig gin, int obsDim, TrainCheckpoint.State saved, ibc4j.data.TensorSpec actionSpec)
            throws IOException;

    /** Whether the network reads the image observation {@code obs['rgb']} (the pixel kinds). */
    default boolean readsImages() {
        return false;
    }

    /**
     * The evaluation policy of a saved step for a network over images: {@code rgb} is the env's {@code [H, W, C]}
     * image spec, {@code sequenceLength} the frames stacked; see {@link #readsImages()}.
     */
    default BcPolicy imagePolicy(GinConfig gin, int sequenceLength, ibc4j.data.TensorSpec rgb,
                                 TrainCheckpoint.State saved, ibc4j.data.TensorSpec actionSpec) throws IOException {
        throw new UnsupportedOperationException(network() + " does not read images");
    }

    /** {@link #policy(GinConfig, int, TrainCheckpoint.State, ibc4j.data.TensorSpec)} for the particle env's [0, 1]. */
    default BcPolicy policy(GinConfig gin, int obsDim, TrainCheckpoint.State saved) throws IOException {
        return policy(gin, obsDim, saved,
                ibc4j.data.TensorSpec.bounded("action", 0f, 1f, saved.norm().minActions().length));
    }
}
