/**
 * {@code ibc4j sweep} on Apache Spark: one Spark task per data set, then one per point, each running the
 * Spark-free {@code ibc4j.sweep} code. Built into {@code target/ibc4j-spark.jar} only (the spark Maven profile), so
 * the core jar and its {@code lib/} never carry Spark.
 */
package ibc4j.sweep.spark;
