/**
 * Trained policies packaged as DL4J models: {@code ibc/agents/ibc_policy.py}'s IbcPolicy (and
 * {@code mse_policy.py}'s MSE policy) as custom DL4J layers whose parameters are the network's, so a trained
 * policy is a {@code ComputationGraph} that {@code ModelSerializer} saves and restores and whose
 * {@code output(observation)} is the action (IBC db89ddb).
 */
package ibc4j.agents.policy;
