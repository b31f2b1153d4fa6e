"""Process environment: fixed before TensorFlow is imported.

Nothing here imports TensorFlow or IBC at module level, so export.py and
bench_tf.py can use it before their first TensorFlow import.
"""

import os
import sys
import types

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
_REEXEC_FLAG = 'IBC4J_EXPORT_REEXEC'


def reexec_with_export_env():
  """Re-executes the interpreter once with EXPORT_ENV set.

  PYTHONHASHSEED only takes effect at interpreter start, hence the re-exec
  (same interpreter, same command line).
  """
  if os.environ.get(_REEXEC_FLAG) != '1':
    env = dict(os.environ)
    env.update(EXPORT_ENV)
    env[_REEXEC_FLAG] = '1'
    os.execve(sys.executable, [sys.executable] + sys.argv, env)


def add_ibc_to_path(ibc_root):
  """Makes the checkout importable as `ibc`; returns its absolute path."""
  root = os.path.abspath(ibc_root)
  if os.path.basename(root) != 'ibc':
    sys.exit('--ibc_root must be a directory named ibc (it is the package)')
  sys.path.insert(0, os.path.dirname(root))
  return root


def stub_pybullet():
  """Runtime fix 1: empty pybullet modules (see constants.RUNTIME_FIXES).

  ibc/eval/eval_env.py and data/policy_eval.py import the block-pushing envs
  at module level; the particle path never calls pybullet.
  """
  for name in ['pybullet', 'pybullet_data', 'pybullet_utils',
               'pybullet_utils.bullet_client']:
    sys.modules.setdefault(name, types.ModuleType(name))
  sys.modules['pybullet_utils'].bullet_client = sys.modules[
      'pybullet_utils.bullet_client']


def configure_tf():
  """Imports TensorFlow with the exporter's thread / TF32 / graph settings.

  Call after reexec_with_export_env() and before anything imports IBC.
  """
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  tf.config.threading.set_intra_op_parallelism_threads(1)
  tf.config.threading.set_inter_op_parallelism_threads(1)
  tf.config.experimental.enable_tensor_float_32_execution(False)
  tf.config.run_functions_eagerly(False)
  tf.get_logger().setLevel('ERROR')
  return tf
