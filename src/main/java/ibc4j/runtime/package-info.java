/**
 * What a run carries below every IBC module: the seed from which per-use seeds derive ({@code tf.random.set_seed}),
 * the noise sources every random draw comes from, phase timers, and {@link ibc4j.runtime.StepMemory}, which owns the native
 * memory of one unit of work (a training step, a policy action). No IBC counterpart (TF keeps these global).
 */
package ibc4j.runtime;
