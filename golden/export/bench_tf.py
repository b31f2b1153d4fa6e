#!/usr/bin/env python3
# Times Google's Implicit Behavioral Cloning (google-research/ibc, imported from
# a checkout given with --ibc_root; nothing of IBC is copied here) on IBC's EBM
# config families, for `./ibc4j bench compare --tf-json FILE`.  See README.md
# next to this file.
#
# What is timed is IBC's own code, called the way IBC calls it, per family
# (--families; ibc_bench/families.py says how each is built):
#  * langevin:   mcmc.langevin_actions_given_obs (IBC's own tf.function) over
#                B observations x n counter examples, not recorded
#                (return_chain=False), as
#                ImplicitBCAgent._make_counter_example_actions calls it
#                (particle and d4rl; push's counter examples are uniform);
#  * train-step: agent.train(experience) in a tf.function (autograph) as
#                tf-agents' Learner wraps it in train_eval;
#  * inference:  agent.policy.action(time_step) (GreedyPolicy over IbcPolicy)
#                for one observation, in common.function as IBC's eval actor
#                (StrategyPyTFEagerPolicy) wraps it;
#  * gemm:       one tf.linalg.matmul [4096,256]x[256,256], for context.
# The network and the agent come from IBC's get_cloning_network / get_agent
# with the family's gin file parsed as train_eval parses it.  The normalizers
# are IBC's get_normalizers run over a small synthetic dataset (zero-mean,
# unit-variance observations, actions spanning the action spec): shapes
# matter here, not data.
"""Times TF IBC per config family (Langevin, train step, inference)."""

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
import json
import warnings

warnings.filterwarnings('ignore')

FORMAT = 'ibc4j-bench-tf'
# 2: families.push / families.d4rl; the particle figures may be absent.
FORMAT_VERSION = 2
FAMILIES = ['particle', 'push', 'd4rl']
FIGURES = ['gemm', 'langevin', 'train-step', 'inference']


def parse_args():
  p = argparse.ArgumentParser(description=__doc__)
  p.add_argument('--ibc_root', required=True,
                 help='IBC checkout (a directory named ibc) at commit '
                 'db89ddbb852603fe9b64cf0f502b1fd3d6037d33')
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
  p.add_argument('--only', nargs='*', default=None, choices=FIGURES,
                 help='time only these figures')
  p.add_argument('--families', nargs='+', default=['particle'],
                 choices=FAMILIES,
                 help='config families to time (default particle, as '
                 'format 1 timed it): particle '
                 '(configs/particle/mlp_ebm_langevin.gin), push '
                 '(configs/pushing_states/mlp_ebm.gin; needs pybullet for '
                 'the env, else the specs come from its .spec file), d4rl '
                 '(configs/d4rl/mlp_ebm_langevin_best.gin on door-human-v0)')
  a = p.parse_args()
  if a.repeats < 1 or a.warmup < 1:
    p.error('--repeats and --warmup must be >= 1 (the first call traces)')
  return a


ARGS = parse_args()
# Same as export.py (ibc_export/procenv.py): the checkout on sys.path.  The
# block-pushing envs need pybullet; where it is not installed, empty modules
# stand in (ibc/eval/eval_env.py imports those envs at module level; the
# particle and d4rl paths never call pybullet) and push takes its specs from
# the dataset's .spec file.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ibc_export import procenv  # pylint: disable=g-import-not-at-top
IBC_ROOT = procenv.add_ibc_to_path(ARGS.ibc_root)
try:
  import pybullet  # pylint: disable=g-import-not-at-top,unused-import
  PYBULLET_NOTE = None
except ImportError:
  procenv.stub_pybullet()
  PYBULLET_NOTE = ('pybullet modules stubbed (not installed; the particle '
                   'and d4rl paths never call pybullet)')

import numpy as np  # pylint: disable=g-import-not-at-top
import tensorflow as tf

if ARGS.intra_op:
  tf.config.threading.set_intra_op_parallelism_threads(ARGS.intra_op)
if ARGS.inter_op:
  tf.config.threading.set_inter_op_parallelism_threads(ARGS.inter_op)
# train_eval calls the removed tf.config.experimental_run_functions_eagerly.
tf.config.run_functions_eagerly(False)
tf.get_logger().setLevel('ERROR')

from ibc.ibc.agents import ibc_policy  # pylint: disable=unused-import,g-import-not-at-top,g-bad-import-order
from ibc_bench import agent as agent_module  # pylint: disable=g-import-not-at-top
from ibc_bench import families as families_module
from ibc_bench import langevin_fix
from ibc_bench import machine as machine_module
from ibc_bench import timing


def gemm_figure(warmup, repeats):
  rng = np.random.default_rng(1)
  a = tf.constant(rng.standard_normal((4096, 256)).astype(np.float32))
  b = tf.constant(rng.standard_normal((256, 256)).astype(np.float32))
  out = {}

  def call():
    out['c'] = tf.linalg.matmul(a, b)  # eager CPU ops return when done

  f = timing.figure('gemm', 'tf.linalg.matmul [4096,256]x[256,256] float32, '
                    'eager', call, warmup, max(repeats, 30))
  f['gflops'] = 2.0 * 4096 * 256 * 256 / (f['ms']['median'] * 1e6)
  return f


class _Calls(object):
  """setup.calls() for langevin_fix.count_langevin_steps."""

  def __init__(self, built, figures):
    self.built, self.figures = built, figures

  def calls(self):
    return self.built.calls(self.figures)


def time_family(fam, want, notes):
  """Builds the family, checks its Langevin step counts, times its figures.

  Returns (shape, Langevin steps counted, figures, where the specs came from).
  """
  print('building IBC %s (gin: %s + %s) ...' % (
      fam.name, fam.gin_file, fam.gin_bindings), flush=True)
  built = fam.build(IBC_ROOT, notes)
  shape = fam.shape(built)
  print('  shape: %s' % dict(shape), flush=True)
  print('  specs: %s' % built.specs_source, flush=True)
  names = [f for f in fam.figures if f in want]
  counts = {}
  figures = collections.OrderedDict()
  if not names:
    return shape, counts, figures, built.specs_source
  print('  checking the Langevin steps of every timed path ...', flush=True)
  counts = langevin_fix.count_langevin_steps(_Calls(built, names))
  expected = {k: v for k, v in fam.expected_steps(built).items()
              if k in names}
  print('  Langevin steps per call: %s (expected %s)' % (dict(counts),
                                                        expected), flush=True)
  if counts != expected:
    sys.exit('%s: Langevin steps counted %s, the config gives %s: the '
             'gin/tf.function fix did not take' % (fam.name, dict(counts),
                                                   expected))
  calls = built.calls(names)
  desc = fam.descriptions(built)
  for name in names:
    figures[name] = timing.figure(
        name if fam.name == 'particle' else fam.name + '/' + name,
        desc[name], calls[name], ARGS.warmup, ARGS.repeats,
        {'langevin_steps_counted': counts[name]})
  return shape, counts, figures, built.specs_source


def main():
  started = datetime.datetime.now(datetime.timezone.utc)
  load_start = machine_module.load_average()
  want = ARGS.only or FIGURES
  notes = [n for n in [PYBULLET_NOTE, langevin_fix.NOTE,
                       agent_module.ADAM_NOTE] if n]
  result = collections.OrderedDict([
      ('format', FORMAT),
      ('format_version', FORMAT_VERSION),
      ('producer', 'golden/export/bench_tf.py'),
      ('started_utc', started.strftime('%Y-%m-%dT%H:%M:%SZ')),
      ('ibc_commit', machine_module.ibc_commit(IBC_ROOT)),
      ('ibc_tree_sha256', machine_module.ibc_tree_sha256(IBC_ROOT)),
  ])
  figures = collections.OrderedDict()
  if 'gemm' in want:
    figures['gemm'] = gemm_figure(ARGS.warmup, ARGS.repeats)
  families = collections.OrderedDict()
  for name in ARGS.families:
    fam = families_module.get(name)
    shape, counts, figs, source = time_family(fam, want, notes)
    if name == 'particle':
      result['gin_file'] = fam.gin_file
      result['gin_bindings'] = fam.gin_bindings
      result['shape'] = shape
      result['langevin_steps_counted'] = counts
      figures.update(figs)
    else:
      families[name] = collections.OrderedDict([
          ('gin_file', fam.gin_file), ('gin_bindings', fam.gin_bindings),
          ('specs', source), ('shape', shape),
          ('langevin_steps_counted', counts), ('figures', figs)])
  result['runtime_fixes'] = notes
  result['machine'] = machine_module.machine()
  result['load_average_start'] = load_start
  result['load_average_end'] = machine_module.load_average()
  result['os_threads'] = machine_module.os_threads()
  result['peak_rss_mib'] = machine_module.peak_rss_mib()
  result['figures'] = figures
  result['families'] = families
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
