/**
 * The training run: mirrors {@code ibc/ibc/train_eval.py} and the {@code ibc/train/get_*.py} builders it calls
 * (IBC db89ddb), with checkpoints, TensorBoard summaries, plots and the evaluation actor.
 */
package ibc4j.train;
