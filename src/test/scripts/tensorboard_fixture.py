"""Writes the TF2 event file under src/test/resources/ibc4j/train/tensorboard/tf2 that TensorBoardReaderTest reads.

Run with TF 2.15.1 (a throwaway venv, never a project dependency), then move the one file it prints into place:
  python src/test/scripts/tensorboard_fixture.py target/tb-fixture
The values are what tf-agents' Learner and IBC's eval write through tf.summary.scalar (rank-0 float32 tensors
under the "scalars" plugin), plus one tf.summary.text value that a scalar reader must skip.
"""
import glob
import os
import sys

import tensorflow as tf


def main(out_dir):
  writer = tf.summary.create_file_writer(out_dir)
  with writer.as_default():
    tf.summary.text('operative_config', 'ImplicitBCAgent.num_counter_examples = 8', step=0)
    for step in (0, 100, 200):
      tf.summary.scalar('Losses/total_loss', 2.0 / (1 + step / 100), step=step)
      tf.summary.scalar('AggregatedMetrics/AverageSuccessMetric', step / 400, step=step)
  writer.close()
  for f in sorted(glob.glob(os.path.join(out_dir, '*tfevents*'))):
    print(f, os.path.getsize(f), 'bytes')


if __name__ == '__main__':
  main(sys.argv[1])
