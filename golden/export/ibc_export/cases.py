"""Cases: per-case sizes, seeds and gin overrides, as data.

A case is a CaseConfig. The built-in cases live in golden/export/cases.json
(a JSON list of case objects); `--cases_file` replaces that file and every
`--case NAME:key=value,...` defines a new case or overrides fields of one.
Keys of a case object (and of --case) are the CaseConfig fields below.

Pure Python (no TensorFlow): export.py resolves the cases before it imports
TensorFlow, so a bad key fails at once.
"""

import collections
import dataclasses
import json
import re
from typing import List, Optional

# Base seeds for the injected randomness, one per component. A case adds
# 10 * its noise_stream (particle2d 0, small3d 1, ...) and the seed offset.
NOISE_SEEDS = {
    'mlp_ebm_forward': 101, 'mlp_ebm_action_grad': 201, 'info_nce': 301,
    'grad_penalty': 401, 'langevin_chain': 501, 'train_step': 601,
    'adam_schedule': 701, 'ibc_policy_inference': 801, 'iterative_dfo': 901,
    'sampling_bounds': 1001, 'particle_env': 1101, 'mlp_mse_forward': 1201,
    'mse_train_step': 1301, 'mse_policy_action': 1401, 'ebm_loss_types': 1501,
    'grad_penalty_chain': 1601, 'spectral_norm': 1701,
    'mlp_mdn_forward': 1801, 'mdn_train_step': 1901, 'mdn_policy_action': 2001,
}
NOISE_STREAM_STRIDE = 10
# train_eval's seed (tf.random.set_seed before collection); plus the offset.
TF_GLOBAL_SEED = 0

# Shorthand keys for gin bindings, in the order their bindings are emitted
# (after 'ParticleEnv.n_dim = <n_dim>', before the `gin` passthrough).
EBM_SHORTHANDS = collections.OrderedDict([
    ('width', 'MLPEBM.width'),
    ('n', 'ImplicitBCAgent.num_counter_examples'),
    ('K', 'langevin_actions_given_obs.num_iterations'),
    ('samples', 'IbcPolicy.num_action_samples'),
])
MSE_SHORTHANDS = collections.OrderedDict([
    ('mse_width', 'MLPMSE.width'),
    ('mse_depth', 'MLPMSE.depth'),
])
N_DIM_BINDING = 'ParticleEnv.n_dim'


class CaseError(ValueError):
  """A bad case definition (unknown key, bad value, missing n_dim, ...)."""


@dataclasses.dataclass(frozen=True)
class CaseConfig:
  """Per-case sizes and seeds; network/loss/Langevin settings come from gin.

  Seeds are as defined; the seed offset is added when a case is exported
  (with_seed_offset). Shorthand gin keys (width, n, K, samples, mse_width,
  mse_depth) are None where the gin file's value applies.
  """
  name: str
  n_dim: int
  description: str = ''
  weights_seed: int = 0
  weight_scale: float = 7.0
  train_batch: int = 8
  fwd_examples: int = 8
  grad_rows_examples: int = 8
  chain_batch: int = 8
  policy_seed_episode: int = 1
  dfo_batch: int = 2
  dfo_samples: int = 64
  collect_episodes: int = 2
  collect_env_seed: int = 1
  env_seeds: List[int] = dataclasses.field(default_factory=lambda: [0, 1, 2])
  oracle_seeds: List[int] = dataclasses.field(
      default_factory=lambda: [0, 1, 2])
  # mlp_ebm_langevin.gin overrides.
  width: Optional[int] = 32
  n: Optional[int] = 4
  K: Optional[int] = 10
  samples: Optional[int] = 64
  gin: List[str] = dataclasses.field(default_factory=list)
  # mlp_mse.gin overrides and the MSE components' settings.
  mse_width: Optional[int] = 32
  mse_depth: Optional[int] = 4
  mse_weights_seed: int = 0
  mse_policy_weight_scale: float = 4.0
  mse_gin: List[str] = dataclasses.field(default_factory=list)
  # Stream of the per-component noise seeds (default: index in the case
  # list); see noise_seed.
  noise_stream: Optional[int] = None

  @property
  def extra_gin(self):
    """Bindings added to mlp_ebm_langevin.gin for this case."""
    out = ['%s = %d' % (N_DIM_BINDING, self.n_dim)]
    for key, binding in EBM_SHORTHANDS.items():
      if getattr(self, key) is not None:
        out.append('%s = %d' % (binding, getattr(self, key)))
    return out + list(self.gin)

  @property
  def mse_extra_gin(self):
    """Bindings added to mlp_mse.gin for this case."""
    out = ['%s = %d' % (N_DIM_BINDING, self.n_dim)]
    for key, binding in MSE_SHORTHANDS.items():
      if getattr(self, key) is not None:
        out.append('%s = %d' % (binding, getattr(self, key)))
    return out + list(self.mse_gin)

  def with_seed_offset(self, offset):
    """The case with `offset` added to every seed it defines."""
    return dataclasses.replace(
        self,
        weights_seed=self.weights_seed + offset,
        policy_seed_episode=self.policy_seed_episode + offset,
        collect_env_seed=self.collect_env_seed + offset,
        env_seeds=[s + offset for s in self.env_seeds],
        oracle_seeds=[s + offset for s in self.oracle_seeds],
        mse_weights_seed=self.mse_weights_seed + offset)

  def to_json(self):
    return collections.OrderedDict(
        (f.name, list(getattr(self, f.name)) if isinstance(
            getattr(self, f.name), (list, tuple)) else getattr(self, f.name))
        for f in dataclasses.fields(self))


FIELDS = collections.OrderedDict((f.name, f) for f in dataclasses.fields(
    CaseConfig))
INT_KEYS = {'n_dim', 'weights_seed', 'train_batch', 'fwd_examples',
            'grad_rows_examples', 'chain_batch', 'policy_seed_episode',
            'dfo_batch', 'dfo_samples', 'collect_episodes', 'collect_env_seed',
            'mse_weights_seed'}
OPTIONAL_INT_KEYS = set(EBM_SHORTHANDS) | set(MSE_SHORTHANDS) | {
    'noise_stream'}
FLOAT_KEYS = {'weight_scale', 'mse_policy_weight_scale'}
INT_LIST_KEYS = {'env_seeds', 'oracle_seeds'}
GIN_KEYS = {'gin', 'mse_gin'}
STR_KEYS = {'description'}
KEYS = [k for k in FIELDS if k != 'name']
assert set(KEYS) == (INT_KEYS | OPTIONAL_INT_KEYS | FLOAT_KEYS | INT_LIST_KEYS
                     | GIN_KEYS | STR_KEYS)
# Sizes that must be >= 1 (train_batch: info_nce writes rows 0..2).
MIN_VALUES = dict(n_dim=1, train_batch=3, fwd_examples=1,
                  grad_rows_examples=1, chain_batch=1, dfo_batch=1,
                  dfo_samples=1, collect_episodes=1, width=1, n=1, K=1,
                  samples=1, mse_width=1, mse_depth=1, noise_stream=0)
_NAME_RE = re.compile(r'^[A-Za-z][A-Za-z0-9_]*$')
_BINDING_RE = re.compile(r'^[A-Za-z_][A-Za-z0-9_./]*\.[A-Za-z_][A-Za-z0-9_]*$')


def noise_seed(cfg, component, seed_offset):
  """Seed of a component's injected randomness for case cfg."""
  return (NOISE_SEEDS[component] + NOISE_STREAM_STRIDE * cfg.noise_stream +
          seed_offset)


def effective_seeds(cfg, seed_offset):
  """Every seed a case's export uses, offset applied (for the manifest)."""
  eff = cfg.with_seed_offset(seed_offset)
  return collections.OrderedDict([
      ('weights', eff.weights_seed),
      ('mse_weights', eff.mse_weights_seed),
      ('collect_env', eff.collect_env_seed),
      ('policy_episode', eff.policy_seed_episode),
      ('env_episodes', list(eff.env_seeds)),
      ('oracle_episodes', list(eff.oracle_seeds)),
      ('tf_global', TF_GLOBAL_SEED + seed_offset),
      ('noise', collections.OrderedDict(
          (c, noise_seed(cfg, c, seed_offset)) for c in NOISE_SEEDS)),
  ])


def check_seeds(cfg, seed_offset):
  """Every effective seed must be a valid NumPy / gym seed."""
  seeds = effective_seeds(cfg, seed_offset)
  flat = [v for k, v in seeds.items() if isinstance(v, int)]
  flat += seeds['env_episodes'] + seeds['oracle_episodes']
  flat += list(seeds['noise'].values())
  bad = sorted({s for s in flat if not 0 <= s < 2**32})
  if bad:
    raise CaseError('case %s: with --seed_offset %d the seed(s) %s are out of '
                    'range [0, 2^32)' % (cfg.name, seed_offset, bad))


# ---------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------
def _split_top_level(text, sep):
  """Splits at sep outside brackets and quotes (gin values may hold commas)."""
  parts, depth, quote, cur = [], 0, None, []
  for ch in text:
    if quote:
      if ch == quote:
        quote = None
    elif ch in '\'"':
      quote = ch
    elif ch in '([{':
      depth += 1
    elif ch in ')]}':
      depth -= 1
    elif ch == sep and depth == 0:
      parts.append(''.join(cur))
      cur = []
      continue
    cur.append(ch)
  parts.append(''.join(cur))
  return parts


def parse_binding(text, where):
  """'Name.param=value' or 'Name.param = value' -> 'Name.param = value'."""
  if '=' not in text:
    raise CaseError('%s: gin binding %r must be Configurable.param=value' %
                    (where, text))
  name, value = text.split('=', 1)
  name, value = name.strip(), value.strip()
  if not _BINDING_RE.match(name) or not value:
    raise CaseError('%s: gin binding %r must be Configurable.param=value' %
                    (where, text))
  reserved = {N_DIM_BINDING: 'n_dim'}
  for shorthands in (EBM_SHORTHANDS, MSE_SHORTHANDS):
    reserved.update((b, k) for k, b in shorthands.items())
  if name in reserved:
    raise CaseError('%s: bind %s with the key %s=, not through gin' %
                    (where, name, reserved[name]))
  return '%s = %s' % (name, value)


def _binding_name(binding):
  return binding.split('=', 1)[0].strip()


def _merge_bindings(old, new):
  """Appends bindings; a binding of the same name replaces the old one."""
  out = list(old)
  for b in new:
    names = [_binding_name(x) for x in out]
    if _binding_name(b) in names:
      out[names.index(_binding_name(b))] = b
    else:
      out.append(b)
  return out


def _int(value, key, where):
  if isinstance(value, bool):
    raise CaseError('%s: %s must be an integer, got %r' % (where, key, value))
  if isinstance(value, int):
    return value
  if isinstance(value, str):
    try:
      return int(value.strip())
    except ValueError:
      pass
  raise CaseError('%s: %s must be an integer, got %r' % (where, key, value))


def convert_value(key, value, where):
  """Converts a JSON value or a --case string to the field's type."""
  if key not in FIELDS or key == 'name':
    raise CaseError('%s: unknown case key %r (known keys: %s)' %
                    (where, key, ', '.join(KEYS)))
  if key in INT_KEYS:
    return _int(value, key, where)
  if key in OPTIONAL_INT_KEYS:
    if value is None or (isinstance(value, str) and
                         value.strip().lower() in ('none', 'null')):
      return None
    return _int(value, key, where)
  if key in FLOAT_KEYS:
    if isinstance(value, bool):
      raise CaseError('%s: %s must be a number, got %r' % (where, key, value))
    try:
      return float(value)
    except (TypeError, ValueError):
      raise CaseError('%s: %s must be a number, got %r' %
                      (where, key, value)) from None
  if key in INT_LIST_KEYS:
    if isinstance(value, str):
      value = [v for v in value.split('/') if v.strip()]
    if not isinstance(value, (list, tuple)) or not value:
      raise CaseError('%s: %s must be a non-empty list of integers (on the '
                      'command line: a/b/c), got %r' % (where, key, value))
    return [_int(v, key, where) for v in value]
  if key in GIN_KEYS:
    if isinstance(value, str):
      value = [value]
    if not isinstance(value, (list, tuple)):
      raise CaseError('%s: %s must be a list of bindings, got %r' %
                      (where, key, value))
    return [parse_binding(v, where) for v in value]
  if key in STR_KEYS:
    if not isinstance(value, str):
      raise CaseError('%s: %s must be a string, got %r' % (where, key, value))
    return value
  raise AssertionError(key)


def _check_name(name, where):
  if not isinstance(name, str) or not _NAME_RE.match(name):
    raise CaseError('%s: case name %r must be letters, digits and _, '
                    'starting with a letter' % (where, name))


def _validate(cfg, where):
  for key, lo in MIN_VALUES.items():
    v = getattr(cfg, key)
    if v is not None and v < lo:
      raise CaseError('%s: %s must be >= %d, got %d' % (where, key, lo, v))


def _apply(cfg, fields, where):
  """cfg with fields (already converted) applied; gin lists merge."""
  upd = {}
  for key, value in fields.items():
    if key in GIN_KEYS:
      upd[key] = _merge_bindings(upd.get(key, getattr(cfg, key)), value)
    else:
      upd[key] = value
  out = dataclasses.replace(cfg, **upd)
  _validate(out, where)
  return out


def case_from_fields(name, fields, index, where):
  """A new case from converted fields; defaults are small3d-like."""
  if 'n_dim' not in fields:
    raise CaseError('%s: a new case needs n_dim' % where)
  cfg = CaseConfig(name=name, n_dim=fields['n_dim'], noise_stream=index)
  return _apply(cfg, fields, where)


def parse_case_spec(spec):
  """'NAME:key=value,key=value' -> (NAME, {key: converted value})."""
  where = '--case %s' % spec
  name, _, rest = spec.partition(':')
  name = name.strip()
  _check_name(name, where)
  fields = collections.OrderedDict()
  for part in _split_top_level(rest, ','):
    if not part.strip():
      continue
    if '=' not in part:
      raise CaseError('%s: %r is not key=value' % (where, part))
    key, value = part.split('=', 1)
    key = key.strip()
    value = convert_value(key, value, where)
    if key in GIN_KEYS:
      value = _merge_bindings(fields.get(key, []), value)
    fields[key] = value
  return name, fields


def load_cases_file(path):
  """Reads a JSON list of case objects; returns [CaseConfig] in file order."""
  try:
    with open(path) as f:
      data = json.load(f, object_pairs_hook=collections.OrderedDict)
  except OSError as e:
    raise CaseError('cannot read cases file %s: %s' % (path, e)) from None
  except ValueError as e:
    raise CaseError('cases file %s is not valid JSON: %s' % (path, e)) from None
  if not isinstance(data, list):
    raise CaseError('cases file %s must hold a JSON list of case objects' %
                    path)
  out = []
  for i, obj in enumerate(data):
    where = '%s [%d]' % (path, i)
    if not isinstance(obj, dict) or 'name' not in obj:
      raise CaseError('%s: each case must be an object with a "name"' % where)
    _check_name(obj['name'], where)
    where = '%s (case %s)' % (path, obj['name'])
    if obj['name'] in [c.name for c in out]:
      raise CaseError('%s: case %s is defined twice' % (where, obj['name']))
    fields = collections.OrderedDict(
        (k, convert_value(k, v, where)) for k, v in obj.items() if k != 'name')
    out.append(case_from_fields(obj['name'], fields, i, where))
  return out


def resolve_cases(file_cases, specs):
  """Applies --case specs to the file's cases.

  Returns an OrderedDict name -> CaseConfig in definition order (the file's
  cases, then new --case cases in command-line order).
  """
  cases = collections.OrderedDict((c.name, c) for c in file_cases)
  for spec in specs:
    name, fields = parse_case_spec(spec)
    where = '--case %s' % spec
    if name in cases:
      cases[name] = _apply(cases[name], fields, where)
    else:
      cases[name] = case_from_fields(name, fields, len(cases), where)
  return cases
