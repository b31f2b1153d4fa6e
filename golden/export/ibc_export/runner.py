"""The export loop: every selected case, every selected component."""

import os
import shutil
import tempfile

from ibc_export import ibc_imports  # pylint: disable=unused-import,g-bad-import-order
from ibc_export import constants
from ibc_export import manifest
from ibc_export import randomness
from ibc_export import state
from ibc_export import taps
from ibc_export.components import COMPONENTS


def install():
  """Puts the injected randomness, the taps and the runtime fixes in place."""
  randomness.install()
  taps.install()
  state.install()


def run(ctx):
  install()
  out_dir = ctx.out_dir
  os.makedirs(out_dir, exist_ok=True)
  if not ctx.merge:
    for sub in constants.COMPONENT_ORDER + ['weights', 'manifest.json']:
      path = os.path.join(out_dir, sub)
      if os.path.isdir(path):
        shutil.rmtree(path)
      elif os.path.exists(path):
        os.remove(path)
  tmp = tempfile.mkdtemp(prefix='ibc4j_export_')
  entries, case_records = [], {}
  try:
    for case in ctx.selected_cases:
      print('== case %s: collecting data, building agent' % case, flush=True)
      st = state.CaseState(ctx, ctx.cases[case], tmp)
      case_records[case] = manifest.case_record(st)
      for name in ctx.components:
        print('  -> %s/%s' % (name, case), flush=True)
        comp = COMPONENTS[name](out_dir, st)
        entries.append(comp.entry)
        # Written after every component so that partial progress is usable.
        manifest.write_manifest(ctx, entries, case_records)
  finally:
    if not ctx.keep_tmp:
      shutil.rmtree(tmp, ignore_errors=True)
  manifest.write_manifest(ctx, entries, case_records)
  print('done: %d component entries' % len(entries))
