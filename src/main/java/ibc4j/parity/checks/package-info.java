/**
 * One parity check per exported component: runs ibc4j on a golden case's inputs and compares with what TF IBC
 * computed, each tolerance reasoned from float32 arithmetic beside the check.
 */
package ibc4j.parity.checks;
