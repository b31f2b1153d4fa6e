"""What the bridge needs before it serves: the IBC checkout at IBC's commit, and the Python packages.

Each check names what to install or pass. The commit is read with git when the checkout is a git tree;
otherwise the sha256 over the checkout's *.py and *.gin files (paths and contents, as golden/export's manifest
computes it) must be the one of IBC db89ddb.
"""
import glob
import hashlib
import importlib
import os
import subprocess
import sys

from ibc4j_envs.loop import SetupError

EXPECTED_IBC_COMMIT = 'db89ddbb852603fe9b64cf0f502b1fd3d6037d33'
EXPECTED_IBC_TREE_SHA256 = 'fd8edc96408a963f54a236aba7939e922cc232d8e2f81b44d1d600ab49da2f72'
BLOCK_TASKS = ('REACH', 'PUSH', 'INSERT', 'PUSH_DISCONTINUOUS', 'PUSH_MULTIMODAL', 'REACH_NORMALIZED',
               'PUSH_NORMALIZED')
INSTALL = ('install the bridge\'s pinned stack into a Python 3.11 virtualenv: '
           '<venv>/bin/pip install -r python/requirements.txt, then pass --python=<venv>/bin/python')


def check_ibc_root(ibc_root):
  """The absolute checkout path; it must be a directory named ibc holding IBC's packages."""
  if not ibc_root:
    raise SetupError('no IBC checkout given: pass --ibc_root=<path to a checkout of google-research/ibc at %s, '
                     'the directory named ibc>' % EXPECTED_IBC_COMMIT[:7])
  root = os.path.abspath(ibc_root)
  if not os.path.isdir(root):
    raise SetupError('IBC checkout %s does not exist: clone google-research/ibc, check out %s and pass its path '
                     'as --ibc_root' % (root, EXPECTED_IBC_COMMIT[:7]))
  if os.path.basename(root) != 'ibc':
    raise SetupError('--ibc_root=%s must be the directory named ibc (IBC imports itself as the package ibc)' % root)
  for needed in ('environments/block_pushing/block_pushing.py', 'ibc/eval/eval_env.py', 'ibc/tasks.py'):
    if not os.path.isfile(os.path.join(root, needed)):
      raise SetupError('%s is not an IBC checkout: %s is missing' % (root, needed))
  return root


def tree_sha256(ibc_root):
  h = hashlib.sha256()
  files = sorted(glob.glob(os.path.join(ibc_root, '**', '*.py'), recursive=True) +
                 glob.glob(os.path.join(ibc_root, '**', '*.gin'), recursive=True))
  for f in files:
    h.update(os.path.relpath(f, ibc_root).encode())
    h.update(b'\0')
    with open(f, 'rb') as fh:
      h.update(hashlib.sha256(fh.read()).digest())
  return h.hexdigest()


def check_ibc_commit(ibc_root):
  """The checkout's commit (or tree hash); raises unless it is IBC db89ddb."""
  if os.path.exists(os.path.join(ibc_root, '.git')):
    try:
      head = subprocess.run(['git', '-C', ibc_root, 'rev-parse', 'HEAD'], capture_output=True, text=True,
                            check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as e:
      raise SetupError('cannot read the commit of %s with git: %s' % (ibc_root, e)) from e
    if head != EXPECTED_IBC_COMMIT:
      raise SetupError('IBC checkout %s is at commit %s, not %s: git -C %s checkout %s' % (
          ibc_root, head, EXPECTED_IBC_COMMIT, ibc_root, EXPECTED_IBC_COMMIT))
    return head
  sha = tree_sha256(ibc_root)
  if sha != EXPECTED_IBC_TREE_SHA256:
    raise SetupError('IBC checkout %s is not a git tree and its sources (sha256 %s over *.py and *.gin) are not '
                     'those of IBC %s: use a checkout of that commit' % (ibc_root, sha, EXPECTED_IBC_COMMIT))
  return 'tree-sha256:' + sha


def check_packages(tasks):
  """Imports what IBC's envs need for these tasks; names the first missing package."""
  needed = ['numpy', 'gin', 'gym', 'tensorflow', 'tf_agents', 'scipy', 'matplotlib']
  if any(t in BLOCK_TASKS for t in tasks):
    needed.append('pybullet')
  if any(t not in BLOCK_TASKS and t != 'PARTICLE' for t in tasks):
    needed.append('d4rl')  # IBC's D4RL tasks (MuJoCo); not in python/requirements.txt
  for name in needed:
    try:
      importlib.import_module(name)
    except ImportError as e:
      pip_name = {'gin': 'gin-config', 'tf_agents': 'tf-agents', 'tensorflow': 'tensorflow-cpu'}.get(name, name)
      how = INSTALL if name != 'd4rl' else ('IBC\'s D4RL tasks need d4rl and MuJoCo, which '
                                             'python/requirements.txt does not include')
      raise SetupError('Python package %s is missing for %s (%s): %s' % (pip_name, sys.executable, e, how)) from e
