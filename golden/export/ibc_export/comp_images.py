"""Component jpeg_image_records: image observations as IBC's collection writes
them and as its dataset reads them back.

data/policy_eval.py (and environments/collect/utils/serialize.py) record with
tf_agents' TFRecordObserver(py_mode=True, compress_image=True): every uint8
rank-3 leaf goes through example_encoding's _encode_to_jpeg_bytes_list (PIL,
format='jpeg', quality=95). data/dataset.py:load_tfrecord_dataset_sequence
decodes with get_example_decoder(compress_image=True), i.e. tf.io.decode_jpeg.
The images are small synthetic scenes (smooth gradients, hard-edged shapes,
mild noise: the kinds of content a pybullet render has), one RGB and one
single-channel key, at odd and even sizes so that chroma subsampling and
partial MCUs are exercised.
"""

import os

import numpy as np
import tensorflow as tf
from tf_agents.specs import tensor_spec
from tf_agents.trajectories import trajectory
from tf_agents.utils import example_encoding
from tf_agents.utils import example_encoding_dataset

from ibc_export.records import Component

# Per case: rgb (H, W), gray (H, W), records.
IMAGE_SHAPES = {
    'particle2d': dict(rgb=(24, 32), gray=(16, 20), records=3),
    'small3d': dict(rgb=(48, 64), gray=(24, 32), records=4),
    'odd5d': dict(rgb=(27, 37), gray=(13, 19), records=3),
}
IMAGE_SEED = {'particle2d': 3101, 'small3d': 3102, 'odd5d': 3103}


def _scene(rng, h, w, c):
  """A uint8 [h, w, c] image: a gradient, rectangles and discs, noise."""
  y, x = np.mgrid[0:h, 0:w].astype(np.float64)
  img = np.empty((h, w, c))
  for k in range(c):
    a, b, o = rng.uniform(-1.5, 1.5, size=3)
    img[:, :, k] = 110 + 40 * o + a * 60 * x / w + b * 60 * y / h
  for _ in range(3):
    y0, x0 = rng.integers(0, h), rng.integers(0, w)
    dy, dx = rng.integers(2, max(3, h // 2)), rng.integers(2, max(3, w // 2))
    img[y0:y0 + dy, x0:x0 + dx, :] = rng.uniform(0, 255, size=c)
  for _ in range(2):
    cy, cx, r = rng.uniform(0, h), rng.uniform(0, w), rng.uniform(2, h / 3)
    img[(y - cy) ** 2 + (x - cx) ** 2 < r * r] = rng.uniform(0, 255, size=c)
  img += rng.normal(0, 4, size=img.shape)
  return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def comp_jpeg_image_records(out, st):
  if st.case not in IMAGE_SHAPES:
    raise ValueError('jpeg_image_records is defined for cases %s, not %s' %
                     (sorted(IMAGE_SHAPES), st.case))
  shape = IMAGE_SHAPES[st.case]
  c = Component(out, 'jpeg_image_records', st.case,
                'data/policy_eval.py:evaluate (TFRecordObserver '
                'compress_image=True) + data/dataset.py:'
                'load_tfrecord_dataset_sequence (compress_image=True)',
                'image observations written as JPEG by tf_agents\' example '
                'encoder (PIL, quality 95) and decoded by tf.io.decode_jpeg')
  rng = np.random.default_rng(IMAGE_SEED[st.case])
  (h, w), (gh, gw), n = shape['rgb'], shape['gray'], shape['records']
  obs_spec = {
      'rgb': tensor_spec.BoundedTensorSpec([h, w, 3], tf.uint8, 0, 255,
                                           name='rgb'),
      'gray': tensor_spec.BoundedTensorSpec([gh, gw, 1], tf.uint8, 0, 255,
                                            name='gray'),
      'pos': tensor_spec.TensorSpec([2], tf.float32, name='pos'),
  }
  act_spec = tensor_spec.BoundedTensorSpec([2], tf.float32, -1., 1.,
                                           name='action')
  step_type_spec = tensor_spec.TensorSpec([], tf.int32, name='step_type')
  traj_spec = trajectory.Trajectory(
      step_type=step_type_spec, observation=obs_spec,
      action=act_spec, policy_info=(), next_step_type=step_type_spec,
      reward=tensor_spec.TensorSpec([], tf.float32, name='reward'),
      discount=tensor_spec.BoundedTensorSpec([], tf.float32, 0., 1.,
                                             name='discount'))
  path = os.path.join(st.tmpdir, st.case, 'images.tfrecord')
  os.makedirs(os.path.dirname(path), exist_ok=True)
  observer = example_encoding_dataset.TFRecordObserver(
      path, traj_spec, py_mode=True, compress_image=True)
  raw_rgb, raw_gray = [], []
  for i in range(n):
    rgb, gray = _scene(rng, h, w, 3), _scene(rng, gh, gw, 1)
    raw_rgb.append(rgb)
    raw_gray.append(gray)
    step_type = np.int32(0 if i == 0 else (2 if i == n - 1 else 1))
    traj = trajectory.Trajectory(
        step_type=step_type,
        observation={'rgb': rgb, 'gray': gray,
                     'pos': rng.uniform(-1, 1, size=2).astype(np.float32)},
        action=rng.uniform(-1, 1, size=2).astype(np.float32), policy_info=(),
        next_step_type=np.int32(min(2, i + 1)), reward=np.float32(i),
        discount=np.float32(1.))
    observer.write(traj)
  observer.flush()
  observer.close()

  spec = example_encoding_dataset.parse_encoded_spec_from_file(path + '.spec')
  decoder = example_encoding.get_example_decoder(spec, compress_image=True)
  decoded = [decoder(r) for r in tf.data.TFRecordDataset(path)]
  assert len(decoded) == n, len(decoded)
  # The same bytes with libjpeg's accurate integer IDCT instead of TF's
  # default (decode_image_op.cc: an empty dct_method means JDCT_IFAST).
  accurate = {'rgb': [], 'gray': []}
  for r in tf.data.TFRecordDataset(path):
    ex = tf.train.Example.FromString(r.numpy())
    for k in accurate:
      jpeg = ex.features.feature['observation/' + k].bytes_list.value[0]
      accurate[k].append(tf.io.decode_jpeg(
          jpeg, dct_method='INTEGER_ACCURATE').numpy())
  c.params(records=n, rgb_shape=[h, w, 3], gray_shape=[gh, gw, 1],
           image_quality=95, pil_version=__import__('PIL').__version__)
  c.seeds(images=IMAGE_SEED[st.case])
  c.note('tfrecord: written by TFRecordObserver(py_mode=True, '
         'compress_image=True); rgb and gray are JPEG bytes (PIL quality 95, '
         'its default 4:2:0 chroma subsampling for RGB), pos float_list')
  c.note('decoded_*: get_example_decoder(spec, compress_image=True) on each '
         'record in file order (tf.io.decode_jpeg, channels=0, IBC\'s read '
         'path); raw_*: the uint8 arrays handed to the observer')
  c.note('islow_*: tf.io.decode_jpeg(dct_method=\'INTEGER_ACCURATE\') on '
         'the same bytes; TF\'s default (dct_method=\'\') is JDCT_IFAST, the '
         'fast integer IDCT (tensorflow/core/kernels/image/'
         'decode_image_op.cc)')
  c.add_file('tfrecord', path, 'input', 'tfrecord')
  c.add_file('spec', path + '.spec', 'input', 'tfrecord-structured-value-spec')
  c.add('raw_rgb', np.stack(raw_rgb), 'input', dtype='<i4')
  c.add('raw_gray', np.stack(raw_gray), 'input', dtype='<i4')
  c.add('decoded_rgb', np.stack([d.observation['rgb'].numpy()
                                 for d in decoded]), 'output', dtype='<i4')
  c.add('decoded_gray', np.stack([d.observation['gray'].numpy()
                                  for d in decoded]), 'output', dtype='<i4')
  c.add('islow_rgb', np.stack(accurate['rgb']), 'output', dtype='<i4')
  c.add('islow_gray', np.stack(accurate['gray']), 'output', dtype='<i4')
  c.add('decoded_pos', np.stack([d.observation['pos'].numpy()
                                 for d in decoded]), 'output')
  return c
