"""Prints the windows IBC's own data pipeline makes of TFRecord shards, for the constants in TrajectoryDatasetTest.

IBC is imported from the checkout given with --ibc (google-research/ibc at db89ddb; the directory that holds the
`ibc` package, e.g. /path/to/ibc-parent), never vendored. Run with TF 2.15.1 + tf-agents 0.19.0 (a throwaway venv, never a
project dependency):

  python src/test/scripts/dataset_windows_reference.py --ibc /path/to/ibc-parent --seq_len 3 --num 16 \
      target/dataset-interop/synthetic_a.tfrecord target/dataset-interop/synthetic_b.tfrecord
  python src/test/scripts/dataset_windows_reference.py --ibc /path/to/ibc-parent --seq_len 2 --num 8 --targets \
      ../shared/ibc/test_data/kitchen-complete-v0/kitchen-complete-v0_0.tfrecord

Window i is the i-th element of data/dataset.py load_tfrecord_dataset_sequence(shards, seq_len, deterministic=True)
(the strict round-robin over shards that data/dataset_test.py uses). Each frame is printed as the shard and record
it came from, found by an exact match of every decoded field against the shard's records in file order (the match
must be unique, else the script stops). With --targets (one shard only) it also runs ibc/train/get_data.py
get_data_fns(replay_capacity=1, i.e. no shuffle, batch_size=1) and prints each element's target action, checking it
is the newest frame's action of the same window.
"""
import argparse
import os
import sys

import numpy as np


def main():
  p = argparse.ArgumentParser()
  p.add_argument('--ibc', required=True, help='directory holding the ibc package (google-research/ibc checkout)')
  p.add_argument('--seq_len', type=int, required=True)
  p.add_argument('--num', type=int, required=True, help='windows to print')
  p.add_argument('--targets', action='store_true', help='also run get_data_fns (single shard)')
  p.add_argument('shards', nargs='+')
  args = p.parse_args()
  sys.path.insert(0, os.path.abspath(args.ibc))

  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  from ibc.data import dataset as ibc_dataset  # pylint: disable=g-import-not-at-top
  from tf_agents.utils import example_encoding  # pylint: disable=g-import-not-at-top
  from tf_agents.utils import example_encoding_dataset  # pylint: disable=g-import-not-at-top

  def leaves(traj):
    return [np.asarray(x) for x in tf.nest.flatten(traj)]

  records = []  # per shard: list of flattened decoded records
  for shard in args.shards:
    spec = example_encoding_dataset.parse_encoded_spec_from_file(shard + '.spec')
    decoder = example_encoding.get_example_decoder(spec)
    records.append([leaves(decoder(r)) for r in tf.data.TFRecordDataset(shard)])

  def source(frame):
    hits = [(s, i) for s, recs in enumerate(records) for i, r in enumerate(recs)
            if all(np.array_equal(a, b) for a, b in zip(r, frame))]
    if len(hits) != 1:
      sys.exit('frame matches %d records, need exactly 1: %s' % (len(hits), hits))
    return hits[0]

  windows = ibc_dataset.load_tfrecord_dataset_sequence(list(args.shards), seq_len=args.seq_len, deterministic=True)
  newest = []
  for i, traj in enumerate(windows.take(args.num)):
    fields = leaves(traj)
    frames = [source([f[t] for f in fields]) for t in range(args.seq_len)]
    shard = {s for s, _ in frames}
    assert len(shard) == 1, 'a window mixes shards: %s' % frames
    newest.append(np.asarray(traj.action)[-1])
    print('window %d shard %d records %s step_types %s' % (
        i, frames[0][0], [r for _, r in frames], np.asarray(traj.step_type).tolist()))

  if args.targets:
    assert len(args.shards) == 1, '--targets needs one shard: get_data_fns interleaves shards nondeterministically'
    from ibc.ibc.train import get_data  # pylint: disable=g-import-not-at-top
    train_fn = get_data.get_data_fns(args.shards[0], args.seq_len, replay_capacity=1, batch_size=1, for_rnn=False,
                                     dataset_eval_fraction=0.0, flatten_action=True)
    train, _ = train_fn()
    for i, ((obs, target), _) in enumerate(train.take(args.num)):
      target = np.asarray(target)[0]
      assert np.array_equal(target, newest[i]), 'element %d: target is not the newest frame action' % i
      print('target %d %s' % (i, ' '.join(float(x).hex() for x in target[:3])))


if __name__ == '__main__':
  main()
