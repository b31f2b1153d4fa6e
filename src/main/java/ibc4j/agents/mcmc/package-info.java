/**
 * The Langevin and derivative-free samplers over an energy model: mirrors {@code ibc/agents/mcmc.py} (IBC db89ddb).
 * The chain record the gradient penalty reads, {@link ibc4j.losses.ChainData}, lives with the losses.
 */
package ibc4j.agents.mcmc;
