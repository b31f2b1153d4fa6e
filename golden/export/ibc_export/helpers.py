"""Weight, observation and action helpers shared by the components."""

import collections
import os

import numpy as np
import tensorflow as tf

from ibc.ibc.agents import mcmc  # pylint: disable=g-bad-import-order
from ibc.networks.layers import resnet
from ibc_export import taps
from ibc_export.records import F32
from ibc_export.records import le_array


def mse_weight_names(net):
  """ibc4j's short names of MLPMSE's variables, in Keras' variable order.

  Keras tracks _mlp first (ResNet: the projection, every block's first dense,
  then every block's second dense; MLPDropout: its dense layers) and the
  action head last. Names: proj, block_dense1/2 (one block) or
  block<l>_dense1/2, dense<l> (MLPDropout), head.
  """
  return weight_names(net, [('head', net._project_action)])  # pylint: disable=protected-access


def weight_names(net, heads):
  """ibc4j's short names of a trunk network's variables (mse_weight_names'
  scheme for net._mlp), then the (name, Dense) heads in Keras' order."""
  mlp = net._mlp  # pylint: disable=protected-access
  layers = []
  if isinstance(mlp, resnet.ResNetLayer):
    nb = len(mlp._weight_layers)  # pylint: disable=protected-access
    prefix = lambda l: 'block' if nb == 1 else 'block%d' % l
    layers.append(('proj', mlp._projection_layer))  # pylint: disable=protected-access
    for l, d in enumerate(mlp._weight_layers):  # pylint: disable=protected-access
      layers.append((prefix(l) + '_dense1', d))
    for l, d in enumerate(mlp._weight_layers_2):  # pylint: disable=protected-access
      layers.append((prefix(l) + '_dense2', d))
  else:
    for l, d in enumerate(mlp._fc_layers):  # pylint: disable=protected-access
      layers.append(('dense%d' % l, d))
  layers.extend(heads)
  by_ref = {}
  for name, layer in layers:
    by_ref[layer.kernel.ref()] = name + '_kernel'
    by_ref[layer.bias.ref()] = name + '_bias'
  names = [by_ref[v.ref()] for v in net.trainable_variables]
  expected = [n + s for n, _ in layers for s in ('_kernel', '_bias')]
  assert names == expected, (names, expected)
  return names


WEIGHT_SHORT_NAMES = [
    'proj_kernel', 'proj_bias', 'block_dense1_kernel', 'block_dense1_bias',
    'block_dense2_kernel', 'block_dense2_bias', 'head_kernel', 'head_bias'
]


def write_weight_set(out_dir, st, set_name, weights):
  rel_dir = os.path.join('weights', st.case, set_name)
  os.makedirs(os.path.join(out_dir, rel_dir), exist_ok=True)
  rels = []
  for short, w in zip(WEIGHT_SHORT_NAMES, weights):
    rel = os.path.join(rel_dir, short + '.npy')
    np.save(os.path.join(out_dir, rel), le_array(w, '<f4'), allow_pickle=False)
    rels.append(rel)
  return rels


def add_weights(comp, out_dir, st, set_name, prefix=''):
  """Adds the 8 MLPEBM variables as shared weight files."""
  weights = st.init_weights if set_name == 'init' else st.scaled_weights
  rels = write_weight_set(out_dir, st, set_name, weights)
  for short, rel, v in zip(WEIGHT_SHORT_NAMES, rels, st.variables):
    comp.add_shared(prefix + short, rel, 'weight', keras_name=v.name,
                    weight_set=set_name)
  comp.params(weight_set=set_name)
  if set_name == 'scaled':
    comp.params(weight_scale=st.cfg.weight_scale)


def flat_obs_dict(obs):
  """Per-key obs in tf.nest (sorted) order."""
  return collections.OrderedDict(
      (k, obs[k]) for k in sorted(obs.keys()))


def add_obs(comp, name, obs, role):
  for k, v in flat_obs_dict(obs).items():
    comp.add('%s_%s' % (name, k), v, role)


def net_tap_layers(net):
  mlp = net._mlp  # pylint: disable=protected-access
  return collections.OrderedDict([
      ('projection', mlp._projection_layer),  # pylint: disable=protected-access
      ('relu1', mlp._activation_layers[0]),  # pylint: disable=protected-access
      ('dense1', mlp._weight_layers[0]),  # pylint: disable=protected-access
      ('relu2', mlp._activation_layers_2[0]),  # pylint: disable=protected-access
      ('dense2', mlp._weight_layers_2[0]),  # pylint: disable=protected-access
      ('mlp', mlp),
      ('head', net._project_energy),  # pylint: disable=protected-access
  ])


def common_params(st):
  return dict(
      width=int(st.width), depth=2, layers='ResNetPreActivation', rate=0.0,
      activation='relu', obs_dim=int(4 * 2 * st.cfg.n_dim),
      action_dim=int(st.cfg.n_dim), sequence_length=2,
      obs_keys=sorted(st.obs_spec.keys()))


def uniform_counter_actions(rng, st, batch, n):
  """Input actions: n uniform counter examples + the true action per row.

  These are *inputs* for the network components (not IBC's own sampling,
  which the langevin/train/policy components inject through RandomTape).
  """
  a = st.cfg.n_dim
  u = rng.random((batch, n, a), dtype=F32)
  lo, hi = st.sampling_lo, st.sampling_hi
  return (u * (hi - lo) + lo).astype(F32)


def combined_actions(counter, true_act):
  b, n, a = counter.shape
  return np.concatenate([counter, np.asarray(true_act)[:, None, :]],
                        axis=1).reshape(b * (n + 1), a).astype(F32)


def stack_records(records, field):
  return np.stack([r[field] for r in records])


def check_equal(what, a, b):
  a, b = np.asarray(a), np.asarray(b)
  if a.shape != b.shape or not np.array_equal(a, b):
    raise AssertionError('self-check failed: %s' % what)


def batched_time_step(tf_env_ts):
  """Adds a batch dim of 1 to a py TimeStep and converts it to tensors."""
  return tf.nest.map_structure(lambda x: tf.convert_to_tensor(np.asarray(x)[None]),
                               tf_env_ts)


def obs_norm_layers(norm_info):
  """Per-key StdNormalizationLayer inside the NestMap (unwrapping Sequential)."""
  out = {}
  for k, layer in norm_info.obs_norm_layer._nested_layers.items():  # pylint: disable=protected-access
    while not hasattr(layer, '_mean'):
      (layer,) = layer.layers
    out[k] = layer
  return out


def langevin_outputs(comp, records, prefix=''):
  """Writes the per-step Langevin record arrays; returns them."""
  k = len(records)
  arr = {f: stack_records(records, f) for f in taps.LANGEVIN_STEP_FIELDS}
  comp.add(prefix + 'init_actions', arr['actions_in'][0], 'output')
  comp.add(prefix + 'step_noise', arr['noise'], 'noise',
           note='N(0,1) draw of step k, shape [K, M, A]')
  comp.add(prefix + 'step_size', arr['stepsize'], 'output')
  comp.add(prefix + 'step_energies', arr['energies'], 'output',
           note='f(o, a_k) at the pre-step actions (ChainData.energies)')
  comp.add(prefix + 'step_de_dact', arr['de_dact'], 'output',
           note='gradient_wrt_act output = -df/da at the pre-step actions')
  comp.add(prefix + 'step_grad_norms', arr['grad_norms'], 'output',
           note='inf-norm of de_dact (ChainData.grad_norms)')
  comp.add(prefix + 'step_delta_pre_clip', arr['delta_pre_clip'], 'output')
  comp.add(prefix + 'step_delta_post_clip', arr['delta_post_clip'], 'output')
  comp.add(prefix + 'step_actions_pre_clip', arr['actions_pre_clip'],
           'output', note='a_k - delta_post_clip, before the [lo,hi] clip')
  comp.add(prefix + 'step_actions', arr['actions_out'], 'output',
           note='actions after step k (ChainData.actions)')
  comp.add(prefix + 'delta_clip', arr['delta_clip_hi'][0], 'output',
           note='c = delta_action_clip*0.5*(hi-lo) as the float32 clip bound')
  assert k > 0
  return arr


def run_langevin(st, obs_n, init, n, **extra):
  return mcmc.langevin_actions_given_obs(
      st.net, obs_n, init, policy_state=(),
      min_actions=st.sampling_spec.minimum,
      max_actions=st.sampling_spec.maximum, training=False, tfa_step_type=(),
      return_chain=True, grad_norm_type='inf', num_action_samples=n, **extra)
