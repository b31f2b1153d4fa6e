/**
 * {@code ibc4j sweep}: a grid over gin bindings and seeds, each point one full pipeline (collect, train, eval) in
 * its own run dir under one sweep root. Everything here is Spark-free: grid expansion, point names, the done and
 * failed markers, running one point as a child JVM, and the summary table and plot. Only the distribution of
 * points over a cluster lives in {@code ibc4j.sweep.spark} (built into its own jar).
 */
package ibc4j.sweep;
