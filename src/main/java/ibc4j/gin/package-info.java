/**
 * A gin-config library for the JVM: the language (parsed by the ANTLR4 grammar in {@code grammar/}), bindings,
 * scopes, macros, references, the operative config, and a binder onto {@link ibc4j.gin.Configurable} Java classes
 * and static methods. It knows no configurable of its own: an application registers its classes in a
 * {@link ibc4j.gin.GinRegistry} (ibc4j does so in {@code ibc4j.configurables}). Mirrors google/gin-config.
 */
package ibc4j.gin;
