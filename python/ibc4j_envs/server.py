"""The bridge server: python -m ibc4j_envs.server --ibc_root=<checkout named ibc> [--task=PUSH ...].

Checks the setup first (preflight), answers with a hello frame (or a setup error frame, then exit 2), and then
serves one env. It runs in the directory that holds the checkout: IBC loads its URDFs relative to it.
"""
import argparse
import os
import sys

from ibc4j_envs import PROTOCOL_VERSION
from ibc4j_envs import loop
from ibc4j_envs import preflight


def main(argv):
  inp, out = loop.take_stdout()
  p = argparse.ArgumentParser(prog='ibc4j_envs.server')
  p.add_argument('--ibc_root', default=None)
  p.add_argument('--task', action='append', default=[])
  try:
    args = p.parse_args(argv)
  except SystemExit:
    loop.send_setup_error_and_exit(out, 'bad server arguments: %s' % ' '.join(argv))
  os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
  os.environ.setdefault('CUDA_VISIBLE_DEVICES', '')
  try:
    root = preflight.check_ibc_root(args.ibc_root)
    commit = preflight.check_ibc_commit(root)
    os.chdir(os.path.dirname(root))
    sys.path.insert(0, os.path.dirname(root))
    preflight.check_packages(args.task)
    from ibc4j_envs import envs  # pylint: disable=g-import-not-at-top
    session = envs.Session()
  except loop.SetupError as e:
    loop.send_setup_error_and_exit(out, str(e))
  loop.send(out, payload={'protocol': PROTOCOL_VERSION, 'server': 'ibc', 'ibc_commit': commit,
                          'python': sys.version.split()[0], 'pid': os.getpid()})
  return loop.serve(session.handle, inp, out)


if __name__ == '__main__':
  sys.exit(main(sys.argv[1:]))
