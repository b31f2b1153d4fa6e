/**
 * The Langevin and derivative-free samplers over an energy model: mirrors {@code ibc/agents/mcmc.py} (IBC db89ddb).
 * Below the losses, because IBC's gradient penalty reads the chain's data.
 */
package ibc4j.agents.mcmc;
