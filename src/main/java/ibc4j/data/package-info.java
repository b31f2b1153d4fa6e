/**
 * IBC's on-disk data, read and written as tf-agents does: TFRecord files of {@code tf.train.Example} records
 * ({@code tf_agents/utils/example_encoding.py}) beside a {@code .spec} sidecar
 * ({@code tf_agents/utils/example_encoding_dataset.py}).
 *
 * <p>Layers, bottom up: {@link ibc4j.data.TFRecordReader}/{@link ibc4j.data.TFRecordWriter} (framing and
 * CRCs), {@link ibc4j.data.SpecFile} (the nested spec), {@link ibc4j.data.ExampleCodec} (one record as a map
 * from feature path to {@link ibc4j.data.TensorValue}), and {@link ibc4j.data.TrajectoryCodec} /
 * {@link ibc4j.data.TFRecordObserver} (a record as a {@link ibc4j.data.TrajectoryStep}).
 *
 * <p>On top, the training-data pipeline of {@code data/dataset.py} and {@code ibc/train/get_data.py}:
 * {@link ibc4j.data.ShardGlob} (shards and the eval split), {@link ibc4j.data.ShardRecords} (a shard cached, specs
 * checked), {@link ibc4j.data.WindowSource} with {@link ibc4j.data.EpisodeFilter} (wrap-around windows, FIRST-frame
 * padding), {@link ibc4j.data.ShuffleBuffer} and {@link ibc4j.data.Batch}, tied together by
 * {@link ibc4j.data.TrajectoryDataset}; {@link ibc4j.data.ObservationLayout} is the network's flat observation.
 */
package ibc4j.data;
