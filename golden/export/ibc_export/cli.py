"""Command line of export.py (parsed by export.py's main, never at import)."""

import argparse

from ibc_export import constants

DESCRIPTION = 'Exports golden tensors from IBC for the ibc4j Java port.'


def build_parser():
  p = argparse.ArgumentParser(prog='export.py', description=DESCRIPTION)
  p.add_argument('--ibc_root', required=True,
                 help='IBC checkout (a directory named ibc) at commit %s' %
                 constants.EXPECTED_IBC_COMMIT)
  p.add_argument('--out', required=True, help='golden output directory')
  p.add_argument('--only', nargs='*', default=None,
                 help='components to (re)export; others keep their manifest '
                 'entries')
  p.add_argument('--cases', nargs='*', default=None,
                 help='cases to export (default: every defined case: those '
                 'of the cases file, then new --case ones)')
  p.add_argument('--cases_file', default=None,
                 help='JSON list of case objects (default: cases.json next '
                 'to export.py)')
  p.add_argument('--case', action='append', default=[], dest='case_specs',
                 metavar='NAME:key=value,...',
                 help='define a case or override fields of one (repeatable); '
                 'keys: the case object keys of the cases file, e.g. '
                 'particle2d:train_batch=384 or '
                 'new3d:n_dim=3,width=48,env_seeds=0/1/2,'
                 'gin=MLPEBM.depth=4')
  p.add_argument('--seed_offset', type=int, default=0,
                 help='added to every seed of every case (default 0)')
  p.add_argument('--ibc_commit', default=None,
                 help='commit of the checkout when it is not a git work tree '
                 '(default: the pinned commit)')
  p.add_argument('--keep_tmp', action='store_true')
  return p


def parse_args(argv=None):
  return build_parser().parse_args(argv)
