/**
 * What a run carries below every IBC module: the seed from which per-use seeds derive ({@code tf.random.set_seed}),
 * the noise sources every random draw comes from, and phase timers. No IBC counterpart (TF keeps these global).
 */
package ibc4j.runtime;
