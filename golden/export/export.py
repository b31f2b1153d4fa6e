#!/usr/bin/env python3
# Golden-tensor exporter for ibc4j.
#
# Runs Google's Implicit Behavioral Cloning code (google-research/ibc, imported
# from a checkout given with --ibc_root; nothing of IBC is copied here) and
# writes what its functions compute as little-endian C-order .npy files plus a
# manifest.json that the Java tests read.  See README.md next to this file.
#
# Principles:
#  * every output tensor comes from running IBC's own functions (or the
#    tf-agents / Keras functions IBC calls); nothing IBC computes is
#    re-implemented here;
#  * randomness is injected: the raw TF sampling kernels (uniform [0,1),
#    standard normal, categorical) are replaced, while a RandomTape is active,
#    by draws from a seeded NumPy generator, and every draw is recorded, so the
#    Java side can replay them;
#  * intermediates inside IBC's tf.functions are observed by "taps": thin
#    wrappers around module-level functions (mcmc.langevin_step,
#    mcmc.gradient_wrt_act, ...) and a namespace proxy for the `tf` name inside
#    ibc.ibc.agents.mcmc, which record tensors without changing the math;
#  * IBC's tf.functions still run as graphs (as in training and evaluation),
#    so e.g. the Langevin step-size schedule is computed in float32 exactly as
#    AutoGraph compiles it.
"""Exports golden tensors from IBC for the ibc4j Java port."""

import os
import sys

# ---------------------------------------------------------------------------
# Process environment: must be fixed before TensorFlow is imported.
# ---------------------------------------------------------------------------
EXPORT_ENV = {
    'TF_DETERMINISTIC_OPS': '1',
    'CUDA_VISIBLE_DEVICES': '',
    'TF_ENABLE_ONEDNN_OPTS': '0',
    'TF_CPP_MIN_LOG_LEVEL': '2',
    'PYTHONHASHSEED': '0',
    'OMP_NUM_THREADS': '1',
    'MKL_NUM_THREADS': '1',
    'OPENBLAS_NUM_THREADS': '1',
}
if os.environ.get('IBC4J_EXPORT_REEXEC') != '1':
  # PYTHONHASHSEED only takes effect at interpreter start: re-exec once.
  _env = dict(os.environ)
  _env.update(EXPORT_ENV)
  _env['IBC4J_EXPORT_REEXEC'] = '1'
  os.execve(sys.executable, [sys.executable] + sys.argv, _env)

import argparse  # pylint: disable=g-import-not-at-top
import collections
import contextlib
import functools
import gc
import glob
import hashlib
import json
import platform
import shutil
import subprocess
import tempfile
import types
import warnings

warnings.filterwarnings('ignore')

EXPECTED_IBC_COMMIT = 'db89ddbb852603fe9b64cf0f502b1fd3d6037d33'
FORMAT_VERSION = 1

COMPONENT_ORDER = [
    'normalizer_stats', 'sampling_bounds', 'obs_flatten', 'mlp_ebm_forward',
    'mlp_ebm_action_grad', 'info_nce', 'ebm_loss_types', 'grad_penalty',
    'grad_penalty_chain', 'langevin_chain',
    'iterative_dfo', 'ibc_policy_inference', 'adam_schedule', 'train_step',
    'spectral_norm', 'mlp_mse_forward', 'mse_train_step', 'mse_policy_action',
    'particle_env', 'particle_oracle', 'tfrecord_dataset', 'dataset_windows'
]
# Order in which the exporter produces them (priority order).
PRODUCE_ORDER = [
    'mlp_ebm_forward', 'mlp_ebm_action_grad', 'info_nce', 'grad_penalty',
    'langevin_chain', 'train_step', 'adam_schedule', 'ibc_policy_inference',
    'obs_flatten', 'normalizer_stats', 'sampling_bounds', 'iterative_dfo',
    'particle_env', 'particle_oracle', 'tfrecord_dataset', 'dataset_windows',
    # Last, so that they cannot shift any earlier component's state.
    'mlp_mse_forward', 'mse_train_step', 'mse_policy_action', 'ebm_loss_types',
    'grad_penalty_chain', 'spectral_norm'
]
CASE_ORDER = ['particle2d', 'small3d']

RUNTIME_FIXES = [
    'pybullet, pybullet_data and pybullet_utils.bullet_client are stubbed as '
    'empty modules in sys.modules: ibc/eval/eval_env.py and '
    'data/policy_eval.py import the block-pushing envs at module level; the '
    'particle path never calls pybullet',
    'ibc/train/get_agent.py:get_agent builds tf.keras.optimizers.Adam; on TF '
    '2.15 that name is the new Keras optimizer, so during get_agent it is '
    'pointed at tf.keras.optimizers.legacy.Adam (same defaults and formula, '
    'fused ResourceApplyAdam kernel as on TF 2.6)',
    'tf.config.run_functions_eagerly(False) is set explicitly (train_eval '
    'calls the removed tf.config.experimental_run_functions_eagerly(False)); '
    'IBC tf.functions run as graphs, mcmc.my_range stays tf.range',
    'ibc/agents/mcmc.py:langevin_actions_given_obs is @tf.function over '
    '@gin.configurable. TF 2.15 builds the tf.function signature with '
    'inspect.signature, which follows the gin wrapper\'s __wrapped__ and '
    'fills in the undecorated defaults (num_iterations=25, ...) as explicit '
    'arguments, so gin bindings are silently ignored; TF 2.6 used '
    'getfullargspec (no __wrapped__) and gin applied. The exporter deletes '
    '__wrapped__ from the gin wrapper and re-wraps it in tf.function, '
    'restoring the TF 2.6 behaviour (gin-bound num_iterations=100)',
    'matplotlib tostring_rgb (ParticleEnv.render) is not needed: nothing is '
    'rendered',
    'data/policy_eval.py:evaluate never closes its TFRecordObserver; the '
    'exporter wraps TFRecordObserver.__init__ to remember the observers and '
    'closes them after evaluate returns (the file content is unchanged)',
]
INSTRUMENTATION = [
    'tensorflow gen_random_ops.random_uniform / random_standard_normal / '
    'multinomial are replaced while a RandomTape is active: raw U[0,1) and '
    'N(0,1) float32 draws come from numpy PCG64(seed) and categorical draws '
    'from tf.random.stateless_categorical(seed=[seed, draw_index]); TF\'s own '
    'affine parts (U*(hi-lo)+lo, rnd*stddev+mean) still run',
    'ibc.ibc.agents.mcmc: langevin_step, gradient_wrt_act, '
    'categorical_bincount, compute_grad_norm and get_probabilities are wrapped '
    'and the module-level name tf is a proxy that observes tf.clip_by_value, '
    'tf.gather and tf.nn.softmax; in graph mode the per-step record is a '
    'tf.py_function that passes the step output through unchanged',
    'Keras sub-layers of MLPEBM get an instance-level call wrapper while the '
    'forward intermediates are recorded',
]


def parse_args():
  p = argparse.ArgumentParser(description=__doc__)
  p.add_argument('--ibc_root', required=True,
                 help='IBC checkout (a directory named ibc) at commit %s' %
                 EXPECTED_IBC_COMMIT)
  p.add_argument('--out', required=True, help='golden output directory')
  p.add_argument('--only', nargs='*', default=None,
                 help='components to (re)export; others keep their manifest '
                 'entries')
  p.add_argument('--cases', nargs='*', default=None,
                 help='cases to export (default: all)')
  p.add_argument('--ibc_commit', default=None,
                 help='commit of the checkout when it is not a git work tree '
                 '(default: the pinned commit)')
  p.add_argument('--keep_tmp', action='store_true')
  return p.parse_args()


ARGS = parse_args()
IBC_ROOT = os.path.abspath(ARGS.ibc_root)
if os.path.basename(IBC_ROOT) != 'ibc':
  sys.exit('--ibc_root must be a directory named ibc (it is the package)')
sys.path.insert(0, os.path.dirname(IBC_ROOT))

# Runtime fix 1: stub pybullet (see RUNTIME_FIXES).
for _name in ['pybullet', 'pybullet_data', 'pybullet_utils',
              'pybullet_utils.bullet_client']:
  sys.modules.setdefault(_name, types.ModuleType(_name))
sys.modules['pybullet_utils'].bullet_client = sys.modules[
    'pybullet_utils.bullet_client']

import numpy as np  # pylint: disable=g-import-not-at-top
import tensorflow as tf

tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)
tf.config.experimental.enable_tensor_float_32_execution(False)
tf.config.run_functions_eagerly(False)
tf.get_logger().setLevel('ERROR')

import gin  # pylint: disable=g-import-not-at-top
import tensorflow_probability as tfp
import tf_agents
from tf_agents.environments import suite_gym
from tf_agents.specs import tensor_spec
from tf_agents.train.utils import spec_utils
from tf_agents.train.utils import train_utils
from tf_agents.trajectories import time_step as ts_lib
from tf_agents.utils import common
from tf_agents.utils import example_encoding
from tf_agents.utils import example_encoding_dataset
from tf_agents.utils import nest_utils
from tensorflow.python.ops import gen_random_ops  # pylint: disable=g-direct-tensorflow-import

from ibc.data import dataset as ibc_dataset  # pylint: disable=g-bad-import-order
from ibc.data import policy_eval
from ibc.environments.particle import particle
from ibc.environments.particle import particle_oracles
from ibc.ibc.agents import ibc_agent
from ibc.ibc.agents import ibc_policy
from ibc.ibc.agents import mcmc
from ibc.ibc.eval import eval_env as eval_env_module
from ibc.ibc.losses import ebm_loss
from ibc.ibc.losses import gradient_loss
from ibc.ibc.train import get_agent as get_agent_module
from ibc.ibc.train import get_cloning_network as cloning_network_module
from ibc.ibc.train import get_data as data_module
from ibc.ibc.train import get_normalizers as normalizers_module
from ibc.ibc.train import get_sampling_spec as sampling_spec_module
from ibc.ibc.train import stats as stats_module
from ibc.networks import mlp_ebm  # pylint: disable=unused-import
from ibc.networks import mlp_mse  # pylint: disable=unused-import
from ibc.networks.layers import resnet
from ibc.networks.layers import spectral_norm

GIN_FILE = os.path.join(IBC_ROOT, 'ibc', 'configs', 'particle',
                        'mlp_ebm_langevin.gin')
# The MSE components use IBC's MSE config for the particle task instead.
MSE_GIN_FILE = os.path.join(IBC_ROOT, 'ibc', 'configs', 'particle',
                            'mlp_mse.gin')
F32 = np.float32


# ===========================================================================
# Cases
# ===========================================================================
class CaseConfig(
    collections.namedtuple('CaseConfig', [
        'name', 'n_dim', 'extra_gin', 'weights_seed', 'weight_scale',
        'train_batch', 'fwd_examples', 'grad_rows_examples', 'chain_batch',
        'policy_seed_episode', 'dfo_batch', 'dfo_samples', 'collect_episodes',
        'collect_env_seed', 'env_seeds', 'oracle_seeds'
    ])):
  """Per-case sizes. Network/loss/Langevin settings come from gin."""


CASES = {
    # mlp_ebm_langevin.gin as is, plus the run script's ParticleEnv.n_dim=2.
    'particle2d':
        CaseConfig(
            name='particle2d',
            n_dim=2,
            extra_gin=['ParticleEnv.n_dim = 2'],
            weights_seed=0,
            weight_scale=3.0,
            train_batch=512,
            fwd_examples=32,
            grad_rows_examples=512,
            chain_batch=64,
            policy_seed_episode=0,
            dfo_batch=2,
            dfo_samples=256,
            collect_episodes=3,
            collect_env_seed=0,
            env_seeds=[0, 1, 2],
            oracle_seeds=[0, 1, 2, 3]),
    # Small 3-D case so that shape/transposition bugs cannot hide.
    'small3d':
        CaseConfig(
            name='small3d',
            n_dim=3,
            extra_gin=[
                'ParticleEnv.n_dim = 3', 'MLPEBM.width = 32',
                'ImplicitBCAgent.num_counter_examples = 4',
                'langevin_actions_given_obs.num_iterations = 10',
                'IbcPolicy.num_action_samples = 64'
            ],
            weights_seed=0,
            weight_scale=7.0,
            train_batch=8,
            fwd_examples=8,
            grad_rows_examples=8,
            chain_batch=8,
            policy_seed_episode=1,
            dfo_batch=2,
            dfo_samples=64,
            collect_episodes=2,
            collect_env_seed=1,
            env_seeds=[0, 1, 2],
            oracle_seeds=[0, 1, 2]),
}

# mlp_mse.gin (+ these bindings) for the MSE components: particle2d is the
# config as run_mlp_mse.sh runs it (ResNetPreActivation, width 256, depth 2,
# dropout 0.1); small3d has two residual blocks so that the block order of the
# dropout draws and of the Keras variables is pinned too.
MSE_CASE_GIN = {
    'particle2d': ['ParticleEnv.n_dim = 2'],
    'small3d': ['ParticleEnv.n_dim = 3', 'MLPMSE.width = 32',
                'MLPMSE.depth = 4'],
}
# Weight scale for mse_policy_action, chosen so that some denormalized actions
# leave the [0, 1] action spec and the policy's clip acts.
MSE_POLICY_WEIGHT_SCALE = {'particle2d': 2.5, 'small3d': 4.0}
MSE_WEIGHTS_SEED = 0

# Base seeds for the injected randomness, one per component (the case index is
# added so the two cases use different streams).
NOISE_SEEDS = {
    'mlp_ebm_forward': 101, 'mlp_ebm_action_grad': 201, 'info_nce': 301,
    'grad_penalty': 401, 'langevin_chain': 501, 'train_step': 601,
    'adam_schedule': 701, 'ibc_policy_inference': 801, 'iterative_dfo': 901,
    'sampling_bounds': 1001, 'particle_env': 1101, 'mlp_mse_forward': 1201,
    'mse_train_step': 1301, 'mse_policy_action': 1401, 'ebm_loss_types': 1501,
    'grad_penalty_chain': 1601, 'spectral_norm': 1701,
}


def noise_seed(component, case):
  return NOISE_SEEDS[component] + 10 * CASE_ORDER.index(case)


def gin_bindings_for(case, extra=()):
  return list(CASES[case].extra_gin) + list(extra)


@contextlib.contextmanager
def gin_mse_case(case):
  """Parses mlp_mse.gin (+ the case's MSE bindings) as the only gin config."""
  gin.clear_config()
  gin.parse_config_files_and_bindings([MSE_GIN_FILE], MSE_CASE_GIN[case],
                                      skip_unknown=True,
                                      finalize_config=False)
  try:
    yield
  finally:
    gin.clear_config()


@contextlib.contextmanager
def gin_case(case, extra=()):
  """Parses mlp_ebm_langevin.gin (+ case overrides) as the only gin config."""
  gin.clear_config()
  gin.parse_config_files_and_bindings([GIN_FILE],
                                      gin_bindings_for(case, extra),
                                      skip_unknown=True,
                                      finalize_config=False)
  try:
    yield
  finally:
    gin.clear_config()


# ===========================================================================
# Recording
# ===========================================================================
def le_array(x, dtype=None):
  """C-order little-endian copy of x with an explicit dtype."""
  x = x.numpy() if hasattr(x, 'numpy') else x
  x = np.asarray(x)
  if dtype is None:
    if x.dtype == np.float64 and x.ndim == 0:
      dtype = '<f8'
    elif x.dtype.kind == 'f':
      dtype = '<f4'
    elif x.dtype == np.int64:
      dtype = '<i8'
    elif x.dtype.kind in 'iub':
      dtype = '<i4'
    else:
      raise ValueError('unsupported dtype %s' % x.dtype)
  # (np.ascontiguousarray would turn 0-d scalars into shape [1].)
  return np.array(x, order='C').astype(dtype, order='C')


DTYPE_NAMES = {'<f4': 'float32', '<f8': 'float64', '<i4': 'int32',
               '<i8': 'int64'}


class Component(object):
  """Collects one (component, case) entry and writes its files."""

  def __init__(self, out_dir, name, case, ibc_source, description):
    self.out_dir = out_dir
    self.name = name
    self.case = case
    self.entry = collections.OrderedDict([
        ('name', name), ('case', case), ('ibc_source', ibc_source),
        ('description', description), ('params', collections.OrderedDict()),
        ('seeds', collections.OrderedDict()), ('tensors', [])
    ])
    self.dir_rel = os.path.join(name, case)
    shutil.rmtree(os.path.join(out_dir, self.dir_rel), ignore_errors=True)
    os.makedirs(os.path.join(out_dir, self.dir_rel))
    self._names = set()

  def params(self, **kw):
    self.entry['params'].update(kw)

  def seeds(self, **kw):
    self.entry['seeds'].update(kw)

  def note(self, text):
    self.entry.setdefault('notes', []).append(text)

  def _add_entry(self, tname, rel, role, shape, dtype, extra):
    assert tname not in self._names, tname
    self._names.add(tname)
    e = collections.OrderedDict([('name', tname), ('file', rel),
                                 ('role', role), ('shape', list(shape)),
                                 ('dtype', dtype)])
    if extra:
      e.update(extra)
    self.entry['tensors'].append(e)

  def add(self, tname, value, role, dtype=None, **extra):
    assert role in ('input', 'weight', 'noise', 'output'), role
    arr = le_array(value, dtype)
    rel = os.path.join(self.dir_rel, tname + '.npy')
    np.save(os.path.join(self.out_dir, rel), arr, allow_pickle=False)
    self._add_entry(tname, rel, role, arr.shape, DTYPE_NAMES[arr.dtype.str],
                    extra)
    return arr

  def add_shared(self, tname, rel, role, **extra):
    """References a file written once per case (e.g. a weight set)."""
    arr = np.load(os.path.join(self.out_dir, rel))
    self._add_entry(tname, rel, role, arr.shape, DTYPE_NAMES[arr.dtype.str],
                    extra)

  def add_file(self, tname, src_path, role, fmt, **extra):
    rel = os.path.join(self.dir_rel, os.path.basename(src_path))
    shutil.copyfile(src_path, os.path.join(self.out_dir, rel))
    size = os.path.getsize(src_path)
    e = dict(format=fmt)
    e.update(extra)
    self._add_entry(tname, rel, role, [size], 'bytes', e)


# ===========================================================================
# Injected randomness
# ===========================================================================
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


gen_random_ops.random_uniform = _random_uniform
gen_random_ops.random_standard_normal = _random_standard_normal
gen_random_ops.multinomial = _multinomial


# ===========================================================================
# Taps inside ibc.ibc.agents.mcmc (and a few other IBC modules)
# ===========================================================================
class Stash(object):
  """Trace-time scratch dicts filled by the taps (one per active scope)."""
  stack = []

  @classmethod
  def top(cls):
    return cls.stack[-1] if cls.stack else None

  @classmethod
  @contextlib.contextmanager
  def scope(cls, d=None):
    d = {} if d is None else d
    cls.stack.append(d)
    try:
      yield d
    finally:
      cls.stack.pop()


class Log(object):
  """Run-time records appended by py_function / eager taps."""
  active = None

  @classmethod
  @contextlib.contextmanager
  def collect(cls):
    assert cls.active is None
    cls.active = collections.defaultdict(list)
    try:
      yield cls.active
    finally:
      cls.active = None


def _record(kind, names, tensors, passthrough):
  """Appends {name: value} to Log.active[kind]; returns passthrough."""
  tensors = [tf.convert_to_tensor(t) for t in tensors]
  if tf.executing_eagerly():
    if Log.active is not None:
      Log.active[kind].append(
          collections.OrderedDict(zip(names, [t.numpy() for t in tensors])))
    return passthrough

  def fn(*values):
    if Log.active is not None:
      Log.active[kind].append(
          collections.OrderedDict(zip(names, [v.numpy() for v in values])))
    return values[0]

  out = tf.py_function(fn, [passthrough] + tensors, passthrough.dtype,
                       name='tap_' + kind)
  out.set_shape(passthrough.shape)
  return out


class _Namespace(object):
  """Attribute proxy: overrides some names, forwards the rest."""

  def __init__(self, real, **overrides):
    self._real = real
    self._overrides = overrides

  def __getattr__(self, k):
    if k in self._overrides:
      return self._overrides[k]
    return getattr(self._real, k)


_ORIG_ITERATIVE_DFO = mcmc.iterative_dfo
_ORIG_MCMC = {
    k: getattr(mcmc, k) for k in [
        'langevin_step', 'gradient_wrt_act', 'categorical_bincount',
        'compute_grad_norm', 'get_probabilities', 'tf'
    ]
}


@tf.autograph.experimental.do_not_convert
def _tap_clip_by_value(t, clip_value_min, clip_value_max, name=None):
  out = tf.clip_by_value(t, clip_value_min, clip_value_max, name=name)
  st = Stash.top()
  if st is not None:
    st.setdefault('clips', []).append(
        (t, clip_value_min, clip_value_max, out))
    if st.get('dfo'):
      st['pending_clip'] = (t, clip_value_min, clip_value_max, out)
  return out


@tf.autograph.experimental.do_not_convert
def _tap_normal(shape, *a, **k):
  out = tf.random.normal(shape, *a, **k)
  st = Stash.top()
  if st is not None:
    st.setdefault('normals', []).append(out)
    if st.get('dfo'):
      st['pending_noise'] = out
  return out


@tf.autograph.experimental.do_not_convert
def _tap_gather(params, indices, *a, **k):
  out = tf.gather(params, indices, *a, **k)
  st = Stash.top()
  if st is not None and st.get('dfo'):
    return _dfo_gather_record(st, params, indices, out)
  return out


@tf.autograph.experimental.do_not_convert
def _tap_softmax(logits, *a, **k):
  out = tf.nn.softmax(logits, *a, **k)
  st = Stash.top()
  if st is not None:
    st.setdefault('softmaxes', []).append((logits, out))
  return out


@tf.autograph.experimental.do_not_convert
def _tap_gradient_wrt_act(*a, **k):
  de_dact, energies = _ORIG_MCMC['gradient_wrt_act'](*a, **k)
  st = Stash.top()
  if st is not None:
    st.setdefault('gwa', []).append((a, k, de_dact, energies))
  return de_dact, energies


@tf.autograph.experimental.do_not_convert
def _tap_compute_grad_norm(grad_norm_type, de_dact):
  out = _ORIG_MCMC['compute_grad_norm'](grad_norm_type, de_dact)
  st = Stash.top()
  if st is not None:
    st.setdefault('grad_norms', []).append((de_dact, out))
  return out


LANGEVIN_STEP_FIELDS = [
    'actions_out', 'actions_in', 'stepsize', 'energies', 'de_dact',
    'grad_norms', 'noise', 'delta_pre_clip', 'delta_post_clip',
    'actions_pre_clip', 'delta_clip_lo', 'delta_clip_hi', 'action_clip_lo',
    'action_clip_hi'
]


@tf.autograph.experimental.do_not_convert
def _tap_langevin_step(*a, **k):
  """mcmc.langevin_step + one record per step (passes actions through)."""
  names = ['energy_network', 'observations', 'actions', 'training',
           'policy_state', 'tfa_step_type', 'noise_scale', 'grad_clip',
           'delta_action_clip', 'stepsize', 'apply_exp', 'min_actions',
           'max_actions', 'grad_norm_type', 'obs_encoding']
  args = dict(zip(names, a))
  args.update(k)
  Deps.stack.append([args['actions']])
  try:
    with Stash.scope() as st:
      actions, energies, grad_norms = _ORIG_MCMC['langevin_step'](*a, **k)
  finally:
    Deps.stack.pop()
  (_, _, de_dact, _), = st['gwa']
  (noise,) = st['normals']
  (d_pre, d_lo, d_hi, d_post), (a_pre, a_lo, a_hi, _) = st['clips']
  f32 = lambda v: tf.cast(tf.convert_to_tensor(v), tf.float32)
  tensors = [
      args['actions'],
      f32(args['stepsize']), energies, de_dact, grad_norms, noise, d_pre,
      d_post, a_pre,
      f32(d_lo),
      f32(d_hi),
      f32(a_lo),
      f32(a_hi)
  ]
  actions = _record('langevin_step', LANGEVIN_STEP_FIELDS, tensors, actions)
  return actions, energies, grad_norms


@tf.autograph.experimental.do_not_convert
def _tap_categorical_bincount(count, log_ps, n):
  counts = _ORIG_MCMC['categorical_bincount'](count, log_ps, n)
  st = Stash.top()
  if st is not None:
    st['bincount'] = (log_ps, counts)
  return counts


DFO_FIELDS = ['resampled', 'samples_scored', 'repeat_indices', 'log_probs',
              'counts']
DFO_ITER_FIELDS = DFO_FIELDS + ['noise', 'perturbed_pre_clip']


def _dfo_gather_record(st, params, indices, out):
  """Called by the gather tap inside iterative_dfo: one record per resample."""
  log_ps, counts = st.pop('bincount')
  tensors = [params, indices, log_ps, counts]
  if st.get('pending_noise') is not None:
    noise = st.pop('pending_noise')
    pre, _, _, post = st.pop('pending_clip')
    assert post is params
    return _record('dfo_iter', DFO_ITER_FIELDS, tensors + [noise, pre], out)
  return _record('dfo_first', DFO_FIELDS, tensors, out)


@tf.autograph.experimental.do_not_convert
def _tap_iterative_dfo(*a, **k):
  with Stash.scope({'dfo': True}):
    return _ORIG_ITERATIVE_DFO(*a, **k)


@tf.autograph.experimental.do_not_convert
def _tap_get_probabilities(*a, **k):
  with Stash.scope() as st:
    probs = _ORIG_MCMC['get_probabilities'](*a, **k)
  (logits, _), = st['softmaxes']
  outer = Stash.top()
  if outer is not None:
    outer['get_probabilities'] = (a, k, logits, probs)
  return probs


def _fix_gin_tf_function():
  """Runtime fix: gin bindings of langevin_actions_given_obs (see above)."""
  gin_wrapper = mcmc.langevin_actions_given_obs.python_function
  if hasattr(gin_wrapper, '__wrapped__'):
    del gin_wrapper.__wrapped__
  mcmc.langevin_actions_given_obs = tf.function(gin_wrapper)


_fix_gin_tf_function()


def _install_mcmc_taps():
  mcmc.tf = _Namespace(
      tf,
      clip_by_value=_tap_clip_by_value,
      gather=_tap_gather,
      random=_Namespace(tf.random, normal=_tap_normal),
      nn=_Namespace(tf.nn, softmax=_tap_softmax))
  mcmc.langevin_step = _tap_langevin_step
  mcmc.gradient_wrt_act = _tap_gradient_wrt_act
  mcmc.categorical_bincount = _tap_categorical_bincount
  mcmc.compute_grad_norm = _tap_compute_grad_norm
  mcmc.get_probabilities = _tap_get_probabilities
  mcmc.iterative_dfo = _tap_iterative_dfo


_install_mcmc_taps()


@contextlib.contextmanager
def layer_taps(layers):
  """Records (input, output) of the given Keras layers' call()."""
  log = collections.OrderedDict()
  saved = []
  for key, layer in layers.items():
    orig = layer.call

    def call(*a, _orig=orig, _key=key, **k):
      out = _orig(*a, **k)
      log[_key] = (a[0], out)
      return out

    saved.append(layer)
    layer.call = call
  try:
    yield log
  finally:
    for layer in saved:
      del layer.call


# ===========================================================================
# Case setup: data, normalizers, sampling spec, network, agent
# ===========================================================================
class TfrecordObservers(object):
  created = []


_ORIG_OBSERVER_INIT = example_encoding_dataset.TFRecordObserver.__init__


def _observer_init(self, *a, **k):
  _ORIG_OBSERVER_INIT(self, *a, **k)
  TfrecordObservers.created.append(self)


example_encoding_dataset.TFRecordObserver.__init__ = _observer_init


def collect_tfrecord(case, path):
  """Runs data/policy_eval.py:evaluate (the particle collection path)."""
  cfg = CASES[case]
  with gin_case(case, ['ParticleEnv.seed = %d' % cfg.collect_env_seed]):
    policy_eval.evaluate(
        num_episodes=cfg.collect_episodes,
        task='PARTICLE',
        use_image_obs=False,
        shared_memory=False,
        flatten_env=False,
        static_policy='particle_green_then_blue',
        dataset_path=path)
  for obs in TfrecordObservers.created:
    obs.close()
  TfrecordObservers.created = []
  gc.collect()


def read_tfrecord_records(path):
  """Decodes every record of a shard with tf-agents' example decoder."""
  spec = example_encoding_dataset.parse_encoded_spec_from_file(
      path + example_encoding_dataset._SPEC_FILE_EXTENSION)  # pylint: disable=protected-access
  decoder = example_encoding.get_example_decoder(spec)
  recs = [decoder(r) for r in tf.data.TFRecordDataset(path)]
  return spec, tf.nest.map_structure(lambda *xs: np.stack([x.numpy() for x in xs]),
                                     *recs)


class CaseState(object):
  """Everything one case's components share."""

  def __init__(self, case, tmpdir):
    self.case = case
    self.cfg = CASES[case]
    self.tmpdir = tmpdir
    tf.random.set_seed(0)  # train_eval.seed; deterministic ops require one
    self.tfrecord = os.path.join(tmpdir, case,
                                 '%dd_oracle_particle.tfrecord' %
                                 self.cfg.n_dim)
    os.makedirs(os.path.dirname(self.tfrecord), exist_ok=True)
    collect_tfrecord(case, self.tfrecord)
    self.spec, self.records = read_tfrecord_records(self.tfrecord)
    self.num_records = int(self.records.step_type.shape[0])

    with gin_case(case):
      env = eval_env_module.get_eval_env('Particle-v0', 2, 0.02, 1)
      self.obs_spec, self.act_spec, self.ts_spec = (
          spec_utils.get_tensor_specs(env))
      self.stats_batch = 32
      raw_fn = data_module.get_data_fns(
          self.tfrecord, sequence_length=2, replay_capacity=1,
          batch_size=self.stats_batch, for_rnn=False,
          dataset_eval_fraction=0.0, flatten_action=True)
      self.raw_train_data, _ = raw_fn()
      self.norm_info, self.norm_fn = normalizers_module.get_normalizers(
          self.raw_train_data, self.stats_batch, 'Particle-v0',
          num_samples=self.num_records)
      self.min_actions_raw = np.array(self.norm_info.min_actions, copy=True)
      self.max_actions_raw = np.array(self.norm_info.max_actions, copy=True)
      self.act_norm_calls = []

      def recording_act_norm(x):
        out = self.norm_info.act_norm_layer(x)
        self.act_norm_calls.append((np.array(x), out.numpy()))
        return out

      self.sampling_spec = sampling_spec_module.get_sampling_spec(
          self.act_spec,
          min_actions=np.array(self.min_actions_raw, copy=True),
          max_actions=np.array(self.max_actions_raw, copy=True),
          uniform_boundary_buffer=0.05,
          act_norm_layer=recording_act_norm)

      # Network and agent, as train_eval builds them.
      # Keras 2.15 initializers without a seed take theirs from Python's
      # `random`, so tf.random.set_seed alone does not fix the init:
      # set_random_seed seeds Python, NumPy and TF.
      tf.keras.utils.set_random_seed(self.cfg.weights_seed)
      tf.keras.backend.reset_uids()  # stable Keras layer/variable names
      self.net = cloning_network_module.get_cloning_network(
          'MLPEBM', self.obs_spec, self.act_spec, self.norm_info.obs_norm_layer,
          self.norm_info.act_norm_layer, 2, self.norm_info.act_denorm_layer)
      self.agent = self._make_agent(train_utils.create_train_step())
      self.num_counter = self.agent._num_counter_examples  # pylint: disable=protected-access
      self.policy_samples = self.agent.collect_policy._num_action_samples  # pylint: disable=protected-access
      self.langevin_k = gin.query_parameter(
          'langevin_actions_given_obs.num_iterations')
      self.width = gin.query_parameter('MLPEBM.width')
    self.variables = list(self.net.trainable_variables)
    self.init_weights = [v.numpy() for v in self.variables]
    self.scaled_weights = [
        (w * F32(self.cfg.weight_scale)).astype(F32) for w in self.init_weights
    ]
    self.sampling_lo = F32(self.sampling_spec.minimum)
    self.sampling_hi = F32(self.sampling_spec.maximum)

  def fresh_agent(self):
    """A new agent (fresh optimizer and step counter) on the same network."""
    with gin_case(self.case):
      return self._make_agent(train_utils.create_train_step())

  def _make_agent(self, train_step, net=None):
    # Runtime fix: legacy Adam (see RUNTIME_FIXES).
    new_adam = tf.keras.optimizers.Adam
    tf.keras.optimizers.Adam = tf.keras.optimizers.legacy.Adam
    try:
      return get_agent_module.get_agent(
          'ebm', self.ts_spec, self.act_spec, self.sampling_spec,
          self.norm_info.obs_norm_layer, self.norm_info.act_norm_layer,
          self.norm_info.act_denorm_layer, learning_rate=1e-3,
          use_warmup=False,
          cloning_network=self.net if net is None else net,
          train_step=train_step, decay_steps=100)
    finally:
      tf.keras.optimizers.Adam = new_adam

  def set_weights(self, weights):
    for v, w in zip(self.variables, weights):
      v.assign(w)

  def mse(self):
    """The MSE agent's state for this case, built on first use."""
    if getattr(self, '_mse', None) is None:
      self._mse = MseState(self)
    return self._mse

  def normalized_batch(self, batch_size):
    """First batch_size windows of the normalized, unshuffled stream."""
    with gin_case(self.case):
      fn = data_module.get_data_fns(
          self.tfrecord, sequence_length=2, replay_capacity=1,
          batch_size=batch_size, for_rnn=False, dataset_eval_fraction=0.0,
          flatten_action=True, norm_function=self.norm_fn)
      data, _ = fn()
      (obs, act), _ = next(iter(data))
    return obs, act

  def raw_batch(self, batch_size):
    with gin_case(self.case):
      fn = data_module.get_data_fns(
          self.tfrecord, sequence_length=2, replay_capacity=1,
          batch_size=batch_size, for_rnn=False, dataset_eval_fraction=0.0,
          flatten_action=True)
      data, _ = fn()
      (obs, act), _ = next(iter(data))
    return obs, act


class MseState(object):
  """What the MSE components share: train_eval with mlp_mse.gin on the case's data.

  Same shard as the EBM components; the normalizers are recomputed under
  mlp_mse.gin, which (unlike mlp_ebm_langevin.gin) leaves
  compute_dataset_statistics.min_max_actions False: actions are z-scored and
  act_denorm_layer is a StdDenormalizationLayer.
  """

  def __init__(self, st):
    self.st = st
    self.case = st.case
    with gin_mse_case(st.case):
      raw_fn = data_module.get_data_fns(
          st.tfrecord, sequence_length=2, replay_capacity=1,
          batch_size=st.stats_batch, for_rnn=False,
          dataset_eval_fraction=0.0, flatten_action=True)
      raw_train_data, _ = raw_fn()
      self.norm_info, self.norm_fn = normalizers_module.get_normalizers(
          raw_train_data, st.stats_batch, 'Particle-v0',
          num_samples=st.num_records)
      self.sampling_spec = sampling_spec_module.get_sampling_spec(
          st.act_spec,
          min_actions=np.array(self.norm_info.min_actions, copy=True),
          max_actions=np.array(self.norm_info.max_actions, copy=True),
          uniform_boundary_buffer=0.05,
          act_norm_layer=self.norm_info.act_norm_layer)
      tf.keras.utils.set_random_seed(MSE_WEIGHTS_SEED)
      tf.keras.backend.reset_uids()
      self.net = cloning_network_module.get_cloning_network(
          'MLPMSE', st.obs_spec, st.act_spec, self.norm_info.obs_norm_layer,
          self.norm_info.act_norm_layer, 2, self.norm_info.act_denorm_layer)
      self.agent = self._make_agent(train_utils.create_train_step())
      self.width = int(gin.query_parameter('MLPMSE.width'))
      self.depth = int(gin.query_parameter('MLPMSE.depth'))
      self.rate = float(gin.query_parameter('MLPMSE.rate'))
      self.layers = gin.query_parameter('MLPMSE.layers')
    assert isinstance(self.norm_info.act_denorm_layer,
                      stats_module.StdDenormalizationLayer)
    self.variables = list(self.net.trainable_variables)
    self.short_names = mse_weight_names(self.net)
    self.init_weights = [v.numpy() for v in self.variables]

  def fresh_agent(self):
    with gin_mse_case(self.case):
      return self._make_agent(train_utils.create_train_step())

  def _make_agent(self, train_step):
    new_adam = tf.keras.optimizers.Adam
    tf.keras.optimizers.Adam = tf.keras.optimizers.legacy.Adam
    try:
      return get_agent_module.get_agent(
          'mse', self.st.ts_spec, self.st.act_spec, self.sampling_spec,
          self.norm_info.obs_norm_layer, self.norm_info.act_norm_layer,
          self.norm_info.act_denorm_layer, learning_rate=1e-3,
          use_warmup=False,
          cloning_network=self.net,
          train_step=train_step, decay_steps=100)
    finally:
      tf.keras.optimizers.Adam = new_adam

  def set_weights(self, weights):
    for v, w in zip(self.variables, weights):
      v.assign(w)

  def normalized_batch(self, batch_size):
    with gin_mse_case(self.case):
      fn = data_module.get_data_fns(
          self.st.tfrecord, sequence_length=2, replay_capacity=1,
          batch_size=batch_size, for_rnn=False, dataset_eval_fraction=0.0,
          flatten_action=True, norm_function=self.norm_fn)
      data, _ = fn()
      (obs, act), _ = next(iter(data))
    return obs, act

  def params(self):
    return dict(
        width=self.width, depth=self.depth, rate=self.rate,
        layers=self.layers, activation='relu',
        obs_dim=int(4 * 2 * self.st.cfg.n_dim),
        action_dim=int(self.st.cfg.n_dim), sequence_length=2,
        obs_keys=sorted(self.st.obs_spec.keys()),
        gin_file='ibc/configs/particle/mlp_mse.gin',
        gin_bindings=list(MSE_CASE_GIN[self.case]))

  def add_weights(self, comp, out_dir, set_name, weights):
    """The MLPMSE variables as shared files weights/<case>/<set_name>/."""
    rel_dir = os.path.join('weights', self.case, set_name)
    os.makedirs(os.path.join(out_dir, rel_dir), exist_ok=True)
    for short, w, v in zip(self.short_names, weights, self.variables):
      rel = os.path.join(rel_dir, short + '.npy')
      np.save(os.path.join(out_dir, rel), le_array(w, '<f4'),
              allow_pickle=False)
      comp.add_shared(short, rel, 'weight', keras_name=v.name,
                      weight_set=set_name)
    comp.params(weight_set=set_name)

  def add_act_norm(self, comp):
    layer = self.norm_info.act_denorm_layer
    comp.add('act_mean', layer._mean, 'input')  # pylint: disable=protected-access
    comp.add('act_std', layer._std, 'input')  # pylint: disable=protected-access


def mse_weight_names(net):
  """ibc4j's short names of MLPMSE's variables, in Keras' variable order.

  Keras tracks _mlp first (ResNet: the projection, every block's first dense,
  then every block's second dense; MLPDropout: its dense layers) and the
  action head last. Names: proj, block_dense1/2 (one block) or
  block<l>_dense1/2, dense<l> (MLPDropout), head.
  """
  mlp = net._mlp  # pylint: disable=protected-access
  layers = []
  if isinstance(mlp, resnet.ResNetLayer):
    nb = len(mlp._weight_layers)  # pylint: disable=protected-access
    prefix = lambda l: 'block' if nb == 1 else 'block%d' % l
    layers.append(('proj', mlp._projection_layer))  # pylint: disable=protected-access
    for l, d in enumerate(mlp._weight_layers):  # pylint: disable=protected-access
      layers.append((prefix(l) + '_dense1', d))
    for l, d in enumerate(mlp._weight_layers_2):  # pylint: disable=protected-access
      layers.append((prefix(l) + '_dense2', d))
  else:
    for l, d in enumerate(mlp._fc_layers):  # pylint: disable=protected-access
      layers.append(('dense%d' % l, d))
  layers.append(('head', net._project_action))  # pylint: disable=protected-access
  by_ref = {}
  for name, layer in layers:
    by_ref[layer.kernel.ref()] = name + '_kernel'
    by_ref[layer.bias.ref()] = name + '_bias'
  names = [by_ref[v.ref()] for v in net.trainable_variables]
  expected = [n + s for n, _ in layers for s in ('_kernel', '_bias')]
  assert names == expected, (names, expected)
  return names


WEIGHT_SHORT_NAMES = [
    'proj_kernel', 'proj_bias', 'block_dense1_kernel', 'block_dense1_bias',
    'block_dense2_kernel', 'block_dense2_bias', 'head_kernel', 'head_bias'
]


def write_weight_set(out_dir, st, set_name, weights):
  rel_dir = os.path.join('weights', st.case, set_name)
  os.makedirs(os.path.join(out_dir, rel_dir), exist_ok=True)
  rels = []
  for short, w in zip(WEIGHT_SHORT_NAMES, weights):
    rel = os.path.join(rel_dir, short + '.npy')
    np.save(os.path.join(out_dir, rel), le_array(w, '<f4'), allow_pickle=False)
    rels.append(rel)
  return rels


def add_weights(comp, out_dir, st, set_name, prefix=''):
  """Adds the 8 MLPEBM variables as shared weight files."""
  weights = st.init_weights if set_name == 'init' else st.scaled_weights
  rels = write_weight_set(out_dir, st, set_name, weights)
  for short, rel, v in zip(WEIGHT_SHORT_NAMES, rels, st.variables):
    comp.add_shared(prefix + short, rel, 'weight', keras_name=v.name,
                    weight_set=set_name)
  comp.params(weight_set=set_name)
  if set_name == 'scaled':
    comp.params(weight_scale=st.cfg.weight_scale)


def flat_obs_dict(obs):
  """Per-key obs in tf.nest (sorted) order."""
  return collections.OrderedDict(
      (k, obs[k]) for k in sorted(obs.keys()))


def add_obs(comp, name, obs, role):
  for k, v in flat_obs_dict(obs).items():
    comp.add('%s_%s' % (name, k), v, role)


def net_tap_layers(net):
  mlp = net._mlp  # pylint: disable=protected-access
  return collections.OrderedDict([
      ('projection', mlp._projection_layer),  # pylint: disable=protected-access
      ('relu1', mlp._activation_layers[0]),  # pylint: disable=protected-access
      ('dense1', mlp._weight_layers[0]),  # pylint: disable=protected-access
      ('relu2', mlp._activation_layers_2[0]),  # pylint: disable=protected-access
      ('dense2', mlp._weight_layers_2[0]),  # pylint: disable=protected-access
      ('mlp', mlp),
      ('head', net._project_energy),  # pylint: disable=protected-access
  ])


def common_params(st):
  return dict(
      width=int(st.width), depth=2, layers='ResNetPreActivation', rate=0.0,
      activation='relu', obs_dim=int(4 * 2 * st.cfg.n_dim),
      action_dim=int(st.cfg.n_dim), sequence_length=2,
      obs_keys=sorted(st.obs_spec.keys()))


# ===========================================================================
# Small helpers shared by the components
# ===========================================================================
def component_rng(component, case):
  return np.random.Generator(np.random.PCG64(noise_seed(component, case)))


def uniform_counter_actions(rng, st, batch, n):
  """Input actions: n uniform counter examples + the true action per row.

  These are *inputs* for the network components (not IBC's own sampling,
  which the langevin/train/policy components inject through RandomTape).
  """
  a = st.cfg.n_dim
  u = rng.random((batch, n, a), dtype=F32)
  lo, hi = st.sampling_lo, st.sampling_hi
  return (u * (hi - lo) + lo).astype(F32)


def combined_actions(counter, true_act):
  b, n, a = counter.shape
  return np.concatenate([counter, np.asarray(true_act)[:, None, :]],
                        axis=1).reshape(b * (n + 1), a).astype(F32)


def stack_records(records, field):
  return np.stack([r[field] for r in records])


def check_equal(what, a, b):
  a, b = np.asarray(a), np.asarray(b)
  if a.shape != b.shape or not np.array_equal(a, b):
    raise AssertionError('self-check failed: %s' % what)


def batched_time_step(tf_env_ts):
  """Adds a batch dim of 1 to a py TimeStep and converts it to tensors."""
  return tf.nest.map_structure(lambda x: tf.convert_to_tensor(np.asarray(x)[None]),
                               tf_env_ts)


# Taps on the ImplicitBCAgent loss path (module-level functions it calls).
_ORIG_INFO_NCE = ebm_loss.info_nce
_ORIG_GRAD_PENALTY = gradient_loss.grad_penalty
_ORIG_AGGREGATE = common.aggregate_losses


def _tap_info_nce(predictions, *a, **k):
  with Stash.scope() as inner:
    out = _ORIG_INFO_NCE(predictions, *a, **k)
  st = Stash.top()
  if st is not None:
    (_, probs), = inner['softmaxes']
    st['info_nce'] = (predictions, probs, out[0])
  return out


def _tap_grad_penalty(*a, **k):
  with Stash.scope() as inner:
    out = _ORIG_GRAD_PENALTY(*a, **k)
  st = Stash.top()
  if st is not None:
    st['grad_penalty'] = (inner, out)
  return out


def _tap_aggregate_losses(*a, **k):
  out = _ORIG_AGGREGATE(*a, **k)
  st = Stash.top()
  if st is not None:
    st.setdefault('aggregate', []).append((a, k, out))
  return out


ebm_loss.tf = _Namespace(tf, nn=_Namespace(tf.nn, softmax=_tap_softmax))
ebm_loss.info_nce = _tap_info_nce
gradient_loss.grad_penalty = _tap_grad_penalty
common.aggregate_losses = _tap_aggregate_losses


def langevin_outputs(comp, records, prefix=''):
  """Writes the per-step Langevin record arrays; returns them."""
  k = len(records)
  arr = {f: stack_records(records, f) for f in LANGEVIN_STEP_FIELDS}
  comp.add(prefix + 'init_actions', arr['actions_in'][0], 'output')
  comp.add(prefix + 'step_noise', arr['noise'], 'noise',
           note='N(0,1) draw of step k, shape [K, M, A]')
  comp.add(prefix + 'step_size', arr['stepsize'], 'output')
  comp.add(prefix + 'step_energies', arr['energies'], 'output',
           note='f(o, a_k) at the pre-step actions (ChainData.energies)')
  comp.add(prefix + 'step_de_dact', arr['de_dact'], 'output',
           note='gradient_wrt_act output = -df/da at the pre-step actions')
  comp.add(prefix + 'step_grad_norms', arr['grad_norms'], 'output',
           note='inf-norm of de_dact (ChainData.grad_norms)')
  comp.add(prefix + 'step_delta_pre_clip', arr['delta_pre_clip'], 'output')
  comp.add(prefix + 'step_delta_post_clip', arr['delta_post_clip'], 'output')
  comp.add(prefix + 'step_actions_pre_clip', arr['actions_pre_clip'],
           'output', note='a_k - delta_post_clip, before the [lo,hi] clip')
  comp.add(prefix + 'step_actions', arr['actions_out'], 'output',
           note='actions after step k (ChainData.actions)')
  comp.add(prefix + 'delta_clip', arr['delta_clip_hi'][0], 'output',
           note='c = delta_action_clip*0.5*(hi-lo) as the float32 clip bound')
  assert k > 0
  return arr


# ===========================================================================
# Components
# ===========================================================================
def comp_mlp_ebm_forward(out, st):
  c = Component(out, 'mlp_ebm_forward', st.case,
                'ibc/networks/mlp_ebm.py:MLPEBM.call',
                'MLPEBM forward (training=False) with every intermediate of '
                'networks/layers/resnet.py:ResNetPreActivationLayer.call')
  st.set_weights(st.init_weights)
  b, n = st.cfg.fwd_examples, st.num_counter
  obs, act = st.normalized_batch(b)
  rng = component_rng('mlp_ebm_forward', st.case)
  actions = combined_actions(uniform_counter_actions(rng, st, b, n), act)
  tiled = nest_utils.tile_batch(obs, n + 1)
  with layer_taps(net_tap_layers(st.net)) as log:
    energy, _ = st.net((tiled, tf.constant(actions)), training=False)
  x = log['projection'][0].numpy()
  obs_dim = x.shape[1] - st.cfg.n_dim
  check_equal('forward actions', x[:, obs_dim:], actions)
  c.params(rows=int(x.shape[0]), examples=b, rows_per_example=n + 1,
           training=False, **common_params(st))
  c.seeds(weights=st.cfg.weights_seed,
          actions=noise_seed('mlp_ebm_forward', st.case))
  if st.case == 'particle2d':
    c.note('%d rows (not the 4608 of a 512-batch) to keep the six [rows, 256] '
           'intermediates small' % (b * (n + 1)))
  c.note('obs rows are the first %d normalized training windows, each tiled '
         '%d times (tf_agents tile_batch); actions per example: %d uniform '
         'counter examples in [lo,hi] then the true action' % (b, n + 1, n))
  add_weights(c, out, st, 'init')
  c.add('obs', x[:, :obs_dim], 'input',
        note='flattened normalized obs (sorted keys, time-major)')
  c.add('actions', actions, 'input')
  c.add('net_input', x, 'output', note='concat([obs, actions], -1)')
  c.add('projection', log['projection'][1], 'output')
  c.add('relu1', log['relu1'][1], 'output')
  c.add('dense1', log['dense1'][1], 'output')
  c.add('relu2', log['relu2'][1], 'output')
  c.add('dense2', log['dense2'][1], 'output')
  c.add('residual', log['mlp'][1], 'output',
        note='projection + dense2 (ResNet block output, no activation)')
  c.add('head', log['head'][1], 'output', note='Dense(1) output [R,1]')
  c.add('energy', energy, 'output', note='squeezed head = f(o,a) [R]')
  return c


def comp_mlp_ebm_action_grad(out, st):
  c = Component(out, 'mlp_ebm_action_grad', st.case,
                'ibc/agents/mcmc.py:gradient_wrt_act',
                'dE/da as gradient_wrt_act returns it (= -df/da) and the '
                'energies f(o,a), training=False')
  st.set_weights(st.init_weights)
  b, n = st.cfg.grad_rows_examples, st.num_counter
  obs, act = st.normalized_batch(b)
  rng = component_rng('mlp_ebm_action_grad', st.case)
  actions = combined_actions(uniform_counter_actions(rng, st, b, n), act)
  tiled = nest_utils.tile_batch(obs, n + 1)
  de_dact, energies = _ORIG_MCMC['gradient_wrt_act'](
      st.net, tiled, tf.constant(actions), training=False, network_state=(),
      tfa_step_type=(), apply_exp=False)
  # The flattened obs the network saw, from an eager forward pass.
  with layer_taps({'projection': st.net._mlp._projection_layer}) as log:  # pylint: disable=protected-access
    st.net((tiled, tf.constant(actions)), training=False)
  x = log['projection'][0].numpy()
  obs_dim = x.shape[1] - st.cfg.n_dim
  c.params(rows=int(x.shape[0]), examples=b, rows_per_example=n + 1,
           training=False, apply_exp=False, **common_params(st))
  c.seeds(weights=st.cfg.weights_seed,
          actions=noise_seed('mlp_ebm_action_grad', st.case))
  add_weights(c, out, st, 'init')
  c.add('obs', x[:, :obs_dim], 'input')
  c.add('actions', actions, 'input')
  c.add('de_dact', de_dact, 'output', note='= -df/da (IBC sign)')
  c.add('energies', energies, 'output')
  return c


def comp_info_nce(out, st):
  c = Component(out, 'info_nce', st.case, 'ibc/losses/ebm_loss.py:info_nce',
                'InfoNCE over [B, n+1] logits (true action last) with the '
                'agent\'s Keras KLDivergence(reduction=NONE)')
  b, n = st.cfg.train_batch, st.num_counter
  rng = component_rng('info_nce', st.case)
  scales = np.geomspace(1e-3, 40.0, b).astype(F32)
  pred = (rng.standard_normal((b, n + 1), dtype=F32) * scales[:, None])
  # A few rows where the true action is far below / above the rest, to hit
  # the Keras probability clip at 1e-7 and the saturated case.
  pred[0, n] = -30.0
  pred[1, n] = 30.0
  pred[2, :] = 0.0
  pred = pred.astype(F32)
  with Stash.scope() as s:
    per_example, _ = ebm_loss.info_nce(
        tf.constant(pred), b, n, 1.0, st.agent._kl)  # pylint: disable=protected-access
  _, probs, _ = s['info_nce']
  c.params(batch=b, num_counter_examples=n, softmax_temperature=1.0,
           kl_epsilon=1e-7)
  c.seeds(predictions=noise_seed('info_nce', st.case))
  c.note('rows use logit scales geomspace(1e-3, 40); row 0 has the true '
         'logit at -30, row 1 at +30, row 2 is all zeros')
  c.add('predictions', pred, 'input')
  c.add('softmax', probs, 'output')
  c.add('per_example_loss', per_example, 'output')
  return c


EBM_LOSS_TYPES = ['cd', 'clipped_cd', 'soft_clipped_cd']


def comp_ebm_loss_types(out, st):
  c = Component(out, 'ebm_loss_types', st.case,
                'ibc/agents/ibc_agent.py:ImplicitBCAgent._compute_ebm_loss '
                '(ibc/losses/ebm_loss.py:cd, clipped_cd)',
                'the ebm_loss_types other than info_nce (cd_kl cannot be '
                'built: ImplicitBCAgent.__init__ raises AttributeError), each '
                'through an agent built with ImplicitBCAgent.ebm_loss_type, '
                'with d(aggregate_losses total)/d predictions')
  b, n, a = st.cfg.train_batch, st.num_counter, st.cfg.n_dim
  rng = component_rng('ebm_loss_types', st.case)
  scales = np.geomspace(1e-2, 10.0, b).astype(F32)
  pred = (rng.standard_normal((b, n + 1), dtype=F32) * scales[:, None])
  pred = pred.astype(F32)
  _, true_act = st.normalized_batch(b)
  true_act = np.asarray(true_act, F32)
  # Counter examples at squared distances spread over [0, 0.5] from the true
  # action, so that clipped_cd's 0.2 threshold splits them.
  direction = rng.standard_normal((b, n, a), dtype=F32)
  direction /= np.linalg.norm(direction, axis=-1, keepdims=True)
  dist2 = rng.random((b, n), dtype=F32) * F32(0.5)
  counter = (true_act[:, None, :] +
             direction * np.sqrt(dist2)[..., None]).astype(F32)
  expanded = tf.constant(true_act[:, None, :])
  c.params(batch=b, num_counter_examples=n, action_dim=a,
           loss_types=EBM_LOSS_TYPES, clipped_cd_threshold=0.2)
  c.seeds(inputs=noise_seed('ebm_loss_types', st.case))
  c.note('predictions: N(0,1) x geomspace(1e-2, 10) per row; counter '
         'examples: the first %d normalized target actions plus a random '
         'direction times sqrt(U[0, 0.5)), so their squared distances '
         'straddle the 0.2 threshold' % b)
  c.note('grad_predictions = d aggregate_losses(per_example).total_loss / '
         'd predictions (upstream 1/B), by tf.GradientTape')
  c.add('predictions', pred, 'input', note='[B, n+1], true action last')
  c.add('counter_example_actions', counter, 'input', note='[B, n, A]')
  c.add('true_actions', true_act, 'input', note='[B, A]')
  for loss_type in EBM_LOSS_TYPES:
    extra = ["ImplicitBCAgent.ebm_loss_type = '%s'" % loss_type]
    with gin_case(st.case, extra):
      agent = st._make_agent(train_utils.create_train_step())  # pylint: disable=protected-access
    assert agent.ebm_loss_type == loss_type
    p = tf.constant(pred)
    with tf.GradientTape() as tape:
      tape.watch(p)
      per_example, debug = agent._compute_ebm_loss(  # pylint: disable=protected-access
          b, p, tf.constant(counter), expanded, None)
      total = _ORIG_AGGREGATE(per_example_loss=per_example).total_loss
    grad = tape.gradient(total, p)
    c.add(loss_type + '_per_example_loss', per_example, 'output')
    c.add(loss_type + '_total_loss', total, 'output')
    c.add(loss_type + '_grad_predictions', grad, 'output')
    for key in debug:
      c.add('%s_debug_%s' % (loss_type, key), debug[key], 'output',
            note='debug_dict entry, logged as Losses/%s' % key)
  return c


def comp_grad_penalty(out, st):
  c = Component(out, 'grad_penalty', st.case,
                'ibc/losses/gradient_loss.py:grad_penalty',
                'gradient penalty at the final (combined) actions: inf-norm '
                'of dE/da, margin 1, squared, mean over n+1')
  st.set_weights(st.scaled_weights)
  b, n = st.cfg.train_batch, st.num_counter
  obs, act = st.normalized_batch(b)
  rng = component_rng('grad_penalty', st.case)
  actions = combined_actions(uniform_counter_actions(rng, st, b, n), act)
  tiled = nest_utils.tile_batch(obs, n + 1)
  with gin_case(st.case):
    with Stash.scope() as s:
      penalty = gradient_loss.grad_penalty(st.net, 'inf', b, None, tiled,
                                           tf.constant(actions), True)
  inner, _ = s['grad_penalty']
  (_, _, de_dact, _), = inner['gwa']
  (_, norms), = inner['grad_norms']
  with layer_taps({'projection': st.net._mlp._projection_layer}) as log:  # pylint: disable=protected-access
    st.net((tiled, tf.constant(actions)), training=True)
  x = log['projection'][0].numpy()
  obs_dim = x.shape[1] - st.cfg.n_dim
  norms = norms.numpy().reshape(b, n + 1)
  c.params(batch=b, num_counter_examples=n, grad_norm_type='inf',
           only_apply_final_grad_penalty=True, grad_margin=1.0,
           square_grad_penalty=True, grad_loss_weight=1.0, training=True,
           rows_above_margin=int(np.sum(norms > 1.0)), **common_params(st))
  c.seeds(weights=st.cfg.weights_seed,
          actions=noise_seed('grad_penalty', st.case))
  c.note('weights are IBC\'s init x %g so that some norms exceed the margin '
         '(with the plain init every norm is << 1 and the penalty is 0)' %
         st.cfg.weight_scale)
  add_weights(c, out, st, 'scaled')
  c.add('obs', x[:, :obs_dim], 'input')
  c.add('combined_actions', actions, 'input')
  c.add('de_dact', de_dact, 'output', note='= -df/da at combined actions')
  c.add('grad_norms', norms, 'output', note='[B, n+1]')
  c.add('per_example_penalty', penalty, 'output')
  return c


def comp_grad_penalty_chain(out, st):
  c = Component(out, 'grad_penalty_chain', st.case,
                'ibc/losses/gradient_loss.py:grad_penalty '
                '(only_apply_final_grad_penalty=False)',
                'the penalty on the gradient norms at the input of every '
                'Langevin step, the chain run under the GradientTape '
                '(run_full_chain_under_gradient=True, stop_chain_grad after '
                'each step), and its gradient w.r.t. the weights')
  st.set_weights(st.scaled_weights)
  b, n = st.cfg.chain_batch, st.num_counter
  obs, act = st.normalized_batch(b)
  obs_n = nest_utils.tile_batch(obs, n)
  obs_n1 = nest_utils.tile_batch(obs, n + 1)
  seed = noise_seed('grad_penalty_chain', st.case)
  extra = ['grad_penalty.only_apply_final_grad_penalty = False']
  with gin_case(st.case, extra), RandomTape(seed) as tape_rng, \
      Log.collect() as log:
    with tf.GradientTape(watch_accessed_variables=False) as tape:
      tape.watch(st.variables)
      init = tensor_spec.sample_spec_nest(st.sampling_spec, outer_dims=(b, n))
      init = tf.reshape(init, (b * n, -1))
      final, chain = run_langevin(st, obs_n, init, n)
      combined = combined_actions(
          tf.reshape(final, (b, n, -1)).numpy(), act)
      penalty = gradient_loss.grad_penalty(st.net, 'inf', b, chain, obs_n1,
                                           tf.constant(combined), True)
      total = _ORIG_AGGREGATE(per_example_loss=penalty).total_loss
    records = list(log['langevin_step'])
  grads = tape.gradient(total, st.variables)
  k = len(records)
  arr = {f: stack_records(records, f) for f in LANGEVIN_STEP_FIELDS}
  check_equal('chain grad norms', arr['grad_norms'], chain.grad_norms)
  check_equal('init', arr['actions_in'][0], init)
  (u,) = tape_rng.of_kind('uniform')
  with layer_taps({'projection': st.net._mlp._projection_layer}) as tlog:  # pylint: disable=protected-access
    st.net((obs_n, init), training=False)
  x = tlog['projection'][0].numpy()
  obs_dim = x.shape[1] - st.cfg.n_dim
  norms = chain.grad_norms.numpy()
  c.params(batch=b, num_counter_examples=n, rows=b * n, num_iterations=k,
           grad_norm_type='inf', only_apply_final_grad_penalty=False,
           grad_margin=1.0, square_grad_penalty=True, grad_loss_weight=1.0,
           run_full_chain_under_gradient=True,
           norms_above_margin=int(np.sum(norms > 1.0)),
           sampling_lo=float(st.sampling_lo),
           sampling_hi=float(st.sampling_hi), **common_params(st))
  c.seeds(weights=st.cfg.weights_seed, noise=seed)
  c.note('weights are IBC\'s init x %g so that some norms exceed the margin'
         % st.cfg.weight_scale)
  c.note('IBC\'s chain stops the gradient of the actions after every step, so '
         'each step\'s norm is a function of the weights at fixed input '
         'actions (init_actions for step 0, chain_actions[k-1] for step k)')
  c.note('grads: d aggregate_losses(per_example_penalty).total_loss / d '
         'weights by the outer tf.GradientTape through the chain\'s '
         'tf.function')
  add_weights(c, out, st, 'scaled')
  c.add('obs', x[:, :obs_dim], 'input', note='obs tiled n times [B*n, obs]')
  c.add('init_uniform', u, 'noise', note='raw U[0,1) draw [B, n, A]')
  c.add('step_noise', arr['noise'], 'noise', note='[K, B*n, A]')
  c.add('init_actions', arr['actions_in'][0], 'output', note='[B*n, A]')
  c.add('chain_actions', chain.actions, 'output',
        note='ChainData.actions: after step k [K, B*n, A]')
  c.add('chain_grad_norms', chain.grad_norms, 'output',
        note='ChainData.grad_norms: at the input of step k [K, B*n]')
  c.add('per_example_penalty', penalty, 'output', note='[B]')
  c.add('total_penalty', total, 'output')
  for short, gr in zip(WEIGHT_SHORT_NAMES, grads):
    c.add('grad_' + short, gr, 'output')
  st.set_weights(st.init_weights)
  return c


def run_langevin(st, obs_n, init, n, **extra):
  return mcmc.langevin_actions_given_obs(
      st.net, obs_n, init, policy_state=(),
      min_actions=st.sampling_spec.minimum,
      max_actions=st.sampling_spec.maximum, training=False, tfa_step_type=(),
      return_chain=True, grad_norm_type='inf', num_action_samples=n, **extra)


def comp_langevin_chain(out, st):
  c = Component(out, 'langevin_chain', st.case,
                'ibc/agents/mcmc.py:langevin_actions_given_obs',
                'Langevin chain as ImplicitBCAgent runs it for counter '
                'examples (uniform init via sample_spec_nest, K steps, '
                'return_chain=True), every step recorded')
  st.set_weights(st.init_weights)
  b, n = st.cfg.chain_batch, st.num_counter
  obs, _ = st.normalized_batch(b)
  obs_n = nest_utils.tile_batch(obs, n)
  with gin_case(st.case), RandomTape(noise_seed('langevin_chain',
                                               st.case)) as tape:
    with Log.collect() as log:
      init = tensor_spec.sample_spec_nest(st.sampling_spec, outer_dims=(b, n))
      init = tf.reshape(init, (b * n, -1))
      final, chain = run_langevin(st, obs_n, init, n)
      records = list(log['langevin_step'])
  with layer_taps({'projection': st.net._mlp._projection_layer}) as tlog:  # pylint: disable=protected-access
    st.net((obs_n, init), training=False)
  x = tlog['projection'][0].numpy()
  obs_dim = x.shape[1] - st.cfg.n_dim
  k = len(records)
  assert k == st.langevin_k, (k, st.langevin_k)
  arr = {f: stack_records(records, f) for f in LANGEVIN_STEP_FIELDS}
  check_equal('chain energies', arr['energies'], chain.energies)
  check_equal('chain grad norms', arr['grad_norms'], chain.grad_norms)
  check_equal('chain actions', arr['actions_out'], chain.actions)
  check_equal('final', arr['actions_out'][-1], final)
  check_equal('init', arr['actions_in'][0], init)
  (kind, u), = [d for d in tape.draws if d[0] == 'uniform']
  check_equal('noise order', np.stack(tape.of_kind('normal')), arr['noise'])
  c.params(batch=b, num_counter_examples=n, rows=b * n, num_iterations=k,
           sampler_stepsize_init=0.1, sampler_stepsize_final=1e-5,
           sampler_stepsize_power=2.0, noise_scale=1.0,
           delta_action_clip=0.1, grad_clip=None, training=False,
           sampling_lo=float(st.sampling_lo),
           sampling_hi=float(st.sampling_hi), **common_params(st))
  c.seeds(weights=st.cfg.weights_seed, noise=noise_seed('langevin_chain',
                                                         st.case))
  c.note('uniform init = tf.random.uniform(lo, hi) = U*(hi-lo)+lo with U the '
         'recorded init_uniform [B, n, A], reshaped to [B*n, A]')
  c.note('ChainData (actions, energies, grad_norms) equals step_actions, '
         'step_energies, step_grad_norms bitwise (checked at export)')
  if st.case == 'particle2d':
    c.note('B*n = %d chain rows instead of the 4096 of a 512-batch, to keep '
           'the per-step dumps small; K is the configured %d' % (b * n, k))
  add_weights(c, out, st, 'init')
  c.add('obs', x[:, :obs_dim], 'input', note='obs tiled n times [B*n, obs]')
  c.add('sampling_lo', st.sampling_lo, 'input')
  c.add('sampling_hi', st.sampling_hi, 'input')
  c.add('init_uniform', u, 'noise', note='raw U[0,1) draw [B, n, A]')
  langevin_outputs(c, records)
  c.add('final_actions', final, 'output')
  return c


def comp_sampling_bounds(out, st):
  c = Component(out, 'sampling_bounds', st.case,
                'ibc/train/get_sampling_spec.py:get_sampling_spec',
                'buffered action bounds, env clip, normalized dim-0 scalar '
                'bounds and the Langevin delta clip')
  (bmin, nmin), (bmax, nmax) = st.act_norm_calls[:2]
  # Delta clip as langevin_step computes it: one 1-step chain, recorded.
  st.set_weights(st.init_weights)
  obs, _ = st.normalized_batch(1)
  with gin_case(st.case), RandomTape(noise_seed('sampling_bounds', st.case)):
    with Log.collect() as log:
      init = tensor_spec.sample_spec_nest(st.sampling_spec, outer_dims=(2,))
      run_langevin(st, nest_utils.tile_batch(obs, 2), init, 2,
                   num_iterations=1)
      rec = log['langevin_step'][0]
  c.params(uniform_boundary_buffer=0.05, delta_action_clip=0.1,
           action_dim=int(st.cfg.n_dim))
  c.note('get_sampling_spec subtracts the buffer in place from the '
         'min_actions/max_actions numpy arrays it is given (train_eval passes '
         'norm_info.min_actions); the exporter passes copies')
  c.note('normalized bounds are act_norm_layer(buffered)[0]: dimension 0 of '
         'the normalized vector, used as a scalar for every dimension')
  c.note('delta clip c = 0.1*0.5*(hi-lo) is computed with numpy float64 on '
         'the spec\'s float32 bounds, then converted to float32 by '
         'tf.clip_by_value')
  c.add('min_actions', st.min_actions_raw, 'input')
  c.add('max_actions', st.max_actions_raw, 'input')
  c.add('env_action_minimum', np.asarray(st.act_spec.minimum, F32), 'input')
  c.add('env_action_maximum', np.asarray(st.act_spec.maximum, F32), 'input')
  mm = st.norm_info.act_norm_layer
  c.add('act_mid', np.asarray(mm._mean_range), 'input')  # pylint: disable=protected-access
  c.add('act_half', np.asarray(mm._half_range), 'input')  # pylint: disable=protected-access
  c.add('buffered_min', bmin, 'output', note='after the env clip')
  c.add('buffered_max', bmax, 'output', note='after the env clip')
  c.add('normalized_min_vector', nmin, 'output')
  c.add('normalized_max_vector', nmax, 'output')
  c.add('sampling_lo', np.asarray(st.sampling_spec.minimum, F32), 'output',
        note='spec.minimum (scalar, from dim 0)')
  c.add('sampling_hi', np.asarray(st.sampling_spec.maximum, F32), 'output')
  c.add('delta_clip', rec['delta_clip_hi'], 'output')
  return c


@contextlib.contextmanager
def counter_example_tap(agent, stash):
  """Records ImplicitBCAgent._make_counter_example_actions' outputs."""
  orig = agent._make_counter_example_actions  # pylint: disable=protected-access

  def make_ce(*a, **k):
    res = orig(*a, **k)
    stash['counter_examples'] = res
    return res

  agent._make_counter_example_actions = make_ce  # pylint: disable=protected-access
  try:
    yield
  finally:
    del agent._make_counter_example_actions  # pylint: disable=protected-access


@contextlib.contextmanager
def captured_update(opt, at_apply=None):
  """While active, records what _train passes to opt.apply_gradients (grads;
  lr and iterations; plus at_apply() if given) into the yielded dict."""
  applied = {}
  orig_apply = opt.apply_gradients

  def apply_gradients(grads_and_vars, *a, **k):
    grads_and_vars = list(grads_and_vars)
    applied['grads'] = [g.numpy() for g, _ in grads_and_vars]
    applied['lr'] = opt._decayed_lr(tf.float32).numpy()  # pylint: disable=protected-access
    applied['iterations'] = int(opt.iterations.numpy())
    if at_apply is not None:
      applied['at_apply'] = at_apply()
    return orig_apply(grads_and_vars, *a, **k)

  opt.apply_gradients = apply_gradients
  try:
    yield applied
  finally:
    del opt.apply_gradients


def adam_state(opt, variables):
  """(updated weights, Adam m, Adam v) after a step."""
  return ([v.numpy() for v in variables],
          [opt.get_slot(v, 'm').numpy() for v in variables],
          [opt.get_slot(v, 'v').numpy() for v in variables])


def train_capturing_update(agent, variables, gin_extra, case, seed,
                           experience, at_apply=None):
  """Runs agent.train once with injected noise under captured_update.

  Returns (loss_info, langevin records, stash, random tape, applied, updated
  weights, Adam m, Adam v)."""
  opt = agent._optimizer  # pylint: disable=protected-access
  with captured_update(opt, at_apply) as applied, \
      gin_case(case, gin_extra), RandomTape(seed) as tape_rng, \
      Log.collect() as log, Stash.scope() as s, counter_example_tap(agent, s):
    loss_info = agent.train(experience)
    records = list(log['langevin_step'])
  return (loss_info, records, s, tape_rng, applied) + adam_state(opt, variables)


def add_update_outputs(c, applied, m, v_, updated, short_names=None,
                       grad_prefix='grad_total_'):
  """The step's total gradient, Adam's slots and the updated weights."""
  for prefix, values in [(grad_prefix, applied['grads']), ('adam_m_', m),
                         ('adam_v_', v_), ('updated_', updated)]:
    for i, short in enumerate(short_names or WEIGHT_SHORT_NAMES):
      c.add(prefix + short, values[i], 'output')


def comp_train_step(out, st):
  c = Component(out, 'train_step', st.case,
                'ibc/agents/ibc_agent.py:ImplicitBCAgent._loss + '
                'ibc/agents/base_agent.py:BehavioralCloningAgent._train',
                'one complete training step on a fixed batch: Langevin '
                'counter examples, info_nce + grad penalty, gradients, '
                'legacy Adam update at iteration 0')
  b, n = st.cfg.train_batch, st.num_counter
  seed = noise_seed('train_step', st.case)
  obs, act = st.normalized_batch(b)
  experience = (obs, act)
  variables = st.variables

  # (1) the info_nce part and (2) the penalty part of the gradient, each from
  # its own run of agent._loss with the same injected noise.
  parts = {}
  for part in ['info_nce', 'penalty']:
    agent = st.fresh_agent()
    st.set_weights(st.scaled_weights)
    with gin_case(st.case), RandomTape(seed), Log.collect(), \
        Stash.scope() as s, counter_example_tap(agent, s):
      loss_info, tape = agent._loss(experience, variables, training=True)  # pylint: disable=protected-access
    per_ex = (s['info_nce'][2] if part == 'info_nce' else
              s['grad_penalty'][1])
    with tape:  # resume recording for the part's aggregate
      target = _ORIG_AGGREGATE(per_example_loss=per_ex).total_loss
    parts[part] = (loss_info.loss.numpy(),
                   [g.numpy() for g in tape.gradient(target, variables)])

  # (3) the real training step: agent.train (BehavioralCloningAgent._train).
  agent = st.fresh_agent()
  st.set_weights(st.scaled_weights)
  loss_info, records, s, tape_rng, applied, updated, m, v_ = (
      train_capturing_update(agent, variables, (), st.case, seed,
                             experience))

  counter, combined, chain = s['counter_examples']
  predictions, probs, info = s['info_nce']
  pen_inner, penalty = s['grad_penalty']
  (_, _, pen_de_dact, _), = pen_inner['gwa']
  (_, pen_norms), = pen_inner['grad_norms']
  (mse_a, mse_k, mse_out), (tot_a, tot_k, tot_out) = s['aggregate']
  arr = {f: stack_records(records, f) for f in LANGEVIN_STEP_FIELDS}
  (u,) = tape_rng.of_kind('uniform')
  check_equal('train chain energies', arr['energies'], chain.energies)
  check_equal('train counter', arr['actions_out'][-1].reshape(b, n, -1),
              counter)
  check_equal('loss parts reproduce', parts['info_nce'][0], loss_info.loss)
  check_equal('loss parts reproduce 2', parts['penalty'][0], loss_info.loss)
  check_equal('total loss', tot_out.total_loss, loss_info.loss)

  with layer_taps({'projection': st.net._mlp._projection_layer}) as tlog:  # pylint: disable=protected-access
    st.net((nest_utils.tile_batch(obs, n + 1), combined), training=True)
  x = tlog['projection'][0].numpy()
  obs_dim = x.shape[1] - st.cfg.n_dim

  c.params(batch=b, num_counter_examples=n, num_iterations=len(records),
           learning_rate=1e-3, decay_steps=100, decay_rate=0.99,
           adam_epsilon=1e-7, adam_beta_1=0.9, adam_beta_2=0.999,
           optimizer='tf.keras.optimizers.legacy.Adam',
           run_full_chain_under_gradient=True, compute_mse=True,
           add_grad_penalty=True, grad_margin=1.0,
           sampling_lo=float(st.sampling_lo),
           sampling_hi=float(st.sampling_hi),
           rows_above_margin=int(np.sum(pen_norms.numpy() > 1.0)),
           **common_params(st))
  c.seeds(weights=st.cfg.weights_seed, noise=seed)
  c.note('weights before the step are IBC\'s init x %g (so the penalty is '
         'active); the optimizer is fresh (iterations 0, zero slots)' %
         st.cfg.weight_scale)
  c.note('agent.train ran eagerly, as TFAgent.train does in TF2 outside the '
         'tf-agents Learner; IBC\'s tf.functions inside it '
         '(langevin_actions_given_obs, gradient_wrt_act) run as graphs')
  c.note('experience = the first %d normalized windows (obs per key [B,T,d], '
         'target action [B,A])' % b)
  c.note('grad_info_nce / grad_penalty: gradients of '
         'aggregate_losses(part).total_loss from two further runs of '
         'agent._loss with the same injected noise (same loss bitwise); '
         'grad_total is what _train passed to apply_gradients')
  add_weights(c, out, st, 'scaled')
  add_obs(c, 'obs', obs, 'input')
  c.add('obs_flat_tiled', x[:, :obs_dim], 'input',
        note='network obs input, obs tiled n+1 times [B*(n+1), obs]')
  c.add('true_actions', act, 'input')
  c.add('init_uniform', u, 'noise', note='raw U[0,1) draw [B, n, A]')
  c.add('step_noise', arr['noise'], 'noise', note='[K, B*n, A]')
  c.add('init_actions', arr['actions_in'][0], 'output')
  c.add('chain_energies', arr['energies'], 'output')
  c.add('chain_grad_norms', arr['grad_norms'], 'output')
  c.add('counter_example_actions', counter, 'output', note='G9 [B, n, A]')
  c.add('combined_actions', combined, 'output',
        note='G10 [B*(n+1), A], true action last per group')
  c.add('predictions', predictions, 'output', note='[B, n+1]')
  c.add('softmax', probs, 'output')
  c.add('per_example_info_nce', info, 'output')
  c.add('penalty_de_dact', pen_de_dact, 'output')
  c.add('penalty_grad_norms', tf.reshape(pen_norms, (b, n + 1)), 'output')
  c.add('per_example_penalty', penalty, 'output')
  c.add('per_example_loss', tot_k['per_example_loss'], 'output')
  c.add('mse_counter_examples', mse_out.total_loss, 'output',
        note='monitoring only (compute_mse), not part of the loss')
  c.add('total_loss', loss_info.loss, 'output')
  c.add('learning_rate', applied['lr'], 'output', note='lr at iteration 0')
  for i, short in enumerate(WEIGHT_SHORT_NAMES):
    c.add('grad_info_nce_' + short, parts['info_nce'][1][i], 'output')
  for i, short in enumerate(WEIGHT_SHORT_NAMES):
    c.add('grad_penalty_' + short, parts['penalty'][1][i], 'output')
  add_update_outputs(c, applied, m, v_, updated)
  st.set_weights(st.init_weights)
  return c



# W/sigma keeps |df/da| near 0.1 at init, under the config's margin of 1, so
# the component lowers the margin to put about half the rows on each side.
SN_GRAD_MARGIN = 0.08
SN_GIN = ["MLPEBM.dense_layer_type = 'spectral_norm'",
          'grad_penalty.grad_margin = %r' % SN_GRAD_MARGIN]
SN_LAYER_NAMES = ['proj', 'block_dense1', 'block_dense2', 'head']


def sn_layers(net):
  """MLPEBM's DenseSN layers by ibc4j's short names."""
  mlp = net._mlp  # pylint: disable=protected-access
  layers = collections.OrderedDict([
      ('proj', mlp._projection_layer),  # pylint: disable=protected-access
      ('block_dense1', mlp._weight_layers[0]),  # pylint: disable=protected-access
      ('block_dense2', mlp._weight_layers_2[0]),  # pylint: disable=protected-access
      ('head', net._project_energy),  # pylint: disable=protected-access
  ])
  for layer in layers.values():
    assert isinstance(layer, spectral_norm.DenseSN), type(layer)
  return layers


def sn_u(layers):
  return collections.OrderedDict((k, l.u.numpy()) for k, l in layers.items())


def power_iteration64(w, u):
  """One DenseSN power iteration in float64 (exporter self-check only)."""
  w, u = np.asarray(w, np.float64), np.asarray(u, np.float64)
  v = u @ w.T
  v = v / (np.sqrt(np.sum(v * v)) + 1e-12)
  u2 = v @ w
  return u2 / (np.sqrt(np.sum(u2 * u2)) + 1e-12)


def comp_spectral_norm(out, st):
  c = Component(out, 'spectral_norm', st.case,
                'ibc/networks/layers/spectral_norm.py:DenseSN via '
                'ibc/networks/mlp_ebm.py (dense_layer_type=spectral_norm); '
                'ibc/agents/ibc_agent.py:ImplicitBCAgent._loss + '
                'ibc/agents/base_agent.py:BehavioralCloningAgent._train',
                'MLPEBM with spectral-norm dense layers: forward with '
                'training=False and True (the power iteration and its update '
                'of u), then one complete training step')
  with gin_case(st.case, SN_GIN):
    tf.keras.utils.set_random_seed(st.cfg.weights_seed)
    tf.keras.backend.reset_uids()
    net = cloning_network_module.get_cloning_network(
        'MLPEBM', st.obs_spec, st.act_spec, st.norm_info.obs_norm_layer,
        st.norm_info.act_norm_layer, 2, st.norm_info.act_denorm_layer)
    agent = st._make_agent(train_utils.create_train_step(), net=net)  # pylint: disable=protected-access
  layers = sn_layers(net)
  variables = list(net.trainable_variables)
  assert len(variables) == len(WEIGHT_SHORT_NAMES)
  weights0 = [v.numpy() for v in variables]
  u0 = sn_u(layers)
  b, n = st.cfg.train_batch, agent._num_counter_examples  # pylint: disable=protected-access
  seed = noise_seed('spectral_norm', st.case)
  obs, act = st.normalized_batch(b)
  tiled = nest_utils.tile_batch(obs, n + 1)

  # (1) single calls on fixed inputs: training=False leaves u, True sets it.
  probe = combined_actions(
      uniform_counter_actions(component_rng('spectral_norm', st.case), st, b,
                              n), act)
  e_eval = net((tiled, probe), training=False)[0].numpy()
  for k, l in layers.items():
    check_equal('training=False keeps u of ' + k, l.u.numpy(), u0[k])
  e_train = net((tiled, probe), training=True)[0].numpy()
  u1 = sn_u(layers)
  check_equal('training=True pass, same weights', e_train, e_eval)
  for k, l in layers.items():
    w = l.kernel.numpy()
    np.testing.assert_allclose(u1[k], power_iteration64(w, u0[k]), atol=1e-5)
    l.u.assign(u0[k])

  # (2) agent.train, as comp_train_step runs it.
  loss_info, records, s, tape_rng, applied, updated, m, v_ = (
      train_capturing_update(agent, variables, SN_GIN, st.case, seed,
                             (obs, act), at_apply=lambda: sn_u(layers)))
  u2 = applied['at_apply']
  # Two training=True calls per step (the prediction pass and grad_penalty's
  # gradient_wrt_act), both before the update: u is iterated twice.
  for k, l in layers.items():
    w = weights0[WEIGHT_SHORT_NAMES.index(k + '_kernel')]
    np.testing.assert_allclose(
        u2[k], power_iteration64(w, power_iteration64(w, u0[k])), atol=1e-5)
    check_equal('u unchanged by apply_gradients ' + k, l.u.numpy(), u2[k])

  counter, combined, chain = s['counter_examples']
  predictions, probs, info = s['info_nce']
  pen_inner, penalty = s['grad_penalty']
  (_, pen_norms), = pen_inner['grad_norms']
  (_, tot_k, tot_out) = s['aggregate'][1]
  arr = {f: stack_records(records, f) for f in LANGEVIN_STEP_FIELDS}
  (u_draw,) = tape_rng.of_kind('uniform')
  check_equal('sn chain energies', arr['energies'], chain.energies)
  check_equal('sn total loss', tot_out.total_loss, loss_info.loss)

  c.params(batch=b, num_counter_examples=n, num_iterations=len(records),
           learning_rate=1e-3, decay_steps=100, decay_rate=0.99,
           adam_epsilon=1e-7, adam_beta_1=0.9, adam_beta_2=0.999,
           optimizer='tf.keras.optimizers.legacy.Adam',
           run_full_chain_under_gradient=True, compute_mse=True,
           add_grad_penalty=True, grad_margin=SN_GRAD_MARGIN,
           dense_layer_type='spectral_norm',
           sampling_lo=float(st.sampling_lo),
           sampling_hi=float(st.sampling_hi),
           rows_above_margin=int(np.sum(pen_norms.numpy() > SN_GRAD_MARGIN)),
           **common_params(st))
  c.seeds(weights=st.cfg.weights_seed, noise=seed,
          probe_actions=noise_seed('spectral_norm', st.case))
  c.note('the network is built as the case builds MLPEBM, with '
         'MLPEBM.dense_layer_type=\'spectral_norm\' added; its weights are '
         'DenseSN\'s own init (no scaling: W/sigma does not change with it)')
  c.note('sn_u_<layer> is DenseSN.u before anything runs (RandomNormal(0,1) '
         'from the weights seed); sn_u_after_call_<layer> after one '
         'training=True call; sn_u_after_step_<layer> after agent.train, '
         'read inside apply_gradients (= the value after the step). The '
         'exporter checks, against a float64 power iteration to 1e-5, that '
         'training=False leaves u and that a step iterates u twice')
  c.note('energies_eval / energies_train: net((obs tiled n+1, '
         'probe_actions), training=False / True) from u = sn_u; probe '
         'actions are uniform counter examples + the true action')
  c.note('grad_penalty.grad_margin = %g (config: 1.0): with W/sigma the '
         'norms of df/da start near 0.1, so a margin of 1 would leave the '
         'penalty and its gradient at 0' % SN_GRAD_MARGIN)
  c.note('agent.train ran eagerly; the chain (training=False) and '
         'gradient_wrt_act run as tf.function graphs')
  for short, w in zip(WEIGHT_SHORT_NAMES, weights0):
    c.add(short, w, 'weight')
  for k in SN_LAYER_NAMES:
    c.add('sn_u_' + k, u0[k], 'input', note='[1, units]')
  add_obs(c, 'obs', obs, 'input')
  c.add('true_actions', act, 'input')
  c.add('probe_actions', probe, 'input', note='[B*(n+1), A]')
  c.add('energies_eval', e_eval, 'output')
  c.add('energies_train', e_train, 'output')
  for k in SN_LAYER_NAMES:
    c.add('sn_u_after_call_' + k, u1[k], 'output')
  c.add('init_uniform', u_draw, 'noise', note='raw U[0,1) draw [B, n, A]')
  c.add('step_noise', arr['noise'], 'noise', note='[K, B*n, A]')
  c.add('init_actions', arr['actions_in'][0], 'output')
  c.add('chain_energies', arr['energies'], 'output')
  c.add('chain_grad_norms', arr['grad_norms'], 'output')
  c.add('counter_example_actions', counter, 'output', note='[B, n, A]')
  c.add('combined_actions', combined, 'output', note='[B*(n+1), A]')
  c.add('predictions', predictions, 'output', note='[B, n+1]')
  c.add('per_example_info_nce', info, 'output')
  c.add('penalty_grad_norms', tf.reshape(pen_norms, (b, n + 1)), 'output')
  c.add('per_example_penalty', penalty, 'output')
  c.add('per_example_loss', tot_k['per_example_loss'], 'output')
  c.add('total_loss', loss_info.loss, 'output')
  add_update_outputs(c, applied, m, v_, updated)
  for k in SN_LAYER_NAMES:
    c.add('sn_u_after_step_' + k, u2[k], 'output')
  return c


def comp_adam_schedule(out, st):
  c = Component(out, 'adam_schedule', st.case,
                'ibc/train/get_agent.py:get_agent (Keras legacy Adam + '
                'ExponentialDecay)',
                'the optimizer get_agent builds, applied to the MLPEBM head '
                'variables for 101 steps of a recorded gradient sequence')
  agent = st.fresh_agent()
  opt = agent._optimizer  # pylint: disable=protected-access
  rng = component_rng('adam_schedule', st.case)
  w0 = [st.init_weights[6], st.init_weights[7]]
  var = [tf.Variable(w, name=nm) for w, nm in zip(w0, ['head_kernel',
                                                       'head_bias'])]
  steps = 101
  scale = np.geomspace(1e-6, 3.0, steps).astype(F32)
  rng.shuffle(scale)
  grads = [(rng.standard_normal((steps,) + w.shape, dtype=F32) *
            scale.reshape((steps,) + (1,) * w.ndim)).astype(F32) for w in w0]
  grads[0][4] = 0.0  # an all-zero gradient step
  grads[1][4] = 0.0
  lrs, snaps = [], {}
  for t in range(steps):
    lrs.append(opt._decayed_lr(tf.float32).numpy())  # pylint: disable=protected-access
    opt.apply_gradients([(tf.constant(g[t]), v) for g, v in zip(grads, var)])
    if t + 1 in (1, 2, 100, 101):
      w, m, v_ = adam_state(opt, var)
      snaps[t + 1] = dict(w=w, m=m, v=v_, it=int(opt.iterations.numpy()))
  c.params(steps=steps, learning_rate=1e-3, decay_steps=100, decay_rate=0.99,
           staircase=False, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
           amsgrad=False, optimizer='tf.keras.optimizers.legacy.Adam',
           recorded_after_steps=[1, 2, 100, 101])
  c.seeds(gradients=noise_seed('adam_schedule', st.case),
          weights=st.cfg.weights_seed)
  c.note('step t (1-based) uses lr = learning_rate[t-1] = '
         'ExponentialDecay(iterations = t-1); gradient step 5 (index 4) is '
         'all zeros; gradient scales are a shuffled geomspace(1e-6, 3)')
  c.add('init_head_kernel', w0[0], 'weight')
  c.add('init_head_bias', w0[1], 'weight')
  c.add('grads_head_kernel', grads[0], 'input', note='[101, in, 1]')
  c.add('grads_head_bias', grads[1], 'input', note='[101, 1]')
  c.add('learning_rate', np.asarray(lrs, F32), 'output',
        note='lr used by each of the 101 steps')
  for t in (1, 2, 100, 101):
    s = snaps[t]
    for i, nm in enumerate(['head_kernel', 'head_bias']):
      c.add('step%d_%s' % (t, nm), s['w'][i], 'output')
      c.add('step%d_m_%s' % (t, nm), s['m'][i], 'output')
      c.add('step%d_v_%s' % (t, nm), s['v'][i], 'output')
  return c


def comp_ibc_policy_inference(out, st):
  c = Component(out, 'ibc_policy_inference', st.case,
                'ibc/agents/ibc_policy.py:IbcPolicy._distribution',
                'one eval action: normalize obs, tile N, uniform init, K '
                'Langevin steps (noise 1.0), softmax over f, greedy argmax, '
                'denormalize, clip to the action spec')
  st.set_weights(st.init_weights)
  cfg = st.cfg
  # Observation: eval env (HistoryWrapper T=2) seeded with the eval rule,
  # three oracle steps in, so the two frames differ.
  with gin_case(st.case):
    env = eval_env_module.get_eval_env('Particle-v0', 2, 0.02, 1)
    env.seed(cfg.policy_seed_episode)
    ts = env.reset()
    oracle = particle_oracles.ParticleOracle(env)
    for _ in range(3):
      ts = env.step(oracle.action(ts).action)
  time_step = batched_time_step(ts)
  seed = noise_seed('ibc_policy_inference', st.case)
  runs = {}
  for which in ['greedy', 'collect']:
    with gin_case(st.case), RandomTape(seed) as tape:
      with Log.collect() as log, Stash.scope() as s:
        if which == 'greedy':
          action = st.agent.policy.action(time_step).action
          runs[which] = dict(action=action.numpy())
        else:
          dist = st.agent.collect_policy.distribution(time_step).action
          idx = tfp.distributions.Categorical.mode(dist)
          runs[which] = dict(
              mapped=dist._mapped_values.numpy(),  # pylint: disable=protected-access
              probs=dist.probs_parameter().numpy(),
              mode_index=idx.numpy(), mode=dist.mode().numpy())
        runs[which]['records'] = list(log['langevin_step'])
        runs[which]['uniform'] = tape.of_kind('uniform')
        runs[which]['probs_tap'] = s['get_probabilities']
  g, col = runs['greedy'], runs['collect']
  for f in LANGEVIN_STEP_FIELDS:
    check_equal('policy runs ' + f, stack_records(g['records'], f),
                stack_records(col['records'], f))
  _, _, logits, probs = col['probs_tap']
  check_equal('probs', probs, col['probs'])
  norm_obs, _ = st.norm_info.obs_norm_layer(time_step.observation)
  n_samples = st.policy_samples
  tiled = nest_utils.tile_batch(norm_obs, n_samples)
  (u,) = col['uniform']
  c.params(num_action_samples=int(n_samples),
           num_iterations=len(g['records']), noise_scale=1.0,
           use_langevin=True, use_dfo=False, optimize_again=False,
           sampling_lo=float(st.sampling_lo),
           sampling_hi=float(st.sampling_hi), **common_params(st))
  c.seeds(weights=st.cfg.weights_seed, noise=seed,
          env_episode_seed=cfg.policy_seed_episode)
  c.note('observation: eval env (suite_gym Particle-v0 + HistoryWrapper(2, '
         'tile_first_step_obs)) after env.seed(%d), reset and 3 oracle steps' %
         cfg.policy_seed_episode)
  c.note('agent.policy.action (GreedyPolicy) and '
         'agent.collect_policy.distribution were run with the same injected '
         'noise; their chains are bitwise equal (checked at export)')
  add_weights(c, out, st, 'init')
  add_obs(c, 'raw_obs', time_step.observation, 'input')
  mm = st.norm_info.act_norm_layer
  c.add('act_mid', np.asarray(mm._mean_range), 'input')  # pylint: disable=protected-access
  c.add('act_half', np.asarray(mm._half_range), 'input')  # pylint: disable=protected-access
  c.add('sampling_lo', st.sampling_lo, 'input')
  c.add('sampling_hi', st.sampling_hi, 'input')
  add_obs(c, 'norm_obs', norm_obs, 'output')
  add_obs(c, 'tiled_obs', tiled, 'output')
  c.add('init_uniform', u, 'noise', note='raw U[0,1) draw [N, A]')
  langevin_outputs(c, g['records'])
  c.add('logits', tf.reshape(logits, [-1]), 'output',
        note='f at the final samples [N]')
  c.add('probs', col['probs'], 'output', note='softmax(logits) [N]')
  c.add('argmax_index', np.asarray(col['mode_index']).reshape([]), 'output',
        dtype='<i4')
  c.add('denormalized_samples', col['mapped'], 'output',
        note='act_denorm_layer(final samples) [N, A]')
  c.add('mode_action', col['mode'], 'output', note='before the spec clip')
  c.add('action', g['action'], 'output',
        note='GreedyPolicy action clipped to [0,1] [1, A]')
  return c


def obs_norm_layers(norm_info):
  """Per-key StdNormalizationLayer inside the NestMap (unwrapping Sequential)."""
  out = {}
  for k, layer in norm_info.obs_norm_layer._nested_layers.items():  # pylint: disable=protected-access
    while not hasattr(layer, '_mean'):
      (layer,) = layer.layers
    out[k] = layer
  return out


def comp_obs_flatten(out, st):
  c = Component(out, 'obs_flatten', st.case, 'ibc/networks/mlp_ebm.py:MLPEBM.call',
                'observation normalization (StdNormalizationLayer per key via '
                'NestMap) and MLPEBM\'s flatten: sorted keys, time-major')
  st.set_weights(st.init_weights)
  b = st.cfg.train_batch
  raw_obs, raw_act = st.raw_batch(b)
  norm_obs, norm_act = st.normalized_batch(b)
  layer_out, _ = st.norm_info.obs_norm_layer(raw_obs)
  for k in norm_obs:
    check_equal('norm obs ' + k, layer_out[k], norm_obs[k])
  with layer_taps({'projection': st.net._mlp._projection_layer}) as log:  # pylint: disable=protected-access
    st.net((norm_obs, norm_act), training=False)
  x = log['projection'][0].numpy()
  obs_dim = x.shape[1] - st.cfg.n_dim
  c.params(batch=b, obs_keys=sorted(raw_obs.keys()), sequence_length=2,
           obs_dim=int(obs_dim), eps=float(stats_module.EPS))
  c.note('obs: the first %d windows of the unshuffled stream (see '
         'dataset_windows); mean/std from normalizer_stats' % b)
  layers = obs_norm_layers(st.norm_info)
  add_obs(c, 'raw_obs', raw_obs, 'input')
  for k in sorted(raw_obs.keys()):
    c.add('mean_' + k, layers[k]._mean, 'input')  # pylint: disable=protected-access
    c.add('std_' + k, layers[k]._std, 'input')  # pylint: disable=protected-access
  add_obs(c, 'norm_obs', norm_obs, 'output')
  c.add('actions', norm_act, 'input', note='normalized target actions')
  c.add('obs_flat', x[:, :obs_dim], 'output', note='[B, T*sum(d)]')
  c.add('net_input', x, 'output', note='concat([obs_flat, actions])')
  return c


def comp_normalizer_stats(out, st):
  c = Component(out, 'normalizer_stats', st.case,
                'ibc/train/stats.py:compute_dataset_statistics',
                'per-key obs mean/std (Chan, population std) and action '
                'min/max/mid/half (min_max_actions=True) as get_normalizers '
                'computes them')
  s = st.num_records
  samples = list(st.raw_train_data.unbatch().take(s))
  obs = {k: np.stack([o[k].numpy() for (o, _), _ in samples])
         for k in samples[0][0][0]}
  act = np.stack([a.numpy() for (_, a), _ in samples])
  layers = obs_norm_layers(st.norm_info)
  mm = st.norm_info.act_norm_layer
  c.params(num_samples=s, frames_per_key=2 * s, nested_obs=True,
           min_max_actions=True, use_sqrt_std=False,
           eps=float(stats_module.EPS))
  c.note('samples: get_data_fns(tfrecord_dataset shard, sequence_length=2, '
         'replay_capacity=1 i.e. no shuffle) -> get_normalizers(num_samples='
         '%d = number of records): windows (r_i, r_i+1) for i=0..%d of the '
         'shard in file order, wrapping at the end, with the episode-start '
         'padding of filter_episodes; every record is the newest frame once' %
         (s, s - 1))
  c.note('each window contributes its 2 frames (older first) to every obs '
         'key\'s running statistics, in window order')
  add_obs(c, 'window_obs', obs, 'input')
  c.add('window_actions', act, 'input', note='target = newest frame action')
  for k in sorted(obs.keys()):
    c.add('mean_' + k, layers[k]._mean, 'output')  # pylint: disable=protected-access
    c.add('std_' + k, layers[k]._std, 'output')  # pylint: disable=protected-access
  c.add('action_min', st.min_actions_raw, 'output')
  c.add('action_max', st.max_actions_raw, 'output')
  c.add('action_mid', np.asarray(mm._mean_range), 'output')  # pylint: disable=protected-access
  c.add('action_half', np.asarray(mm._half_range), 'output')  # pylint: disable=protected-access
  return c


def comp_iterative_dfo(out, st):
  c = Component(out, 'iterative_dfo', st.case,
                'ibc/agents/mcmc.py:iterative_dfo',
                'derivative-free optimizer as IbcPolicy calls it (uniform '
                'init, 3 iterations, std 0.33 halved, temperature 1)')
  st.set_weights(st.init_weights)
  b, n = st.cfg.dfo_batch, st.cfg.dfo_samples
  obs, _ = st.normalized_batch(b)
  obs_n = nest_utils.tile_batch(obs, n)
  seed = noise_seed('iterative_dfo', st.case)
  with gin_case(st.case), RandomTape(seed) as tape:
    with Log.collect() as log:
      init = tensor_spec.sample_spec_nest(st.sampling_spec,
                                          outer_dims=(b * n,))
      probs, samples, _ = mcmc.iterative_dfo(
          st.net, b, obs_n, init, policy_state=(), num_action_samples=n,
          min_actions=st.sampling_spec.minimum,
          max_actions=st.sampling_spec.maximum, training=False,
          late_fusion=False, tfa_step_type=())
      first = list(log['dfo_first'])
      iters = list(log['dfo_iter'])
  assert len(first) == 1 and len(iters) == 2, (len(first), len(iters))
  recs = first + iters
  check_equal('dfo final', recs[-1]['resampled'], samples)
  (u,) = tape.of_kind('uniform')
  with layer_taps({'projection': st.net._mlp._projection_layer}) as tlog:  # pylint: disable=protected-access
    st.net((obs_n, init), training=False)
  x = tlog['projection'][0].numpy()
  obs_dim = x.shape[1] - st.cfg.n_dim
  c.params(batch=b, num_action_samples=n, num_iterations=3,
           iteration_std=0.33, temperature=1.0, training=False,
           sampling_lo=float(st.sampling_lo),
           sampling_hi=float(st.sampling_hi), **common_params(st))
  c.seeds(weights=st.cfg.weights_seed, noise=seed)
  c.note('iteration i = 0 scores the uniform init; i = 1, 2 first perturb '
         'the resampled set with noise*std (std = fl32(0.33), then halved), '
         'clip to [lo, hi], then score and resample')
  c.note('categorical draws: [B, n] int32 indices per resampling (what '
         'tf.random.categorical returned); counts = bincount per row')
  c.note('returned probs are softmax of the LAST scored set (before its '
         'resampling); returned samples are after it')
  add_weights(c, out, st, 'init')
  c.add('obs', x[:, :obs_dim], 'input', note='obs tiled n times')
  c.add('init_uniform', u, 'noise', note='raw U[0,1) draw [B*n, A]')
  cats = tape.of_kind('categorical')
  assert len(cats) == 3
  for i, rec in enumerate(recs):
    c.add('iter%d_categorical' % i, cats[i], 'noise', dtype='<i4')
    if i > 0:
      c.add('iter%d_noise' % i, rec['noise'], 'noise')
      c.add('iter%d_perturbed_pre_clip' % i, rec['perturbed_pre_clip'],
            'output')
    c.add('iter%d_samples' % i, rec['samples_scored'], 'output')
    c.add('iter%d_log_probs' % i, rec['log_probs'], 'output', note='[B, n]')
    c.add('iter%d_counts' % i, rec['counts'], 'output', dtype='<i4')
    c.add('iter%d_resampled' % i, rec['resampled'], 'output')
  c.add('probs', probs, 'output', note='[B*n]')
  c.add('final_samples', samples, 'output')
  return c


def mse_dropout_layers(net):
  """MLPMSE's Keras Dropout layers in call order."""
  mlp = net._mlp  # pylint: disable=protected-access
  if isinstance(mlp, resnet.ResNetLayer):
    out = []
    for l in range(len(mlp._weight_layers)):  # pylint: disable=protected-access
      out += [mlp._dropouts[l], mlp._dropouts_2[l]]  # pylint: disable=protected-access
    return out
  return list(mlp._dropouts)  # pylint: disable=protected-access


def comp_mlp_mse_forward(out, st):
  ms = st.mse()
  c = Component(out, 'mlp_mse_forward', st.case,
                'ibc/networks/mlp_mse.py:MLPMSE.call',
                'MLPMSE forward on flattened normalized obs: training=False '
                '(dropout off, act_denorm_layer applied) and training=True '
                '(Keras dropout with injected U[0,1) draws, no denorm)')
  ms.set_weights(ms.init_weights)
  b = st.cfg.train_batch
  obs, _ = ms.normalized_batch(b)
  seed = noise_seed('mlp_mse_forward', st.case)
  taps = {'mlp': ms.net._mlp, 'head': ms.net._project_action}  # pylint: disable=protected-access
  with layer_taps(taps) as log:
    eval_out, _ = ms.net(obs, training=False)
  x = log['mlp'][0].numpy()
  eval_head = log['head'][1].numpy()
  drops = {'drop%d' % i: d for i, d in enumerate(mse_dropout_layers(ms.net))}
  with RandomTape(seed) as tape, layer_taps(drops) as dlog:
    train_out, _ = ms.net(obs, training=True)
  draws = tape.of_kind('uniform')
  assert len(draws) == len(drops) and len(tape.draws) == len(draws)
  for i, u in enumerate(draws):
    inp, outp = dlog['drop%d' % i]
    # The draw each Dropout layer used: kept exactly where u >= rate.
    check_equal('dropout %d mask' % i, (u >= F32(ms.rate)) | (inp.numpy() == 0),
                (outp.numpy() != 0) | (inp.numpy() == 0))
  c.params(rows=b, training_modes=['eval', 'train'], **ms.params())
  c.seeds(weights=MSE_WEIGHTS_SEED, dropout=seed)
  c.note('obs: the first %d windows of the normalized, unshuffled stream '
         '(normalizers computed under mlp_mse.gin: z-scored actions)' % b)
  c.note('training=True output is the raw Dense head (MLPMSE applies '
         'act_denorm_layer only when training is False)')
  ms.add_weights(c, out, 'mse_init', ms.init_weights)
  ms.add_act_norm(c)
  c.add('obs', x, 'input', note='flattened normalized obs [B, T*sum(d)]')
  c.add('eval_head', eval_head, 'output',
        note='Dense head output, training=False [B, A] (normalized units)')
  c.add('eval_actions', eval_out, 'output',
        note='act_denorm_layer(eval_head) = MLPMSE output, training=False')
  for i, u in enumerate(draws):
    c.add('dropout%d_uniform' % i, u, 'noise',
          note='raw U[0,1) draw of Dropout layer %d in call order (ResNet: '
          'block l before/after its first dense = 2l, 2l+1) [B, width]' % i)
  c.add('train_actions', train_out, 'output',
        note='MLPMSE output, training=True [B, A] (normalized units)')
  return c


def comp_mse_train_step(out, st):
  ms = st.mse()
  c = Component(out, 'mse_train_step', st.case,
                'ibc/agents/mse_agent.py:MseBehavioralCloningAgent._loss + '
                'ibc/agents/base_agent.py:BehavioralCloningAgent._train',
                'one MSE behavioral cloning step: MLPMSE(training=True) with '
                'dropout, tf.losses.mse per example, aggregate_losses, '
                'gradients, legacy Adam update at iteration 0')
  b = st.cfg.train_batch
  seed = noise_seed('mse_train_step', st.case)
  obs, act = ms.normalized_batch(b)
  agent = ms.fresh_agent()
  ms.set_weights(ms.init_weights)
  opt = agent._optimizer  # pylint: disable=protected-access
  taps = {'mlp': ms.net._mlp, 'head': ms.net._project_action}  # pylint: disable=protected-access
  with captured_update(opt) as applied, gin_mse_case(st.case), \
      RandomTape(seed) as tape, Stash.scope() as s, \
      layer_taps(taps) as log:
    loss_info = agent.train((obs, act))
  assert applied['iterations'] == 0
  updated, m, v_ = adam_state(opt, ms.variables)
  ((_, agg_k, agg_out),) = s['aggregate']
  check_equal('mse total loss', agg_out.total_loss, loss_info.loss)
  draws = tape.of_kind('uniform')
  assert len(draws) == len(tape.draws) == len(mse_dropout_layers(ms.net))
  x = log['mlp'][0].numpy()
  predictions = log['head'][1].numpy()
  c.params(batch=b, learning_rate=1e-3, decay_steps=100, decay_rate=0.99,
           adam_epsilon=1e-7, adam_beta_1=0.9, adam_beta_2=0.999,
           optimizer='tf.keras.optimizers.legacy.Adam', **ms.params())
  c.seeds(weights=MSE_WEIGHTS_SEED, dropout=seed)
  c.note('weights before the step are IBC\'s init (MSE needs no scaling: '
         'its loss is active everywhere); the optimizer is fresh')
  c.note('agent.train ran eagerly, as TFAgent.train does in TF2 outside '
         'the tf-agents Learner')
  c.note('experience = the first %d normalized windows (obs per key [B,T,d], '
         'target action [B,A])' % b)
  ms.add_weights(c, out, 'mse_init', ms.init_weights)
  add_obs(c, 'obs', obs, 'input')
  c.add('obs_flat', x, 'input', note='network input [B, T*sum(d)]')
  c.add('true_actions', act, 'input', note='normalized target actions')
  for i, u in enumerate(draws):
    c.add('dropout%d_uniform' % i, u, 'noise',
          note='raw U[0,1) draw of Dropout layer %d in call order' % i)
  c.add('predictions', predictions, 'output',
        note='bc_action = MLPMSE(obs, training=True) [B, A]')
  c.add('per_example_loss', agg_k['per_example_loss'], 'output',
        note='tf.losses.mse(actions, bc_action): mean over A [B]')
  c.add('total_loss', loss_info.loss, 'output',
        note='aggregate_losses: sum / B (Losses/mse_total_loss)')
  c.add('learning_rate', applied['lr'], 'output', note='lr at iteration 0')
  add_update_outputs(c, applied, m, v_, updated, ms.short_names,
                     grad_prefix='grad_')
  ms.set_weights(ms.init_weights)
  return c


def comp_mse_policy_action(out, st):
  ms = st.mse()
  c = Component(out, 'mse_policy_action', st.case,
                'ibc/agents/mse_policy.py:MsePolicyWrapper + '
                'tf_agents GreedyPolicy.action',
                'agent.policy.action on raw observations: obs_norm_layer, '
                'MLPMSE(training=False) with act_denorm_layer, greedy '
                '(Deterministic mode), clip to the action spec')
  scale = MSE_POLICY_WEIGHT_SCALE[st.case]
  weights = [(w * F32(scale)).astype(F32) for w in ms.init_weights]
  ms.set_weights(weights)
  b = st.cfg.fwd_examples
  raw_obs, _ = st.raw_batch(b)
  time_step = ts_lib.restart(raw_obs, batch_size=b)
  seed = noise_seed('mse_policy_action', st.case)
  with RandomTape(seed) as tape:
    action = ms.agent.policy.action(time_step).action.numpy()
    mode = ms.agent.collect_policy.distribution(
        time_step).action.mode().numpy()
  assert not tape.draws  # nothing random at inference
  lo, hi = F32(st.act_spec.minimum), F32(st.act_spec.maximum)
  check_equal('policy clip', np.clip(mode, lo, hi), action)
  norm_obs, _ = ms.norm_info.obs_norm_layer(raw_obs)
  c.params(batch=b, weight_scale=scale,
           action_min=float(lo), action_max=float(hi),
           clipped_elements=int(np.sum((mode < lo) | (mode > hi))),
           **ms.params())
  c.seeds(weights=MSE_WEIGHTS_SEED)
  c.note('weights are IBC\'s init x %g so that some actions leave the '
         'action spec and the clip acts' % scale)
  c.note('observations: the first %d windows of the raw (unnormalized) '
         'stream, as a batched restart TimeStep' % b)
  ms.add_weights(c, out, 'mse_policy', weights)
  add_obs(c, 'raw_obs', raw_obs, 'input')
  layers = obs_norm_layers(ms.norm_info)
  for k in sorted(raw_obs.keys()):
    c.add('obs_mean_' + k, layers[k]._mean, 'input')  # pylint: disable=protected-access
    c.add('obs_std_' + k, layers[k]._std, 'input')  # pylint: disable=protected-access
  ms.add_act_norm(c)
  add_obs(c, 'norm_obs', norm_obs, 'output')
  c.add('mode_action', mode, 'output',
        note='MsePolicyWrapper distribution mode: denormalized, not clipped')
  c.add('action', action, 'output', note='GreedyPolicy action, clipped')
  ms.set_weights(ms.init_weights)
  return c


OBS_KEYS = ['pos_agent', 'pos_first_goal', 'pos_second_goal', 'vel_agent']


def comp_particle_env(out, st):
  c = Component(out, 'particle_env', st.case,
                'environments/particle/particle.py:ParticleEnv',
                'ParticleEnv reset/step trajectories: seeding, PD dynamics, '
                'reward, done, min distances, success')
  nd = st.cfg.n_dim
  seeds = st.cfg.env_seeds
  n_steps = 50
  with gin_case(st.case):
    env = particle.ParticleEnv()
  rng = component_rng('particle_env', st.case)
  obs_all = {k: [] for k in OBS_KEYS}
  actions, rewards, dones, min1, min2, succ, final_d2 = [], [], [], [], [], [], []
  kinds = []
  for e, seed in enumerate(seeds):
    env.seed(seed)
    o = env.reset()
    # Episode 0: random setpoints (incl. some outside [0,1]); others: goal 1
    # for 25 steps then goal 2 (so rewards/success become 1).
    if e == 0:
      acts = rng.uniform(-0.2, 1.2, size=(n_steps, nd)).astype(F32)
      kinds.append('random_setpoints')
    else:
      g1, g2 = o['pos_first_goal'], o['pos_second_goal']
      acts = np.stack([g1] * 25 + [g2] * 25).astype(F32)
      kinds.append('goal1_x25_then_goal2_x25')
    ep = {k: [o[k]] for k in OBS_KEYS}
    r_, d_, m1, m2 = [], [], [], []
    for t in range(n_steps):
      o, r, d, _ = env.step(acts[t])
      for k in OBS_KEYS:
        ep[k].append(o[k])
      r_.append(r)
      d_.append(d)
      m1.append(env.min_dist_to_first_goal)
      m2.append(env.min_dist_to_second_goal)
    for k in OBS_KEYS:
      obs_all[k].append(np.stack(ep[k]))
    actions.append(acts)
    rewards.append(r_)
    dones.append(d_)
    min1.append(m1)
    min2.append(m2)
    succ.append(env.succeeded)
    final_d2.append(env.dist(env.obs_log[0]['pos_second_goal']))
  # Constructor seeding: ParticleEnv(seed=s) resets once in __init__.
  with gin_case(st.case):
    env2 = particle.ParticleEnv(seed=seeds[0])
    ctor_first = env2._get_state()  # pylint: disable=protected-access
    ctor_second = env2.reset()
  # tf-agents eval path: suite_gym + HistoryWrapper, env.seed(k) then reset.
  hist = {k: [] for k in OBS_KEYS}
  with gin_case(st.case):
    genv = eval_env_module.get_eval_env('Particle-v0', 2, 0.02, 1)
    step_types = []
    for seed in seeds:
      genv.seed(seed)
      ts0 = genv.reset()
      ts1 = genv.step(np.full((nd,), 0.5, F32))
      for k in OBS_KEYS:
        hist[k].append(np.stack([ts0.observation[k], ts1.observation[k]]))
      step_types.append([int(ts0.step_type), int(ts1.step_type)])
  c.params(n_dim=nd, n_steps=n_steps, dt=0.005, repeat_actions=10, k_p=10.0,
           k_v=5.0, goal_distance=0.05, episode_seeds=seeds,
           episode_actions=kinds)
  c.seeds(episodes=seeds, random_actions=noise_seed('particle_env', st.case))
  c.note('episode e: env.seed(seeds[e]); reset(); 50 x step(actions[e, t]) '
         '(the eval seeding rule: episode k starts from RandomState(k))')
  c.note('obs_<key>: [E, 51, N], index 0 = reset; min_dist_*: value after '
         'each step; reward/done per step')
  c.note('ctor_*: ParticleEnv(seed=%d): the state reset() made inside '
         '__init__ and the next reset()' % seeds[0])
  c.note('history_*: suite_gym.load + HistoryWrapper(2, tile_first_step_obs)'
         ', env.seed(k), reset -> [o0,o0], then one step with setpoint 0.5 '
         '-> [o0,o1]; shape [E, 2 time steps, T=2, N]')
  c.add('actions', np.stack(actions), 'input', note='[E, 50, N]')
  for k in OBS_KEYS:
    c.add('obs_' + k, np.stack(obs_all[k]), 'output')
  c.add('rewards', np.asarray(rewards, F32), 'output')
  c.add('dones', np.asarray(dones, np.int32), 'output', dtype='<i4')
  c.add('min_dist_first_goal', np.asarray(min1, F32), 'output')
  c.add('min_dist_second_goal', np.asarray(min2, F32), 'output')
  c.add('succeeded', np.asarray(succ, np.int32), 'output', dtype='<i4')
  c.add('final_dist_second_goal', np.asarray(final_d2, F32), 'output')
  for k in OBS_KEYS:
    c.add('ctor_first_' + k, ctor_first[k], 'output')
    c.add('ctor_second_' + k, ctor_second[k], 'output')
  for k in OBS_KEYS:
    c.add('history_' + k, np.stack(hist[k]), 'output')
  c.add('history_step_types', np.asarray(step_types, np.int32), 'output',
        dtype='<i4')
  return c


def comp_particle_oracle(out, st):
  c = Component(out, 'particle_oracle', st.case,
                'environments/particle/particle_oracles.py:ParticleOracle',
                'green-then-blue oracle actions along full episodes '
                '(suite_gym env, env.seed(k), reset, act until LAST)')
  nd = st.cfg.n_dim
  seeds = st.cfg.oracle_seeds
  with gin_case(st.case):
    env = suite_gym.load('Particle-v0')
    oracle = particle_oracles.ParticleOracle(env)
    obs = {k: [] for k in OBS_KEYS}
    acts, types, rewards, switch = [], [], [], []
    for seed in seeds:
      env.seed(seed)
      ts = env.reset()
      ep = {k: [] for k in OBS_KEYS}
      ea, et, er = [], [], []
      while True:
        a = oracle.action(ts).action
        for k in OBS_KEYS:
          ep[k].append(ts.observation[k])
        ea.append(a)
        et.append(int(ts.step_type))
        if ts.is_last():
          break
        ts = env.step(a)
        er.append(float(ts.reward))
      for k in OBS_KEYS:
        obs[k].append(np.stack(ep[k]))
      acts.append(np.stack(ea))
      types.append(et)
      rewards.append(er)
      g2 = ep['pos_second_goal'][0]
      sw = [t for t, x in enumerate(ea) if np.array_equal(x, g2)]
      switch.append(sw[0] if sw else -1)
  c.params(n_dim=nd, wait_at_first_goal=1, goal_threshold=0.01,
           multimodal=False, episode_seeds=seeds, records_per_episode=51)
  c.seeds(episodes=seeds)
  c.note('record t of episode e: observation o_t and oracle action a_t, '
         't = 0..50 (the oracle also acts on the LAST observation, as in '
         'data collection); rewards[e, t] is the reward of step t -> t+1')
  c.note('switch_index: first t whose action is goal 2')
  for k in OBS_KEYS:
    c.add('obs_' + k, np.stack(obs[k]), 'input', note='[E, 51, N]')
  c.add('actions', np.stack(acts), 'output', note='[E, 51, N]')
  c.add('step_types', np.asarray(types, np.int32), 'output', dtype='<i4')
  c.add('rewards', np.asarray(rewards, F32), 'output', note='[E, 50]')
  c.add('switch_index', np.asarray(switch, np.int32), 'output', dtype='<i4')
  return c


def comp_tfrecord_dataset(out, st):
  c = Component(out, 'tfrecord_dataset', st.case,
                'data/policy_eval.py:evaluate + tf_agents TFRecordObserver',
                'a small oracle dataset written by IBC\'s own collection code '
                '(files copied as-is) and its decoded records')
  cfg = st.cfg
  r = st.records
  c.params(n_dim=cfg.n_dim, num_episodes=cfg.collect_episodes,
           num_records=st.num_records, task='PARTICLE',
           policy='particle_green_then_blue')
  c.seeds(env=cfg.collect_env_seed)
  c.note('collected with gin binding ParticleEnv.seed = %d (policy_eval.py '
         'otherwise seeds from OS entropy): the constructor reset uses draws '
         '0..3N-1, the driver\'s first reset draws 3N..6N-1' %
         cfg.collect_env_seed)
  c.note('decoded_*: every record in file order, decoded with '
         'tf_agents example_encoding.get_example_decoder(spec)')
  c.add_file('tfrecord', st.tfrecord, 'input', 'tfrecord')
  c.add_file('spec', st.tfrecord + '.spec', 'input', 'tfrecord-structured-value-spec')
  c.add('decoded_step_type', r.step_type, 'output', dtype='<i4')
  for k in OBS_KEYS:
    c.add('decoded_obs_' + k, r.observation[k], 'output')
  c.add('decoded_action', r.action, 'output')
  c.add('decoded_next_step_type', r.next_step_type, 'output', dtype='<i4')
  c.add('decoded_reward', r.reward, 'output')
  c.add('decoded_discount', r.discount, 'output')
  return c


def comp_dataset_windows(out, st):
  c = Component(out, 'dataset_windows', st.case,
                'data/dataset.py:load_tfrecord_dataset_sequence + '
                'ibc/train/get_data.py:get_data_fns',
                'sequence_length-2 windows of the tfrecord_dataset shard: '
                'frames, source record indices, step types, target actions')
  nrec = st.num_records
  w = nrec + 2
  ds = ibc_dataset.load_tfrecord_dataset_sequence([st.tfrecord], seq_len=2,
                                                  deterministic=True)
  wins = list(ds.take(w))
  raw = st.raw_batch(w)
  (raw_obs, raw_target) = raw
  r = st.records

  def find_record(frame_obs, frame_act, frame_type):
    hits = [
        i for i in range(nrec) if all(
            np.array_equal(r.observation[k][i], frame_obs[k])
            for k in OBS_KEYS) and np.array_equal(r.action[i], frame_act) and
        int(r.step_type[i]) == int(frame_type)
    ]
    assert len(hits) == 1, hits
    return hits[0]

  idx = np.array([[
      find_record({k: win.observation[k][t].numpy() for k in OBS_KEYS},
                  win.action[t].numpy(), win.step_type[t].numpy())
      for t in range(2)
  ] for win in wins], np.int32)
  obs = {k: np.stack([win.observation[k].numpy() for win in wins])
         for k in OBS_KEYS}
  for k in OBS_KEYS:
    check_equal('get_data obs ' + k, raw_obs[k], obs[k])
  act = np.stack([win.action.numpy() for win in wins])
  check_equal('target = newest action', raw_target, act[:, -1])
  boundary = [i for i in range(w) if idx[i, 0] == idx[i, 1]]
  c.params(sequence_length=2, num_windows=w, num_records=nrec,
           boundary_windows=boundary)
  c.note('window i is the i-th element of load_tfrecord_dataset_sequence('
         '[shard], seq_len=2, deterministic=True); the training stream '
         '(get_data_fns, no shuffle) yields the same windows with target = '
         'action[:, -1] (checked at export)')
  c.note('record_index: source record of each frame (unique match on obs, '
         'action, step type); windows at an episode start are [FIRST, FIRST]; '
         'the stream wraps from the last record back to record 0')
  c.add('record_index', idx, 'output', dtype='<i4', note='[W, 2]')
  c.add('step_type', np.stack([win.step_type.numpy() for win in wins]),
        'output', dtype='<i4')
  for k in OBS_KEYS:
    c.add('obs_' + k, obs[k], 'output', note='[W, 2, N]')
  c.add('actions', act, 'output', note='[W, 2, N]')
  c.add('target_action', raw_target, 'output', note='[W, N]')
  return c


COMPONENTS = {
    'mlp_ebm_forward': comp_mlp_ebm_forward,
    'mlp_ebm_action_grad': comp_mlp_ebm_action_grad,
    'info_nce': comp_info_nce,
    'ebm_loss_types': comp_ebm_loss_types,
    'grad_penalty_chain': comp_grad_penalty_chain,
    'grad_penalty': comp_grad_penalty,
    'langevin_chain': comp_langevin_chain,
    'train_step': comp_train_step,
    'spectral_norm': comp_spectral_norm,
    'adam_schedule': comp_adam_schedule,
    'ibc_policy_inference': comp_ibc_policy_inference,
    'obs_flatten': comp_obs_flatten,
    'normalizer_stats': comp_normalizer_stats,
    'sampling_bounds': comp_sampling_bounds,
    'iterative_dfo': comp_iterative_dfo,
    'particle_env': comp_particle_env,
    'particle_oracle': comp_particle_oracle,
    'tfrecord_dataset': comp_tfrecord_dataset,
    'dataset_windows': comp_dataset_windows,
    'mlp_mse_forward': comp_mlp_mse_forward,
    'mse_train_step': comp_mse_train_step,
    'mse_policy_action': comp_mse_policy_action,
}
assert sorted(COMPONENTS) == sorted(COMPONENT_ORDER) == sorted(PRODUCE_ORDER)


# ===========================================================================
# Manifest
# ===========================================================================
def git_rev(path):
  try:
    head = subprocess.run(['git', '-C', path, 'rev-parse', 'HEAD'],
                          capture_output=True, text=True, check=True).stdout
    head = head.strip()
  except (subprocess.CalledProcessError, OSError):
    head = 'no-commit'
  try:
    dirty = subprocess.run(['git', '-C', path, 'status', '--porcelain'],
                           capture_output=True, text=True,
                           check=True).stdout.strip()
  except (subprocess.CalledProcessError, OSError):
    dirty = ''
  return head + ('-dirty' if dirty else '')


def ibc_commit():
  try:
    head = subprocess.run(['git', '-C', IBC_ROOT, 'rev-parse', 'HEAD'],
                          capture_output=True, text=True, check=True)
    head = head.stdout.strip()
  except (subprocess.CalledProcessError, OSError):
    head = None
  if head and ARGS.ibc_commit and head != ARGS.ibc_commit:
    sys.exit('IBC checkout is at %s, not %s' % (head, ARGS.ibc_commit))
  return head or ARGS.ibc_commit or EXPECTED_IBC_COMMIT


def ibc_tree_sha256():
  """sha256 over the IBC python sources and configs (path + content)."""
  h = hashlib.sha256()
  files = sorted(
      glob.glob(os.path.join(IBC_ROOT, '**', '*.py'), recursive=True) +
      glob.glob(os.path.join(IBC_ROOT, '**', '*.gin'), recursive=True))
  for f in files:
    h.update(os.path.relpath(f, IBC_ROOT).encode())
    h.update(b'\0')
    with open(f, 'rb') as fh:
      h.update(hashlib.sha256(fh.read()).digest())
  return h.hexdigest()


def producer():
  import keras  # pylint: disable=g-import-not-at-top
  return collections.OrderedDict([
      ('ibc_repo', 'google-research/ibc'),
      ('ibc_commit', ibc_commit()),
      ('ibc_tree_sha256', ibc_tree_sha256()),
      ('python', platform.python_version()),
      ('tensorflow', tf.__version__),
      ('keras', keras.__version__),
      ('tf_agents', tf_agents.__version__),
      ('tensorflow_probability', tfp.__version__),
      ('numpy', np.__version__),
      ('gin_config', gin.__version__ if hasattr(gin, '__version__') else
       _dist_version('gin-config')),
      ('gym', _dist_version('gym')),
      ('exporter_git', git_rev(os.path.dirname(os.path.abspath(__file__)))),
      ('runtime_fixes', RUNTIME_FIXES),
      ('instrumentation', INSTRUMENTATION),
      ('env', collections.OrderedDict(
          sorted((k, os.environ.get(k, '')) for k in EXPORT_ENV))),
      ('tf_threads', {'intra_op': 1, 'inter_op': 1}),
      ('tf32', False),
      ('device', 'cpu'),
      ('dtype', 'float32'),
      ('gin_file', 'ibc/configs/particle/mlp_ebm_langevin.gin'),
      ('case_gin_bindings', collections.OrderedDict(
          (c, CASES[c].extra_gin) for c in CASE_ORDER)),
  ])


def _dist_version(name):
  from importlib import metadata  # pylint: disable=g-import-not-at-top
  return metadata.version(name)


def write_manifest(out_dir, new_entries, merge):
  path = os.path.join(out_dir, 'manifest.json')
  old = []
  if merge and os.path.exists(path):
    with open(path) as f:
      old = json.load(f, object_pairs_hook=collections.OrderedDict)['components']
  keyed = {(e['name'], e['case']): e for e in old}
  for e in new_entries:
    keyed[(e['name'], e['case'])] = e
  comps = sorted(keyed.values(), key=lambda e: (COMPONENT_ORDER.index(
      e['name']), CASE_ORDER.index(e['case'])))
  manifest = collections.OrderedDict([('format', FORMAT_VERSION),
                                      ('producer', producer()),
                                      ('components', comps)])
  with open(path, 'w') as f:
    json.dump(manifest, f, indent=2)
    f.write('\n')


def main():
  out_dir = os.path.abspath(ARGS.out)
  os.makedirs(out_dir, exist_ok=True)
  unknown = set(ARGS.only or []) - set(COMPONENTS)
  unknown |= set(ARGS.cases or []) - set(CASES)
  if unknown:
    sys.exit('unknown components/cases: %s' % sorted(unknown))
  names = [n for n in PRODUCE_ORDER if ARGS.only is None or n in ARGS.only]
  cases = [c for c in CASE_ORDER if ARGS.cases is None or c in ARGS.cases]
  # A partial run (--only / --cases) keeps the other manifest entries; a full
  # run starts from an empty golden tree.
  merge = ARGS.only is not None or ARGS.cases is not None
  if not merge:
    for sub in COMPONENT_ORDER + ['weights', 'manifest.json']:
      path = os.path.join(out_dir, sub)
      if os.path.isdir(path):
        shutil.rmtree(path)
      elif os.path.exists(path):
        os.remove(path)
  tmp = tempfile.mkdtemp(prefix='ibc4j_export_')
  entries = []
  try:
    for case in cases:
      print('== case %s: collecting data, building agent' % case, flush=True)
      st = CaseState(case, tmp)
      for name in names:
        print('  -> %s/%s' % (name, case), flush=True)
        comp = COMPONENTS[name](out_dir, st)
        entries.append(comp.entry)
        # Written after every component so that partial progress is usable.
        write_manifest(out_dir, entries, merge=True)
  finally:
    if not ARGS.keep_tmp:
      shutil.rmtree(tmp, ignore_errors=True)
  write_manifest(out_dir, entries, merge=True)
  print('done: %d component entries' % len(entries))


if __name__ == '__main__':
  main()
