"""Observation, action and time-step specs as train_eval gets them.

From the eval env where it can be built (spec_utils.get_tensor_specs on
get_eval_env's HistoryWrapper), else from the dataset's .spec file (the
Trajectory spec tf-agents wrote beside IBC's records) with HistoryWrapper's
leading history dimension added, as the env would have it.
"""

import collections
import os

import numpy as np
import tensorflow as tf
from tf_agents.specs import tensor_spec
from tf_agents.train.utils import spec_utils
from tf_agents.trajectories import time_step as ts
from tf_agents.utils import example_encoding_dataset

from ibc.ibc.eval import eval_env as eval_env_module


class Specs(collections.namedtuple('Specs', 'obs act ts env source')):
  """obs/act/ts tensor specs, the env (or None) and where they came from."""


def from_env(env_name, sequence_length, goal_tolerance):
  env = eval_env_module.get_eval_env(env_name, sequence_length,
                                     goal_tolerance, 1)
  obs, act, tss = spec_utils.get_tensor_specs(env)
  return Specs(obs, act, tss, env, 'eval env %s' % env_name)


def from_spec_file(path, sequence_length, act_min, act_max, shown=None):
  """The .spec's observation with a history dimension; a bounded action.

  `shown` names the file in the JSON (a path inside the checkout).
  """
  traj = example_encoding_dataset.parse_encoded_spec_from_file(path)
  obs = tf.nest.map_structure(
      lambda s: tf.TensorSpec((sequence_length,) + tuple(s.shape), s.dtype,
                              s.name), traj.observation)
  a = traj.action
  act = tensor_spec.BoundedTensorSpec(a.shape, a.dtype, act_min, act_max,
                                      name='action')
  return Specs(obs, act, ts.time_step_spec(obs), None,
               '%s (history %d; action bounds [%g, %g])' % (
                   shown or os.path.basename(path), sequence_length,
                   act_min, act_max))


def eval_time_step(specs, seed=0):
  """One eval observation, batched as the eval actor batches it."""
  if specs.env is not None:
    specs.env.seed(seed)
    t = specs.env.reset()
    return tf.nest.map_structure(
        lambda x: tf.convert_to_tensor(np.asarray(x)[None]), t)
  rng = np.random.default_rng(seed)
  obs = tf.nest.map_structure(
      lambda s: tf.constant(rng.standard_normal(
          (1,) + tuple(s.shape)).astype(np.float32)), specs.obs)
  return ts.restart(obs, batch_size=1)


def synthetic_stream(specs, n=256, seed=0):
  """A stand-in for the dataset get_data_fns streams: ((obs, action), ()).

  Zero-mean, unit-variance observations and actions spanning the action
  spec; get_normalizers runs over it (shapes matter here, not data).
  """
  rng = np.random.default_rng(seed)
  obs = tf.nest.map_structure(
      lambda s: rng.standard_normal((n,) + tuple(s.shape)).astype(
          np.float32), specs.obs)
  lo = np.broadcast_to(specs.act.minimum, specs.act.shape)
  hi = np.broadcast_to(specs.act.maximum, specs.act.shape)
  act = rng.uniform(lo, hi, (n,) + tuple(specs.act.shape)).astype(np.float32)
  return tf.data.Dataset.from_tensor_slices(((obs, act), ())).batch(32)
