/**
 * Keras layers that IBC's networks stack, as DL4J graph fragments; mirrors {@code networks/layers/} (IBC db89ddb).
 */
package ibc4j.networks.layers;
