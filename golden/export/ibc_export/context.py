"""ExportContext: the parsed command line and the resolved cases.

Built once by export.py's main and passed to everything that needs the
checkout, the output directory, the cases or the seed offset.
"""

import dataclasses
import os
import sys
from typing import Dict, List, Optional

from ibc_export import cases as cases_lib
from ibc_export import constants

EXPORT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_CASES_FILE = os.path.join(EXPORT_DIR, 'cases.json')


@dataclasses.dataclass(frozen=True)
class ExportContext:
  ibc_root: str                       # absolute path of the checkout
  out_dir: str                        # absolute golden output directory
  ibc_commit_arg: Optional[str]       # --ibc_commit
  keep_tmp: bool
  seed_offset: int
  cases: Dict[str, cases_lib.CaseConfig]  # every defined case, in order
  selected_cases: List[str]           # the cases to export, in order
  components: List[str]               # the components, in produce order
  merge: bool                         # partial run: keep other entries
  exporter_dir: str = EXPORT_DIR

  @property
  def gin_file(self):
    return os.path.join(self.ibc_root, 'ibc', 'configs', 'particle',
                        'mlp_ebm_langevin.gin')

  @property
  def mse_gin_file(self):
    # The MSE components use IBC's MSE config for the particle task.
    return os.path.join(self.ibc_root, 'ibc', 'configs', 'particle',
                        'mlp_mse.gin')


def from_args(args):
  """Resolves cases and selections; CaseError on a bad case definition."""
  file_cases = cases_lib.load_cases_file(args.cases_file or DEFAULT_CASES_FILE)
  cases = cases_lib.resolve_cases(file_cases, args.case_specs)
  unknown = set(args.only or []) - set(constants.COMPONENT_ORDER)
  unknown |= set(args.cases or []) - set(cases)
  if unknown:
    sys.exit('unknown components/cases: %s' % sorted(unknown))
  selected = [c for c in cases if args.cases is None or c in args.cases]
  for c in selected:
    cases_lib.check_seeds(cases[c], args.seed_offset)
  names = [n for n in constants.PRODUCE_ORDER
           if args.only is None or n in args.only]
  root = os.path.abspath(args.ibc_root)
  return ExportContext(
      ibc_root=root,
      out_dir=os.path.abspath(args.out),
      ibc_commit_arg=args.ibc_commit,
      keep_tmp=args.keep_tmp,
      seed_offset=args.seed_offset,
      cases=cases,
      selected_cases=selected,
      components=names,
      # A partial run (--only / --cases) keeps the other manifest entries; a
      # full run starts from an empty golden tree.
      merge=args.only is not None or args.cases is not None)
