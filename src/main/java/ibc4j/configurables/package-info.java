/**
 * The composition root: the one place that registers IBC's configurables (IBC's own registry, read from
 * {@code ibc_configurables.json}, and the Java classes that implement them) into a gin registry.
 */
package ibc4j.configurables;
