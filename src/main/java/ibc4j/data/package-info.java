/**
 * IBC's on-disk data, read and written as tf-agents does: TFRecord files of {@code tf.train.Example} records
 * ({@code tf_agents/utils/example_encoding.py}) beside a {@code .spec} sidecar
 * ({@code tf_agents/utils/example_encoding_dataset.py}).
 *
 * <p>Layers, bottom up: {@link ibc4j.data.TFRecordReader}/{@link ibc4j.data.TFRecordWriter} (framing and
 * CRCs), {@link ibc4j.data.SpecFile} (the nested spec), {@link ibc4j.data.ExampleCodec} (one record as a map
 * from feature path to {@link ibc4j.data.TensorValue}), and {@link ibc4j.data.TrajectoryCodec} /
 * {@link ibc4j.data.TFRecordObserver} (a record as a {@link ibc4j.data.TrajectoryStep}). The window/shuffle
 * pipeline of {@code ibc/data/dataset.py} is built on top of these elsewhere.
 */
package ibc4j.data;
