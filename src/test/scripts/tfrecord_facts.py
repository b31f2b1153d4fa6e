"""Prints what TensorFlow / tf-agents read from IBC's test_data, for the constants in ibc4j.data tests.

Run with TF 2.15.1 + tf-agents 0.19.0 (a throwaway venv, never a project dependency):
  python src/test/scripts/tfrecord_facts.py ../shared/ibc/test_data
Optionally, a file written by ibc4j (TFRecordObserverTest leaves one in target/tfrecord-interop/):
  python src/test/scripts/tfrecord_facts.py --check-java target/tfrecord-interop/particle_0.tfrecord
"""
import glob
import os
import sys

import numpy as np
import tensorflow as tf
from tf_agents.utils import example_encoding as ee
from tf_agents.utils import example_encoding_dataset as eed
from tf_agents.utils import nest_utils


def spec_facts(root):
  for p in sorted(glob.glob(os.path.join(root, '*', '*.spec'))):
    spec = eed.parse_encoded_spec_from_file(p)
    print('==', os.path.relpath(p, root), type(spec).__name__)
    for path, s in nest_utils.flatten_with_joined_paths(spec):
      bounds = ''
      if hasattr(s, 'minimum'):
        bounds = ' min=%s max=%s' % (np.asarray(s.minimum).tolist(), np.asarray(s.maximum).tolist())
      print('  %-40s %-8s %-6s name=%r%s' % (path, s.dtype.name, list(s.shape), s.name, bounds))


def hexes(a):
  return ' '.join(float(x).hex() for x in np.asarray(a).ravel())


def record_facts(root):
  for p in sorted(glob.glob(os.path.join(root, '*', '*.tfrecord'))):
    spec = eed.parse_encoded_spec_from_file(p + '.spec')
    dec = ee.get_example_decoder(spec)
    recs = list(tf.data.TFRecordDataset(p).as_numpy_iterator())
    steps = [tf.nest.map_structure(lambda x: x.numpy(), dec(r)) for r in recs]
    st = [int(t.step_type) for t in steps]
    print('==', os.path.relpath(p, root), 'records', len(recs), 'bytes[0]', len(recs[0]))
    print('  step_type counts', np.bincount(st, minlength=3).tolist(),
          'next_step_type counts', np.bincount([int(t.next_step_type) for t in steps], minlength=3).tolist())
    print('  FIRST at', [i for i, s in enumerate(st) if s == 0], 'LAST at', [i for i, s in enumerate(st) if s == 2])
    print('  sum reward (float64)', repr(sum(float(t.reward) for t in steps)),
          'sum discount', sum(float(t.discount) for t in steps))
    for i in (0, len(steps) - 1):
      t = steps[i]
      print('  record', i, 'step', int(t.step_type), 'next', int(t.next_step_type),
            'reward', float(t.reward).hex(), 'discount', float(t.discount))
      print('    observation[:3] ', hexes(t.observation[:3]), ' [-1]', hexes(t.observation[-1:]))
      print('    action[:3]      ', hexes(t.action[:3]), ' [-1]', hexes(t.action[-1:]))


def check_java(path):
  """Reads an ibc4j-written file the way IBC's data/dataset.py does, and prints it."""
  spec = eed.parse_encoded_spec_from_file(path + '.spec')
  print('spec', spec)
  dec = ee.get_example_decoder(spec, batched=True)
  ds = tf.data.TFRecordDataset(path).batch(1000)
  for batch in ds:
    t = dec(batch)
    for k, v in sorted(nest_utils.flatten_with_joined_paths(t)):
      print(' ', k, v.dtype.name, v.shape.as_list(), hexes(v.numpy().ravel()[:6]))
  ser = ee.get_example_serializer(spec)
  first = next(iter(tf.data.TFRecordDataset(path)))
  back = tf.train.Example.FromString(ser(tf.nest.map_structure(lambda x: x.numpy(), ee.get_example_decoder(spec)(first))))
  print('python re-encode parses to the same Example:', back == tf.train.Example.FromString(first.numpy()))


if __name__ == '__main__':
  if sys.argv[1] == '--check-java':
    check_java(sys.argv[2])
  else:
    spec_facts(sys.argv[1])
    record_facts(sys.argv[1])
