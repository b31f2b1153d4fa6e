/**
 * The EBM losses and the gradient penalty; mirrors {@code ibc/losses/} (IBC db89ddb).
 */
package ibc4j.losses;
