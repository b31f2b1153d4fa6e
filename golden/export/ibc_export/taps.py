"""Taps: record intermediates inside IBC without changing the math.

Thin wrappers around module-level IBC functions (mcmc.langevin_step,
mcmc.gradient_wrt_act, ebm_loss.info_nce, ...) and a namespace proxy for the
`tf` name inside ibc.ibc.agents.mcmc and ibc.ibc.losses.ebm_loss. install()
puts them in place (and applies runtime fix 4, the gin bindings of
langevin_actions_given_obs); the originals are kept in ORIG_MCMC /
ORIG_AGGREGATE.
"""

import collections
import contextlib

import tensorflow as tf
from tf_agents.utils import common

from ibc.ibc.agents import mcmc  # pylint: disable=g-bad-import-order
from ibc.ibc.losses import ebm_loss
from ibc.ibc.losses import gradient_loss
from ibc_export.randomness import Deps


class Stash(object):
  """Trace-time scratch dicts filled by the taps (one per active scope)."""
  stack = []

  @classmethod
  def top(cls):
    return cls.stack[-1] if cls.stack else None

  @classmethod
  @contextlib.contextmanager
  def scope(cls, d=None):
    d = {} if d is None else d
    cls.stack.append(d)
    try:
      yield d
    finally:
      cls.stack.pop()


class Log(object):
  """Run-time records appended by py_function / eager taps."""
  active = None

  @classmethod
  @contextlib.contextmanager
  def collect(cls):
    assert cls.active is None
    cls.active = collections.defaultdict(list)
    try:
      yield cls.active
    finally:
      cls.active = None


def _record(kind, names, tensors, passthrough):
  """Appends {name: value} to Log.active[kind]; returns passthrough."""
  tensors = [tf.convert_to_tensor(t) for t in tensors]
  if tf.executing_eagerly():
    if Log.active is not None:
      Log.active[kind].append(
          collections.OrderedDict(zip(names, [t.numpy() for t in tensors])))
    return passthrough

  def fn(*values):
    if Log.active is not None:
      Log.active[kind].append(
          collections.OrderedDict(zip(names, [v.numpy() for v in values])))
    return values[0]

  out = tf.py_function(fn, [passthrough] + tensors, passthrough.dtype,
                       name='tap_' + kind)
  out.set_shape(passthrough.shape)
  return out


class _Namespace(object):
  """Attribute proxy: overrides some names, forwards the rest."""

  def __init__(self, real, **overrides):
    self._real = real
    self._overrides = overrides

  def __getattr__(self, k):
    if k in self._overrides:
      return self._overrides[k]
    return getattr(self._real, k)


_ORIG_ITERATIVE_DFO = mcmc.iterative_dfo
_ORIG_MCMC = {
    k: getattr(mcmc, k) for k in [
        'langevin_step', 'gradient_wrt_act', 'categorical_bincount',
        'compute_grad_norm', 'get_probabilities', 'tf'
    ]
}


@tf.autograph.experimental.do_not_convert
def _tap_clip_by_value(t, clip_value_min, clip_value_max, name=None):
  out = tf.clip_by_value(t, clip_value_min, clip_value_max, name=name)
  st = Stash.top()
  if st is not None:
    st.setdefault('clips', []).append(
        (t, clip_value_min, clip_value_max, out))
    if st.get('dfo'):
      st['pending_clip'] = (t, clip_value_min, clip_value_max, out)
  return out


@tf.autograph.experimental.do_not_convert
def _tap_normal(shape, *a, **k):
  out = tf.random.normal(shape, *a, **k)
  st = Stash.top()
  if st is not None:
    st.setdefault('normals', []).append(out)
    if st.get('dfo'):
      st['pending_noise'] = out
  return out


@tf.autograph.experimental.do_not_convert
def _tap_gather(params, indices, *a, **k):
  out = tf.gather(params, indices, *a, **k)
  st = Stash.top()
  if st is not None and st.get('dfo'):
    return _dfo_gather_record(st, params, indices, out)
  return out


@tf.autograph.experimental.do_not_convert
def _tap_softmax(logits, *a, **k):
  out = tf.nn.softmax(logits, *a, **k)
  st = Stash.top()
  if st is not None:
    st.setdefault('softmaxes', []).append((logits, out))
  return out


@tf.autograph.experimental.do_not_convert
def _tap_gradient_wrt_act(*a, **k):
  de_dact, energies = _ORIG_MCMC['gradient_wrt_act'](*a, **k)
  st = Stash.top()
  if st is not None:
    st.setdefault('gwa', []).append((a, k, de_dact, energies))
  return de_dact, energies


@tf.autograph.experimental.do_not_convert
def _tap_compute_grad_norm(grad_norm_type, de_dact):
  out = _ORIG_MCMC['compute_grad_norm'](grad_norm_type, de_dact)
  st = Stash.top()
  if st is not None:
    st.setdefault('grad_norms', []).append((de_dact, out))
  return out


LANGEVIN_STEP_FIELDS = [
    'actions_out', 'actions_in', 'stepsize', 'energies', 'de_dact',
    'grad_norms', 'noise', 'delta_pre_clip', 'delta_post_clip',
    'actions_pre_clip', 'delta_clip_lo', 'delta_clip_hi', 'action_clip_lo',
    'action_clip_hi'
]


@tf.autograph.experimental.do_not_convert
def _tap_langevin_step(*a, **k):
  """mcmc.langevin_step + one record per step (passes actions through)."""
  names = ['energy_network', 'observations', 'actions', 'training',
           'policy_state', 'tfa_step_type', 'noise_scale', 'grad_clip',
           'delta_action_clip', 'stepsize', 'apply_exp', 'min_actions',
           'max_actions', 'grad_norm_type', 'obs_encoding']
  args = dict(zip(names, a))
  args.update(k)
  Deps.stack.append([args['actions']])
  try:
    with Stash.scope() as st:
      actions, energies, grad_norms = _ORIG_MCMC['langevin_step'](*a, **k)
  finally:
    Deps.stack.pop()
  (_, _, de_dact, _), = st['gwa']
  (noise,) = st['normals']
  (d_pre, d_lo, d_hi, d_post), (a_pre, a_lo, a_hi, _) = st['clips']
  f32 = lambda v: tf.cast(tf.convert_to_tensor(v), tf.float32)
  tensors = [
      args['actions'],
      f32(args['stepsize']), energies, de_dact, grad_norms, noise, d_pre,
      d_post, a_pre,
      f32(d_lo),
      f32(d_hi),
      f32(a_lo),
      f32(a_hi)
  ]
  actions = _record('langevin_step', LANGEVIN_STEP_FIELDS, tensors, actions)
  return actions, energies, grad_norms


@tf.autograph.experimental.do_not_convert
def _tap_categorical_bincount(count, log_ps, n):
  counts = _ORIG_MCMC['categorical_bincount'](count, log_ps, n)
  st = Stash.top()
  if st is not None:
    st['bincount'] = (log_ps, counts)
  return counts


DFO_FIELDS = ['resampled', 'samples_scored', 'repeat_indices', 'log_probs',
              'counts']
DFO_ITER_FIELDS = DFO_FIELDS + ['noise', 'perturbed_pre_clip']


def _dfo_gather_record(st, params, indices, out):
  """Called by the gather tap inside iterative_dfo: one record per resample."""
  log_ps, counts = st.pop('bincount')
  tensors = [params, indices, log_ps, counts]
  if st.get('pending_noise') is not None:
    noise = st.pop('pending_noise')
    pre, _, _, post = st.pop('pending_clip')
    assert post is params
    return _record('dfo_iter', DFO_ITER_FIELDS, tensors + [noise, pre], out)
  return _record('dfo_first', DFO_FIELDS, tensors, out)


@tf.autograph.experimental.do_not_convert
def _tap_iterative_dfo(*a, **k):
  with Stash.scope({'dfo': True}):
    return _ORIG_ITERATIVE_DFO(*a, **k)


@tf.autograph.experimental.do_not_convert
def _tap_get_probabilities(*a, **k):
  with Stash.scope() as st:
    probs = _ORIG_MCMC['get_probabilities'](*a, **k)
  (logits, _), = st['softmaxes']
  outer = Stash.top()
  if outer is not None:
    outer['get_probabilities'] = (a, k, logits, probs)
  return probs


def _fix_gin_tf_function():
  """Runtime fix: gin bindings of langevin_actions_given_obs (see above)."""
  gin_wrapper = mcmc.langevin_actions_given_obs.python_function
  if hasattr(gin_wrapper, '__wrapped__'):
    del gin_wrapper.__wrapped__
  mcmc.langevin_actions_given_obs = tf.function(gin_wrapper)


def _install_mcmc_taps():
  mcmc.tf = _Namespace(
      tf,
      clip_by_value=_tap_clip_by_value,
      gather=_tap_gather,
      random=_Namespace(tf.random, normal=_tap_normal),
      nn=_Namespace(tf.nn, softmax=_tap_softmax))
  mcmc.langevin_step = _tap_langevin_step
  mcmc.gradient_wrt_act = _tap_gradient_wrt_act
  mcmc.categorical_bincount = _tap_categorical_bincount
  mcmc.compute_grad_norm = _tap_compute_grad_norm
  mcmc.get_probabilities = _tap_get_probabilities
  mcmc.iterative_dfo = _tap_iterative_dfo


@contextlib.contextmanager
def layer_taps(layers):
  """Records (input, output) of the given Keras layers' call()."""
  log = collections.OrderedDict()
  saved = []
  for key, layer in layers.items():
    orig = layer.call

    def call(*a, _orig=orig, _key=key, **k):
      out = _orig(*a, **k)
      log[_key] = (a[0], out)
      return out

    saved.append(layer)
    layer.call = call
  try:
    yield log
  finally:
    for layer in saved:
      del layer.call


# Taps on the ImplicitBCAgent loss path (module-level functions it calls).
_ORIG_INFO_NCE = ebm_loss.info_nce
_ORIG_GRAD_PENALTY = gradient_loss.grad_penalty
_ORIG_AGGREGATE = common.aggregate_losses


def _tap_info_nce(predictions, *a, **k):
  with Stash.scope() as inner:
    out = _ORIG_INFO_NCE(predictions, *a, **k)
  st = Stash.top()
  if st is not None:
    (_, probs), = inner['softmaxes']
    st['info_nce'] = (predictions, probs, out[0])
  return out


def _tap_grad_penalty(*a, **k):
  with Stash.scope() as inner:
    out = _ORIG_GRAD_PENALTY(*a, **k)
  st = Stash.top()
  if st is not None:
    st['grad_penalty'] = (inner, out)
  return out


def _tap_aggregate_losses(*a, **k):
  out = _ORIG_AGGREGATE(*a, **k)
  st = Stash.top()
  if st is not None:
    st.setdefault('aggregate', []).append((a, k, out))
  return out


def _install_loss_taps():
  ebm_loss.tf = _Namespace(tf, nn=_Namespace(tf.nn, softmax=_tap_softmax))
  ebm_loss.info_nce = _tap_info_nce
  gradient_loss.grad_penalty = _tap_grad_penalty
  common.aggregate_losses = _tap_aggregate_losses


# What the components call to bypass the taps.
ORIG_MCMC = _ORIG_MCMC
ORIG_AGGREGATE = _ORIG_AGGREGATE


@contextlib.contextmanager
def counter_example_tap(agent, stash):
  """Records ImplicitBCAgent._make_counter_example_actions' outputs."""
  orig = agent._make_counter_example_actions  # pylint: disable=protected-access

  def make_ce(*a, **k):
    res = orig(*a, **k)
    stash['counter_examples'] = res
    return res

  agent._make_counter_example_actions = make_ce  # pylint: disable=protected-access
  try:
    yield
  finally:
    del agent._make_counter_example_actions  # pylint: disable=protected-access


_installed = []


def install():
  """Puts the taps and the gin/tf.function fix in place (once)."""
  if _installed:
    return
  _installed.append(True)
  _fix_gin_tf_function()
  _install_mcmc_taps()
  _install_loss_taps()
