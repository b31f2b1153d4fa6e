#!/usr/bin/env python3
# Times Google's Implicit Behavioral Cloning (google-research/ibc, imported from
# a checkout given with --ibc_root; nothing of IBC is copied here) on the 2-D
# particle config, for `./ibc4j bench compare --tf-json FILE`.  See README.md
# next to this file.
#
# What is timed is IBC's own code, called the way IBC calls it:
#  * langevin:   mcmc.langevin_actions_given_obs (IBC's own tf.function) over
#                512 observations x 8 counter examples = 4096 samples, 100
#                steps, not recorded (return_chain=False), as
#                ImplicitBCAgent._make_counter_example_actions calls it;
#  * train-step: agent.train(experience), B = 512, n = 8, in a tf.function
#                (autograph) as tf-agents' Learner wraps it in train_eval;
#  * inference:  agent.policy.action(time_step) (GreedyPolicy over IbcPolicy,
#                512 samples, 100 Langevin steps) for one observation, in
#                common.function as IBC's eval actor (StrategyPyTFEagerPolicy)
#                wraps it;
#  * gemm:       one tf.linalg.matmul [4096,256]x[256,256], for context.
# The network and the agent come from IBC's get_cloning_network / get_agent
# with mlp_ebm_langevin.gin parsed as train_eval parses it.  The normalizers
# are IBC's get_normalizers run over a small synthetic dataset (zero-mean,
# unit-variance observations, actions spanning the action spec): shapes
# matter here, not data.
"""Times TF IBC on the particle config (Langevin, train step, inference)."""

import os
import sys

# Before TensorFlow is imported: CPU only, quiet C++ logs.  Thread counts and
# oneDNN are left at TF's defaults unless asked for (see --intra_op/--inter_op;
# TF_ENABLE_ONEDNN_OPTS is read from the caller's environment and recorded).
os.environ['CUDA_VISIBLE_DEVICES'] = ''
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')

import argparse  # pylint: disable=g-import-not-at-top
import collections
import datetime
import glob
import hashlib
import json
import platform
import statistics
import subprocess
import time
import warnings

warnings.filterwarnings('ignore')

FORMAT = 'ibc4j-bench-tf'
FORMAT_VERSION = 1
EXPECTED_IBC_COMMIT = 'db89ddbb852603fe9b64cf0f502b1fd3d6037d33'


def parse_args():
  p = argparse.ArgumentParser(description=__doc__)
  p.add_argument('--ibc_root', required=True,
                 help='IBC checkout (a directory named ibc) at commit %s' %
                 EXPECTED_IBC_COMMIT)
  p.add_argument('--repeats', type=int, default=10,
                 help='timed calls per figure (default 10; the gemm figure '
                 'takes max(repeats, 30))')
  p.add_argument('--warmup', type=int, default=3,
                 help='untimed calls first (the first one traces the graph)')
  p.add_argument('--out', default=None, help='write the figures to this JSON '
                 'file')
  p.add_argument('--intra_op', type=int, default=0,
                 help='tf.config.threading intra-op threads (0 = TF default)')
  p.add_argument('--inter_op', type=int, default=0,
                 help='tf.config.threading inter-op threads (0 = TF default)')
  p.add_argument('--only', nargs='*', default=None,
                 choices=['gemm', 'langevin', 'train-step', 'inference'],
                 help='time only these figures')
  a = p.parse_args()
  if a.repeats < 1 or a.warmup < 1:
    p.error('--repeats and --warmup must be >= 1 (the first call traces)')
  return a


ARGS = parse_args()
# Same as export.py (ibc_export/procenv.py): the checkout on sys.path, and
# empty pybullet modules (ibc/eval/eval_env.py and data/policy_eval.py import
# the block-pushing envs at module level; the particle path never calls
# pybullet).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ibc_export import procenv  # pylint: disable=g-import-not-at-top
IBC_ROOT = procenv.add_ibc_to_path(ARGS.ibc_root)
procenv.stub_pybullet()

import numpy as np  # pylint: disable=g-import-not-at-top
import tensorflow as tf

if ARGS.intra_op:
  tf.config.threading.set_intra_op_parallelism_threads(ARGS.intra_op)
if ARGS.inter_op:
  tf.config.threading.set_inter_op_parallelism_threads(ARGS.inter_op)
# train_eval calls the removed tf.config.experimental_run_functions_eagerly.
tf.config.run_functions_eagerly(False)
tf.get_logger().setLevel('ERROR')

import gin  # pylint: disable=g-import-not-at-top
import tf_agents
from tf_agents.specs import tensor_spec
from tf_agents.train.utils import spec_utils
from tf_agents.train.utils import train_utils
from tf_agents.utils import common
from tf_agents.utils import nest_utils

from ibc.environments.particle import particle  # pylint: disable=unused-import,g-bad-import-order
from ibc.ibc.agents import ibc_policy  # pylint: disable=unused-import
from ibc.ibc.agents import mcmc
from ibc.ibc.eval import eval_env as eval_env_module
from ibc.ibc.train import get_agent as get_agent_module
from ibc.ibc.train import get_cloning_network as cloning_network_module
from ibc.ibc.train import get_normalizers as normalizers_module
from ibc.ibc.train import get_sampling_spec as sampling_spec_module
from ibc.networks import mlp_ebm  # pylint: disable=unused-import

GIN_FILE = os.path.join(IBC_ROOT, 'ibc', 'configs', 'particle',
                        'mlp_ebm_langevin.gin')
GIN_BINDINGS = ['ParticleEnv.n_dim = 2']  # as the particle run script adds
ENV_NAME = 'Particle-v0'
SEQUENCE_LENGTH = 2
BATCH = 512
LEARNING_RATE = 1e-3
DECAY_STEPS = 100

RUNTIME_FIXES = [
    # The same fixes as export.py (see its RUNTIME_FIXES and README.md).
    'pybullet modules stubbed (the particle path never calls pybullet)',
    'mcmc.langevin_actions_given_obs: @tf.function over @gin.configurable '
    'ignores gin bindings on TF >= 2.9 (the tf.function signature follows '
    'the gin wrapper\'s __wrapped__ and fills in num_iterations=25); '
    '__wrapped__ is deleted and the gin wrapper re-wrapped in tf.function, '
    'restoring TF 2.6 behaviour (gin-bound num_iterations=100); checked by '
    'counting Langevin steps on every timed path before timing',
    'get_agent: tf.keras.optimizers.Adam points at '
    'tf.keras.optimizers.legacy.Adam while the agent is built (the optimizer '
    'IBC ran on TF 2.6)',
]


# ---------------------------------------------------------------------------
# Runtime fix: gin bindings of langevin_actions_given_obs.
# ---------------------------------------------------------------------------
# The same fix as export.py's _fix_gin_tf_function.  On TF 2.15,
# tf.function builds its signature with inspect.signature, which follows the
# gin wrapper's __wrapped__ to the undecorated function and binds its defaults
# (num_iterations=25, ...) as explicit arguments, so gin never sees them
# missing and its bindings (num_iterations=100) are silently ignored.  TF 2.6
# used getfullargspec (no __wrapped__), so gin applied.  Deleting __wrapped__
# and re-wrapping the gin wrapper restores that.  IBC's callers look the
# function up on the module at call time, so they get the fixed one.
GIN_WRAPPER = mcmc.langevin_actions_given_obs.python_function
if hasattr(GIN_WRAPPER, '__wrapped__'):
  del GIN_WRAPPER.__wrapped__


def fresh_langevin_function():
  """A new tf.function over the gin wrapper (new function, new traces)."""
  mcmc.langevin_actions_given_obs = tf.function(GIN_WRAPPER)


fresh_langevin_function()


# ---------------------------------------------------------------------------
# Machine and software
# ---------------------------------------------------------------------------
def cpu_field(key):
  try:
    with open('/proc/cpuinfo') as f:
      for line in f:
        k, _, v = line.partition(':')
        if k.strip() == key:
          return v.strip()
  except OSError:
    pass
  return 'unknown'


def load_average():
  try:
    with open('/proc/loadavg') as f:
      return ' '.join(f.read().split()[:3])
  except OSError:
    return 'unknown'


def peak_rss_mib():
  try:
    with open('/proc/self/status') as f:
      for line in f:
        if line.startswith('VmHWM:'):
          return int(line.split()[1]) / 1024.0
  except OSError:
    pass
  return -1.0


def os_threads():
  try:
    return len(os.listdir('/proc/self/task'))
  except OSError:
    return -1


def onednn_enabled():
  try:
    from tensorflow.python.util import _pywrap_util_port  # pylint: disable=g-import-not-at-top,g-direct-tensorflow-import
    return bool(_pywrap_util_port.IsMklEnabled())
  except Exception:  # pylint: disable=broad-except
    return None


def dist_version(name):
  from importlib import metadata  # pylint: disable=g-import-not-at-top
  try:
    return metadata.version(name)
  except metadata.PackageNotFoundError:
    return 'absent'


def machine():
  cores = os.cpu_count()
  try:
    usable = len(os.sched_getaffinity(0))
  except AttributeError:
    usable = cores
  intra = tf.config.threading.get_intra_op_parallelism_threads()
  inter = tf.config.threading.get_inter_op_parallelism_threads()
  return collections.OrderedDict([
      ('cpu_model', cpu_field('model name')),
      ('cpu_family_model', '%s/%s' % (cpu_field('cpu family'),
                                      cpu_field('model'))),
      ('cores', cores),
      ('cores_usable', usable),
      ('os', '%s %s' % (platform.system(), platform.release())),
      ('python', platform.python_version()),
      ('tensorflow', tf.__version__),
      ('keras', dist_version('keras')),
      ('tf_agents', tf_agents.__version__),
      ('tensorflow_probability', dist_version('tensorflow-probability')),
      ('gin_config', dist_version('gin-config')),
      ('numpy', np.__version__),
      # 0 means TF's default: one thread per schedulable CPU for each pool.
      ('tf_intra_op_threads', intra),
      ('tf_inter_op_threads', inter),
      ('tf_threads_note', 'TF default (0): intra-op and inter-op pools of '
       '%d threads each (the usable CPUs)' % usable
       if intra == 0 and inter == 0 else 'set with --intra_op/--inter_op'),
      ('onednn_enabled', onednn_enabled()),
      ('TF_ENABLE_ONEDNN_OPTS', os.environ.get('TF_ENABLE_ONEDNN_OPTS',
                                               '(unset)')),
      ('OMP_NUM_THREADS', os.environ.get('OMP_NUM_THREADS', '(unset)')),
  ])


def ibc_commit():
  """HEAD of the checkout, or 'unknown' when it is not a git work tree."""
  try:
    return subprocess.run(['git', '-C', IBC_ROOT, 'rev-parse', 'HEAD'],
                          capture_output=True, text=True,
                          check=True).stdout.strip()
  except (subprocess.CalledProcessError, OSError):
    return 'unknown (not a git work tree; pinned: %s)' % EXPECTED_IBC_COMMIT


def ibc_tree_sha256():
  """sha256 over IBC's *.py and *.gin (path + content), as export.py."""
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


# ---------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------
def summary(xs):
  return collections.OrderedDict([('median', statistics.median(xs)),
                                  ('min', min(xs)), ('max', max(xs)),
                                  ('n', len(xs))])


def time_calls(fn, warmup, repeats):
  """Wall and process-CPU ms of `repeats` calls after `warmup` calls."""
  for _ in range(warmup):
    fn()
  wall, cpu = [], []
  for _ in range(repeats):
    c = time.process_time()
    s = time.perf_counter()
    fn()
    wall.append((time.perf_counter() - s) * 1e3)
    cpu.append((time.process_time() - c) * 1e3)
  return wall, cpu


def figure(name, description, fn, warmup, repeats, extra=None):
  print('timing %-10s (%d warm-up, %d repeats) ...' % (name, warmup, repeats),
        flush=True)
  load_before = load_average()
  wall, cpu = time_calls(fn, warmup, repeats)
  f = collections.OrderedDict([
      ('description', description),
      ('warmup', warmup),
      ('repeats', repeats),
      ('ms', summary(wall)),
      ('cpu_ms', summary(cpu)),
      # Process CPU time over wall time: how many cores TF kept busy.
      ('cores_busy', summary([c / w for c, w in zip(cpu, wall)])),
      ('ms_samples', wall),
      ('load_average_before', load_before),
      ('load_average_after', load_average()),
  ])
  if extra:
    f.update(extra)
  m = f['ms']
  print('  %-10s median %10.3f ms  min %10.3f  max %10.3f   cores busy %.2f'
        % (name, m['median'], m['min'], m['max'], f['cores_busy']['median']),
        flush=True)
  return f


# ---------------------------------------------------------------------------
# IBC objects, built as train_eval builds them
# ---------------------------------------------------------------------------
class Setup(object):
  """Env specs, normalizers, sampling spec, MLPEBM, agent, inputs."""

  def __init__(self):
    tf.random.set_seed(0)  # train_eval.seed
    np_rng = np.random.default_rng(0)
    env = eval_env_module.get_eval_env(ENV_NAME, SEQUENCE_LENGTH, 0.02, 1)
    self.obs_spec, self.act_spec, self.ts_spec = (
        spec_utils.get_tensor_specs(env))
    # A synthetic stand-in for the oracle dataset, shaped like get_data_fns'
    # stream: ((obs {key: [B, T, d]}, action [B, A]), ()).
    n = 256
    obs = tf.nest.map_structure(
        lambda s: np_rng.standard_normal((n,) + tuple(s.shape)).astype(
            np.float32), self.obs_spec)
    lo = np.broadcast_to(self.act_spec.minimum, self.act_spec.shape)
    hi = np.broadcast_to(self.act_spec.maximum, self.act_spec.shape)
    act = np_rng.uniform(lo, hi, (n,) + tuple(self.act_spec.shape)).astype(
        np.float32)
    data = tf.data.Dataset.from_tensor_slices(((obs, act), ())).batch(32)
    self.norm_info, _ = normalizers_module.get_normalizers(
        data, 32, ENV_NAME, num_samples=n)
    self.sampling_spec = sampling_spec_module.get_sampling_spec(
        self.act_spec, min_actions=self.norm_info.min_actions,
        max_actions=self.norm_info.max_actions,
        uniform_boundary_buffer=0.05,
        act_norm_layer=self.norm_info.act_norm_layer)
    self.net = cloning_network_module.get_cloning_network(
        'MLPEBM', self.obs_spec, self.act_spec, self.norm_info.obs_norm_layer,
        self.norm_info.act_norm_layer, SEQUENCE_LENGTH,
        self.norm_info.act_denorm_layer)
    new_adam = tf.keras.optimizers.Adam
    tf.keras.optimizers.Adam = tf.keras.optimizers.legacy.Adam  # runtime fix
    try:
      self.agent = get_agent_module.get_agent(
          'ebm', self.ts_spec, self.act_spec, self.sampling_spec,
          self.norm_info.obs_norm_layer, self.norm_info.act_norm_layer,
          self.norm_info.act_denorm_layer, LEARNING_RATE, False, self.net,
          train_utils.create_train_step(), DECAY_STEPS)
    finally:
      tf.keras.optimizers.Adam = new_adam
    self.num_counter = self.agent._num_counter_examples  # pylint: disable=protected-access
    self.policy_samples = self.agent.collect_policy._num_action_samples  # pylint: disable=protected-access
    self.steps = gin.query_parameter(
        'langevin_actions_given_obs.num_iterations')
    self.width = gin.query_parameter('MLPEBM.width')

    # A training batch in normalized space, as the Learner's dataset yields.
    obs_b = tf.nest.map_structure(
        lambda s: tf.constant(np_rng.standard_normal(
            (BATCH,) + tuple(s.shape)).astype(np.float32)), self.obs_spec)
    act_b = tf.constant(np_rng.uniform(-1, 1, (BATCH,) + tuple(
        self.act_spec.shape)).astype(np.float32))
    self.experience = (obs_b, act_b)
    # The Langevin chain's inputs, as _make_counter_example_actions builds
    # them (obs tiled n times, uniform init from the sampling spec).
    self.chain_obs = nest_utils.tile_batch(obs_b, self.num_counter)
    init = tensor_spec.sample_spec_nest(
        self.sampling_spec, outer_dims=(BATCH, self.num_counter))
    self.chain_init = tf.reshape(init, (BATCH * self.num_counter, -1))
    self.obs_dim = int(sum(
        np.prod(s.shape) for s in tf.nest.flatten(self.obs_spec)))
    self.act_dim = int(np.prod(self.act_spec.shape))
    # One eval observation (HistoryWrapper T=2), batched as the eval actor
    # batches it.
    env.seed(0)
    ts = env.reset()
    self.time_step = tf.nest.map_structure(
        lambda x: tf.convert_to_tensor(np.asarray(x)[None]), ts)

  def langevin(self):
    return mcmc.langevin_actions_given_obs(
        self.net, self.chain_obs, self.chain_init, policy_state=(),
        min_actions=self.sampling_spec.minimum,
        max_actions=self.sampling_spec.maximum, training=False,
        tfa_step_type=(), return_chain=False,
        grad_norm_type=self.agent._grad_norm_type,  # pylint: disable=protected-access
        num_action_samples=self.num_counter)

  def calls(self):
    """Fresh compiled callables for the three IBC paths."""
    train = common.function(self.agent.train, autograph=True)
    action = common.function(self.agent.policy.action)
    return collections.OrderedDict([
        ('langevin', lambda: self.langevin().numpy()),
        ('train-step', lambda: train(self.experience).loss.numpy()),
        ('inference', lambda: action(self.time_step).action.numpy()),
    ])


def count_langevin_steps(setup):
  """Runs each path once with mcmc.langevin_step counted; returns the counts.

  IBC's chain is a tf.range loop in a graph, so the count is a variable that
  every executed step increments.  The counting wrapper and the traces that
  contain it are thrown away afterwards: timing uses fresh tf.functions.
  """
  orig = mcmc.langevin_step
  counter = tf.Variable(0, dtype=tf.int64, trainable=False)

  def counting_step(*a, **k):
    counter.assign_add(1)
    return orig(*a, **k)

  mcmc.langevin_step = counting_step
  fresh_langevin_function()
  counts = collections.OrderedDict()
  try:
    for name, fn in setup.calls().items():
      counter.assign(0)
      fn()
      counts[name] = int(counter.numpy())
  finally:
    mcmc.langevin_step = orig
    fresh_langevin_function()
  return counts


def gemm_figure(warmup, repeats):
  rng = np.random.default_rng(1)
  a = tf.constant(rng.standard_normal((4096, 256)).astype(np.float32))
  b = tf.constant(rng.standard_normal((256, 256)).astype(np.float32))
  out = {}

  def call():
    out['c'] = tf.linalg.matmul(a, b)  # eager CPU ops return when done

  f = figure('gemm', 'tf.linalg.matmul [4096,256]x[256,256] float32, eager',
             call, warmup, max(repeats, 30))
  f['gflops'] = 2.0 * 4096 * 256 * 256 / (f['ms']['median'] * 1e6)
  return f


def main():
  started = datetime.datetime.now(datetime.timezone.utc)
  load_start = load_average()
  gin.parse_config_files_and_bindings([GIN_FILE], GIN_BINDINGS,
                                      skip_unknown=True)
  print('building IBC (gin: %s + %s) ...' % (
      os.path.relpath(GIN_FILE, os.path.dirname(IBC_ROOT)), GIN_BINDINGS),
        flush=True)
  setup = Setup()
  want = ARGS.only or ['gemm', 'langevin', 'train-step', 'inference']
  shape = collections.OrderedDict([
      ('batch', BATCH), ('counter_examples', setup.num_counter),
      ('langevin_steps', setup.steps), ('width', setup.width),
      ('obs_dim', setup.obs_dim), ('action_dim', setup.act_dim),
      ('inference_samples', setup.policy_samples)])
  print('shape: %s' % dict(shape), flush=True)

  figures = collections.OrderedDict()
  if 'gemm' in want:
    figures['gemm'] = gemm_figure(ARGS.warmup, ARGS.repeats)
  counts = {}
  if set(want) - {'gemm'}:
    print('checking that every path runs %d Langevin steps ...' % setup.steps,
          flush=True)
    counts = count_langevin_steps(setup)
    print('  Langevin steps per call: %s' % dict(counts), flush=True)
    bad = {k: v for k, v in counts.items() if v != setup.steps}
    if setup.steps != 100 or bad:
      sys.exit('Langevin chain does not run the gin-bound 100 steps '
               '(gin: %s, counted: %s): the gin/tf.function fix did not take'
               % (setup.steps, dict(counts)))
    calls = setup.calls()
    rows = BATCH * setup.num_counter
    desc = {
        'langevin': 'mcmc.langevin_actions_given_obs, %d samples (%d obs x '
                    '%d) x %d steps, not recorded' % (
                        rows, BATCH, setup.num_counter, setup.steps),
        'train-step': 'agent.train(experience) in tf.function (autograph), '
                      'B = %d, n = %d, %d Langevin steps under the gradient '
                      'tape, info_nce + grad penalty, legacy Adam' % (
                          BATCH, setup.num_counter, setup.steps),
        'inference': 'agent.policy.action(time_step) in common.function: '
                     'GreedyPolicy(IbcPolicy), one observation, %d samples x '
                     '%d Langevin steps' % (setup.policy_samples, setup.steps),
    }
    for name in ['langevin', 'train-step', 'inference']:
      if name in want:
        figures[name] = figure(name, desc[name], calls[name], ARGS.warmup,
                               ARGS.repeats,
                               {'langevin_steps_counted': counts[name]})

  result = collections.OrderedDict([
      ('format', FORMAT),
      ('format_version', FORMAT_VERSION),
      ('producer', 'golden/export/bench_tf.py'),
      ('started_utc', started.strftime('%Y-%m-%dT%H:%M:%SZ')),
      ('ibc_commit', ibc_commit()),
      ('ibc_tree_sha256', ibc_tree_sha256()),
      ('gin_file', 'ibc/configs/particle/mlp_ebm_langevin.gin'),
      ('gin_bindings', GIN_BINDINGS),
      ('shape', shape),
      ('langevin_steps_counted', counts),
      ('runtime_fixes', RUNTIME_FIXES),
      ('machine', machine()),
      ('load_average_start', load_start),
      ('load_average_end', load_average()),
      ('os_threads', os_threads()),
      ('peak_rss_mib', peak_rss_mib()),
      ('figures', figures),
  ])
  m = result['machine']
  print('TF %s, intra-op %s / inter-op %s (0 = default), oneDNN %s, %s, '
        '%s cores; load %s -> %s; peak RSS %.0f MiB' % (
            m['tensorflow'], m['tf_intra_op_threads'],
            m['tf_inter_op_threads'], m['onednn_enabled'], m['cpu_model'],
            m['cores_usable'], load_start, result['load_average_end'],
            result['peak_rss_mib']), flush=True)
  if ARGS.out:
    parent = os.path.dirname(os.path.abspath(ARGS.out))
    os.makedirs(parent, exist_ok=True)
    with open(ARGS.out, 'w') as f:
      json.dump(result, f, indent=2)
      f.write('\n')
    print('json: %s' % ARGS.out)


if __name__ == '__main__':
  main()
