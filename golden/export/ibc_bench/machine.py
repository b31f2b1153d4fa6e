"""The machine and software a benchmark ran on (bench_tf.py's JSON fields)."""

import collections
import os
import platform
import subprocess

import numpy as np
import tensorflow as tf
import tf_agents

from ibc_export import constants
from ibc_export import manifest

# The exporter's pin and tree hash: a benchmark names its checkout as an export does.
EXPECTED_IBC_COMMIT = constants.EXPECTED_IBC_COMMIT
ibc_tree_sha256 = manifest.ibc_tree_sha256


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


def ibc_commit(ibc_root):
  """HEAD of the checkout, or 'unknown' when it is not a git work tree."""
  try:
    return subprocess.run(['git', '-C', ibc_root, 'rev-parse', 'HEAD'],
                          capture_output=True, text=True,
                          check=True).stdout.strip()
  except (subprocess.CalledProcessError, OSError):
    return 'unknown (not a git work tree; pinned: %s)' % EXPECTED_IBC_COMMIT

