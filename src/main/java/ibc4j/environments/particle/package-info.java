/**
 * IBC's N-D particle task ({@code environments/particle/}): the env, the green-then-blue oracle, the metrics and the
 * pictures, reproducing IBC's episodes bit for bit from a seed.
 */
package ibc4j.environments.particle;
