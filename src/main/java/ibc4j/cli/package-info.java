/**
 * The {@code ./ibc4j} command line: one class per subcommand, with IBC's own flag names where IBC has the flag.
 */
package ibc4j.cli;
