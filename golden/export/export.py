#!/usr/bin/env python3
# Golden-tensor exporter for ibc4j.
#
# Runs Google's Implicit Behavioral Cloning code (google-research/ibc, imported
# from a checkout given with --ibc_root; nothing of IBC is copied here) and
# writes what its functions compute as little-endian C-order .npy files plus a
# manifest.json that the Java tests read.  See README.md next to this file;
# the code is in the package ibc_export/ (module map in its __init__.py).
#
# Principles:
#  * every output tensor comes from running IBC's own functions (or the
#    tf-agents / Keras functions IBC calls); nothing IBC computes is
#    re-implemented here;
#  * randomness is injected: the raw TF sampling kernels (uniform [0,1),
#    standard normal, categorical) are replaced, while a RandomTape is active,
#    by draws from a seeded NumPy generator, and every draw is recorded, so the
#    Java side can replay them (ibc_export/randomness.py);
#  * intermediates inside IBC's tf.functions are observed by "taps": thin
#    wrappers around module-level functions (mcmc.langevin_step,
#    mcmc.gradient_wrt_act, ...) and a namespace proxy for the `tf` name inside
#    ibc.ibc.agents.mcmc, which record tensors without changing the math
#    (ibc_export/taps.py);
#  * IBC's tf.functions still run as graphs (as in training and evaluation),
#    so e.g. the Langevin step-size schedule is computed in float32 exactly as
#    AutoGraph compiles it.
"""Exports golden tensors from IBC for the ibc4j Java port."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ibc_export import procenv  # pylint: disable=g-import-not-at-top


def main():
  # Before anything else: the process environment must be fixed before
  # TensorFlow is imported (and PYTHONHASHSEED before the interpreter starts).
  procenv.reexec_with_export_env()
  import warnings  # pylint: disable=g-import-not-at-top
  warnings.filterwarnings('ignore')
  from ibc_export import cases  # pylint: disable=g-import-not-at-top
  from ibc_export import cli
  from ibc_export import context
  parser = cli.build_parser()
  args = parser.parse_args()
  try:
    ctx = context.from_args(args)
  except cases.CaseError as e:
    parser.error(str(e))
  procenv.add_ibc_to_path(ctx.ibc_root)
  procenv.stub_pybullet()
  procenv.configure_tf()
  from ibc_export import runner  # pylint: disable=g-import-not-at-top
  runner.run(ctx)


if __name__ == '__main__':
  main()
