/**
 * IBC's networks on DL4J/ND4J; mirrors {@code networks/} (IBC db89ddb): {@link ibc4j.networks.MLPEBM} is the
 * model of record (a ComputationGraph), {@link ibc4j.networks.EbmKernel} the allocation-free fast path over the
 * same parameters for Langevin and the gradient penalty.
 */
package ibc4j.networks;
