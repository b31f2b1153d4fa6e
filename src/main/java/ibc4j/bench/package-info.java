/**
 * {@code ./ibc4j bench}: speed and memory benchmarks of ibc4j's hot paths, and their comparison with TF IBC's own
 * code timed by {@code golden/export/bench_tf.py}.
 */
package ibc4j.bench;
