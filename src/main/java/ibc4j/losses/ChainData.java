package ibc4j.losses;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What IBC's Langevin chain returns with {@code return_chain} ({@code ibc/agents/mcmc.py}); here, beside
 * {@code grad_penalty}, which reads it, so that the losses need nothing of the samplers.
 *
 * IBC's ChainData: actions after step k, energies and gradient norms at the input of step k; plus what a
 * penalty along the chain needs to differentiate those norms with respect to the weights (IBC's tape does it
 * when {@code run_full_chain_under_gradient}): the chain's initial actions, its observations and whether the
 * chain ran "under the gradient tape".
 *
 * @param actions        {@code [K, M, A]}, after each step
 * @param energies       {@code [K, M]}, at each step's input
 * @param gradNorms      {@code [K, M]}, at each step's input
 * @param initialActions {@code [M, A]}, the input of step 0 (or null)
 * @param observations   {@code [M, obs]} (or null)
 * @param underGradient  whether the norms count as functions of the weights (IBC:
 *                       {@code run_full_chain_under_gradient}); otherwise they are constants
 */
public record ChainData(INDArray actions, INDArray energies, INDArray gradNorms, INDArray initialActions,
                        INDArray observations, boolean underGradient) {
    /** The chain as IBC returns it (no inputs recorded, not under the gradient). */
    public ChainData(INDArray actions, INDArray energies, INDArray gradNorms) {
        this(actions, energies, gradNorms, null, null, false);
    }

    /** This chain with its observations and whether its norms are differentiated. */
    public ChainData withSource(INDArray obs, boolean differentiable) {
        return new ChainData(actions, energies, gradNorms, initialActions, obs, differentiable);
    }

    /** The actions at the input of step k: the initial ones for k = 0, else the output of step k − 1. */
    public INDArray stepInput(int k) {
        if (k == 0) {
            if (initialActions == null) {
                throw new IllegalStateException("ChainData: the initial actions were not recorded");
            }
            return initialActions;
        }
        return actions.slice(k - 1).dup('c');
    }
}
