/**
 * Keras Adam and its ExponentialDecay schedule over a network's flat parameters, as {@code ibc/train/get_learner.py}
 * and {@code train_eval.py} build them (IBC db89ddb) with TF 2.15's Keras.
 */
package ibc4j.optimizers;
