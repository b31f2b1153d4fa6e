"""Injected randomness: TF's raw sampling kernels draw from a seeded tape.

While a RandomTape is active, gen_random_ops.random_uniform /
random_standard_normal / multinomial (patched by install()) take their draws
from numpy PCG64(seed) (uniform, normal) and tf.random.stateless_categorical
(categorical), and every draw is recorded in call order.
"""

import numpy as np
import tensorflow as tf
from tensorflow.python.ops import gen_random_ops  # pylint: disable=g-direct-tensorflow-import

from ibc_export.records import F32


class RandomTape(object):
  """Seeded source for the raw TF sampling kernels, recording every draw."""

  active = None

  def __init__(self, seed):
    self.seed = seed
    self.rng = np.random.Generator(np.random.PCG64(seed))
    self.draws = []  # (kind, array) in call order

  def uniform(self, shape):
    a = self.rng.random(tuple(int(s) for s in shape), dtype=F32)
    self.draws.append(('uniform', a))
    return a

  def normal(self, shape):
    a = self.rng.standard_normal(tuple(int(s) for s in shape), dtype=F32)
    self.draws.append(('normal', a))
    return a

  def categorical(self, logits, num_samples, out_dtype):
    s = tf.random.stateless_categorical(
        logits, int(num_samples), seed=[self.seed, len(self.draws)],
        dtype=out_dtype).numpy()
    self.draws.append(('categorical', s))
    return s

  def of_kind(self, kind):
    return [a for k, a in self.draws if k == kind]

  def __enter__(self):
    assert RandomTape.active is None
    RandomTape.active = self
    return self

  def __exit__(self, *exc):
    RandomTape.active = None


class Deps(object):
  """Tensors a graph-mode injected draw must depend on (keeps call order)."""
  stack = []


def _tape():
  tape = RandomTape.active
  if tape is None:
    raise RuntimeError('injected random op ran without an active RandomTape')
  return tape


_ORIG_GEN = {
    'random_uniform': gen_random_ops.random_uniform,
    'random_standard_normal': gen_random_ops.random_standard_normal,
    'multinomial': gen_random_ops.multinomial,
}


def _static_shape(shape):
  v = tf.get_static_value(shape)
  return None if v is None else [int(s) for s in v]


def _inject(kind, shape, extra_inputs, fn, out_dtype):
  if tf.executing_eagerly():
    return tf.constant(fn(*[t.numpy() for t in [shape] + extra_inputs]))
  deps = list(Deps.stack[-1]) if Deps.stack else []
  out = tf.py_function(lambda *a: fn(*[t.numpy() for t in a[:1 + len(
      extra_inputs)]]), [shape] + extra_inputs + deps, out_dtype,
                       name='injected_' + kind)
  return out


def _random_uniform(shape, dtype, seed=0, seed2=0, name=None):
  if RandomTape.active is None and not Deps.stack:
    return _ORIG_GEN['random_uniform'](shape, dtype, seed=seed, seed2=seed2,
                                        name=name)
  assert tf.as_dtype(dtype) == tf.float32
  shape = tf.convert_to_tensor(shape)
  out = _inject('uniform', shape, [], lambda s: _tape().uniform(s), tf.float32)
  st = _static_shape(shape)
  if st is not None:
    out.set_shape(st)
  return out


def _random_standard_normal(shape, dtype, seed=0, seed2=0, name=None):
  if RandomTape.active is None and not Deps.stack:
    return _ORIG_GEN['random_standard_normal'](shape, dtype, seed=seed,
                                                seed2=seed2, name=name)
  assert tf.as_dtype(dtype) == tf.float32
  shape = tf.convert_to_tensor(shape)
  out = _inject('normal', shape, [], lambda s: _tape().normal(s), tf.float32)
  st = _static_shape(shape)
  if st is not None:
    out.set_shape(st)
  return out


def _multinomial(logits, num_samples, seed=0, seed2=0, output_dtype=tf.int64,
                 name=None):
  if RandomTape.active is None and not Deps.stack:
    return _ORIG_GEN['multinomial'](logits, num_samples, seed=seed,
                                     seed2=seed2, output_dtype=output_dtype,
                                     name=name)
  num_samples = tf.convert_to_tensor(num_samples)
  out_dtype = tf.as_dtype(output_dtype)
  out = _inject('categorical', num_samples, [logits],
                lambda n, lg: _tape().categorical(lg, n, out_dtype), out_dtype)
  out.set_shape([logits.shape[0], tf.get_static_value(num_samples)])
  return out


def install():
  """Patches the raw sampling kernels (once)."""
  gen_random_ops.random_uniform = _random_uniform
  gen_random_ops.random_standard_normal = _random_standard_normal
  gen_random_ops.multinomial = _multinomial
