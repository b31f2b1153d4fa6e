/**
 * IBC's agents and policies: mirrors {@code ibc/agents/} ({@code ibc_agent.py}, {@code ibc_policy.py},
 * {@code mse_agent.py}; IBC db89ddb). The samplers are in {@link ibc4j.agents.mcmc}.
 */
package ibc4j.agents;
