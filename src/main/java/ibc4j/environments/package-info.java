/**
 * IBC's environments; mirrors {@code ibc/environments/} (IBC db89ddb).
 */
package ibc4j.environments;
