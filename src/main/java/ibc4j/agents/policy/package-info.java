/**
 * IBC's inference policy packaged as a DL4J model: {@code ibc/agents/ibc_policy.py}'s IbcPolicy as a custom DL4J
 * layer whose parameters are the EBM's, so a trained policy is a {@code ComputationGraph} that
 * {@code ModelSerializer} saves and restores and whose {@code output(observation)} is the action (IBC db89ddb).
 */
package ibc4j.agents.policy;
