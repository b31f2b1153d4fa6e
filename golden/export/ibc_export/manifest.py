"""manifest.json: the producer block and the component entries.

Schema: golden/export/README.md section 9 (the contract with the Java side).
"""

import collections
import glob
import hashlib
import json
import os
import platform
import subprocess
import sys

import gin
import numpy as np
import tensorflow as tf
import tensorflow_probability as tfp
import tf_agents

from ibc_export import cases as cases_lib
from ibc_export import constants
from ibc_export import procenv


def git_rev(path):
  try:
    head = subprocess.run(['git', '-C', path, 'rev-parse', 'HEAD'],
                          capture_output=True, text=True, check=True).stdout
    head = head.strip()
  except (subprocess.CalledProcessError, OSError):
    head = 'no-commit'
  try:
    # Only the exporter's own files count: the golden files it writes do not.
    dirty = subprocess.run(['git', '-C', path, 'status', '--porcelain', '--', '.'],
                           capture_output=True, text=True,
                           check=True).stdout.strip()
  except (subprocess.CalledProcessError, OSError):
    dirty = ''
  return head + ('-dirty' if dirty else '')


def ibc_commit(ctx):
  try:
    head = subprocess.run(['git', '-C', ctx.ibc_root, 'rev-parse', 'HEAD'],
                          capture_output=True, text=True, check=True)
    head = head.stdout.strip()
  except (subprocess.CalledProcessError, OSError):
    head = None
  if head and ctx.ibc_commit_arg and head != ctx.ibc_commit_arg:
    sys.exit('IBC checkout is at %s, not %s' % (head, ctx.ibc_commit_arg))
  return head or ctx.ibc_commit_arg or constants.EXPECTED_IBC_COMMIT


def ibc_tree_sha256(ibc_root):
  """sha256 over the IBC python sources and configs (path + content)."""
  h = hashlib.sha256()
  files = sorted(
      glob.glob(os.path.join(ibc_root, '**', '*.py'), recursive=True) +
      glob.glob(os.path.join(ibc_root, '**', '*.gin'), recursive=True))
  for f in files:
    h.update(os.path.relpath(f, ibc_root).encode())
    h.update(b'\0')
    with open(f, 'rb') as fh:
      h.update(hashlib.sha256(fh.read()).digest())
  return h.hexdigest()


def _dist_version(name):
  from importlib import metadata  # pylint: disable=g-import-not-at-top
  return metadata.version(name)


def case_record(st):
  """How a case was exported: its config as defined, the seed offset, the
  gin bindings, the gin values of the shorthand keys and every effective
  seed."""
  return collections.OrderedDict([
      ('config', st.base_cfg.to_json()),
      ('seed_offset', st.seed_offset),
      ('gin_bindings', st.cfg.extra_gin),
      ('mse_gin_bindings', st.cfg.mse_extra_gin),
      ('gin_values', st.gin_values()),
      ('seeds', cases_lib.effective_seeds(st.base_cfg, st.seed_offset)),
  ])


def producer(ctx, case_gin_bindings, case_configs, case_exported_by):
  import keras  # pylint: disable=g-import-not-at-top
  return collections.OrderedDict([
      ('ibc_repo', 'google-research/ibc'),
      ('ibc_commit', ibc_commit(ctx)),
      ('ibc_tree_sha256', ibc_tree_sha256(ctx.ibc_root)),
      ('python', platform.python_version()),
      ('tensorflow', tf.__version__),
      ('keras', keras.__version__),
      ('tf_agents', tf_agents.__version__),
      ('tensorflow_probability', tfp.__version__),
      ('numpy', np.__version__),
      ('gin_config', gin.__version__ if hasattr(gin, '__version__') else
       _dist_version('gin-config')),
      ('gym', _dist_version('gym')),
      ('exporter_git', git_rev(ctx.exporter_dir)),
      ('runtime_fixes', constants.RUNTIME_FIXES),
      ('instrumentation', constants.INSTRUMENTATION),
      ('env', collections.OrderedDict(
          sorted((k, os.environ.get(k, '')) for k in procenv.EXPORT_ENV))),
      ('tf_threads', {'intra_op': 1, 'inter_op': 1}),
      ('tf32', False),
      ('device', 'cpu'),
      ('dtype', 'float32'),
      ('gin_file', 'ibc/configs/particle/mlp_ebm_langevin.gin'),
      ('case_gin_bindings', case_gin_bindings),
      ('case_configs', case_configs),
      ('case_exported_by', case_exported_by),
  ])


def cpu_model():
  """The CPU's model name: TF's and NumPy's kernels (and so the last bits of
  matmul/exp/dot results) depend on the instruction set the CPU offers."""
  try:
    with open('/proc/cpuinfo') as f:
      for line in f:
        if line.startswith('model name'):
          return line.split(':', 1)[1].strip()
  except OSError:
    pass
  return platform.processor() or 'unknown'


def exported_by(ctx):
  return collections.OrderedDict([('exporter_git', git_rev(ctx.exporter_dir)),
                                  ('cpu', cpu_model())])


def case_rank(ctx, old_components):
  """Case order: the built-in cases, then the defined cases in definition
  order, then cases only the old manifest has, in order of appearance."""
  order = list(constants.BUILTIN_CASE_ORDER)
  for c in list(ctx.cases) + [e['case'] for e in old_components]:
    if c not in order:
      order.append(c)
  return order


def write_manifest(ctx, new_entries, case_records):
  """Merges new_entries into out_dir/manifest.json (entries of other
  (component, case) pairs are kept) and rewrites it.

  case_records: case -> case_record() of the cases this run exported.
  """
  path = os.path.join(ctx.out_dir, 'manifest.json')
  old, old_producer = [], {}
  if os.path.exists(path):
    with open(path) as f:
      data = json.load(f, object_pairs_hook=collections.OrderedDict)
    old = data['components']
    old_producer = data.get('producer', {})
  keyed = {(e['name'], e['case']): e for e in old}
  for e in new_entries:
    keyed[(e['name'], e['case'])] = e
  rank = case_rank(ctx, old)
  comps = sorted(keyed.values(), key=lambda e: (constants.COMPONENT_ORDER.index(
      e['name']), rank.index(e['case'])))
  present = [c for c in rank
             if c in case_records or any(e['case'] == c for e in comps)]
  old_bindings = old_producer.get('case_gin_bindings', {})
  old_configs = old_producer.get('case_configs', {})
  # Which exporter commit and CPU produced each case: a partial export keeps
  # the other cases' entries, which an older exporter (or CPU) may have made.
  old_by = old_producer.get('case_exported_by', {})
  bindings, configs = collections.OrderedDict(), collections.OrderedDict()
  by = collections.OrderedDict()
  for c in present:
    if c in case_records:
      by[c] = exported_by(ctx)
    elif c in old_by:
      by[c] = old_by[c]
    elif 'exporter_git' in old_producer:
      by[c] = collections.OrderedDict([
          ('exporter_git', old_producer['exporter_git']), ('cpu', 'unknown')])
  for c in present:
    if c in case_records:
      bindings[c] = case_records[c]['gin_bindings']
      configs[c] = case_records[c]
    else:
      if c in old_bindings:
        bindings[c] = old_bindings[c]
      elif c in ctx.cases:
        bindings[c] = ctx.cases[c].extra_gin
      if c in old_configs:
        configs[c] = old_configs[c]
  manifest = collections.OrderedDict([('format', constants.FORMAT_VERSION),
                                      ('producer', producer(ctx, bindings,
                                                            configs, by)),
                                      ('components', comps)])
  with open(path, 'w') as f:
    json.dump(manifest, f, indent=2)
    f.write('\n')
