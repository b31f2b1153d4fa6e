"""EBM network components: MLPEBM forward and action gradient, observation
flatten, normalizer statistics, sampling bounds."""

import numpy as np
import tensorflow as tf
from tf_agents.specs import tensor_spec
from tf_agents.utils import nest_utils

from ibc.ibc.train import stats as stats_module  # pylint: disable=g-bad-import-order
from ibc_export import flat_normalizer
from ibc_export import taps
from ibc_export.helpers import add_obs
from ibc_export.helpers import add_weights
from ibc_export.helpers import check_equal
from ibc_export.helpers import combined_actions
from ibc_export.helpers import common_params
from ibc_export.helpers import net_tap_layers
from ibc_export.helpers import obs_norm_layers
from ibc_export.helpers import run_langevin
from ibc_export.helpers import uniform_counter_actions
from ibc_export.randomness import RandomTape
from ibc_export.records import Component
from ibc_export.records import F32
from ibc_export.taps import Log
from ibc_export.taps import layer_taps


def comp_mlp_ebm_forward(out, st):
  c = Component(out, 'mlp_ebm_forward', st.case,
                'ibc/networks/mlp_ebm.py:MLPEBM.call',
                'MLPEBM forward (training=False) with every intermediate of '
                'networks/layers/resnet.py:ResNetPreActivationLayer.call')
  st.set_weights(st.init_weights)
  b, n = st.cfg.fwd_examples, st.num_counter
  obs, act = st.normalized_batch(b)
  rng = st.component_rng('mlp_ebm_forward')
  actions = combined_actions(uniform_counter_actions(rng, st, b, n), act)
  tiled = nest_utils.tile_batch(obs, n + 1)
  with layer_taps(net_tap_layers(st.net)) as log:
    energy, _ = st.net((tiled, tf.constant(actions)), training=False)
  x = log['projection'][0].numpy()
  obs_dim = x.shape[1] - st.cfg.n_dim
  check_equal('forward actions', x[:, obs_dim:], actions)
  c.params(rows=int(x.shape[0]), examples=b, rows_per_example=n + 1,
           training=False, **common_params(st))
  c.seeds(weights=st.cfg.weights_seed,
          actions=st.noise_seed('mlp_ebm_forward'))
  if st.case == 'particle2d':
    c.note('%d rows (not the 4608 of a 512-batch) to keep the six [rows, 256] '
           'intermediates small' % (b * (n + 1)))
  c.note('obs rows are the first %d normalized training windows, each tiled '
         '%d times (tf_agents tile_batch); actions per example: %d uniform '
         'counter examples in [lo,hi] then the true action' % (b, n + 1, n))
  add_weights(c, out, st, 'init')
  c.add('obs', x[:, :obs_dim], 'input',
        note='flattened normalized obs (sorted keys, time-major)')
  c.add('actions', actions, 'input')
  c.add('net_input', x, 'output', note='concat([obs, actions], -1)')
  c.add('projection', log['projection'][1], 'output')
  c.add('relu1', log['relu1'][1], 'output')
  c.add('dense1', log['dense1'][1], 'output')
  c.add('relu2', log['relu2'][1], 'output')
  c.add('dense2', log['dense2'][1], 'output')
  c.add('residual', log['mlp'][1], 'output',
        note='projection + dense2 (ResNet block output, no activation)')
  c.add('head', log['head'][1], 'output', note='Dense(1) output [R,1]')
  c.add('energy', energy, 'output', note='squeezed head = f(o,a) [R]')
  return c


def comp_mlp_ebm_action_grad(out, st):
  c = Component(out, 'mlp_ebm_action_grad', st.case,
                'ibc/agents/mcmc.py:gradient_wrt_act',
                'dE/da as gradient_wrt_act returns it (= -df/da) and the '
                'energies f(o,a), training=False')
  st.set_weights(st.init_weights)
  b, n = st.cfg.grad_rows_examples, st.num_counter
  obs, act = st.normalized_batch(b)
  rng = st.component_rng('mlp_ebm_action_grad')
  actions = combined_actions(uniform_counter_actions(rng, st, b, n), act)
  tiled = nest_utils.tile_batch(obs, n + 1)
  de_dact, energies = taps.ORIG_MCMC['gradient_wrt_act'](
      st.net, tiled, tf.constant(actions), training=False, network_state=(),
      tfa_step_type=(), apply_exp=False)
  # The flattened obs the network saw, from an eager forward pass.
  with layer_taps({'projection': st.net._mlp._projection_layer}) as log:  # pylint: disable=protected-access
    st.net((tiled, tf.constant(actions)), training=False)
  x = log['projection'][0].numpy()
  obs_dim = x.shape[1] - st.cfg.n_dim
  c.params(rows=int(x.shape[0]), examples=b, rows_per_example=n + 1,
           training=False, apply_exp=False, **common_params(st))
  c.seeds(weights=st.cfg.weights_seed,
          actions=st.noise_seed('mlp_ebm_action_grad'))
  add_weights(c, out, st, 'init')
  c.add('obs', x[:, :obs_dim], 'input')
  c.add('actions', actions, 'input')
  c.add('de_dact', de_dact, 'output', note='= -df/da (IBC sign)')
  c.add('energies', energies, 'output')
  return c


def comp_obs_flatten(out, st):
  c = Component(out, 'obs_flatten', st.case, 'ibc/networks/mlp_ebm.py:MLPEBM.call',
                'observation normalization (StdNormalizationLayer per key via '
                'NestMap) and MLPEBM\'s flatten: sorted keys, time-major')
  st.set_weights(st.init_weights)
  b = st.cfg.train_batch
  raw_obs, raw_act = st.raw_batch(b)
  norm_obs, norm_act = st.normalized_batch(b)
  layer_out, _ = st.norm_info.obs_norm_layer(raw_obs)
  for k in norm_obs:
    check_equal('norm obs ' + k, layer_out[k], norm_obs[k])
  with layer_taps({'projection': st.net._mlp._projection_layer}) as log:  # pylint: disable=protected-access
    st.net((norm_obs, norm_act), training=False)
  x = log['projection'][0].numpy()
  obs_dim = x.shape[1] - st.cfg.n_dim
  c.params(batch=b, obs_keys=sorted(raw_obs.keys()), sequence_length=2,
           obs_dim=int(obs_dim), eps=float(stats_module.EPS))
  c.note('obs: the first %d windows of the unshuffled stream (see '
         'dataset_windows); mean/std from normalizer_stats' % b)
  layers = obs_norm_layers(st.norm_info)
  add_obs(c, 'raw_obs', raw_obs, 'input')
  for k in sorted(raw_obs.keys()):
    c.add('mean_' + k, layers[k]._mean, 'input')  # pylint: disable=protected-access
    c.add('std_' + k, layers[k]._std, 'input')  # pylint: disable=protected-access
  add_obs(c, 'norm_obs', norm_obs, 'output')
  c.add('actions', norm_act, 'input', note='normalized target actions')
  c.add('obs_flat', x[:, :obs_dim], 'output', note='[B, T*sum(d)]')
  c.add('net_input', x, 'output', note='concat([obs_flat, actions])')
  return c


def comp_normalizer_stats(out, st):
  c = Component(out, 'normalizer_stats', st.case,
                'ibc/train/stats.py:compute_dataset_statistics',
                'per-key obs mean/std (Chan, population std) and action '
                'min/max/mid/half (min_max_actions=True) as get_normalizers '
                'computes them')
  s = st.num_records
  samples = list(st.raw_train_data.unbatch().take(s))
  obs = {k: np.stack([o[k].numpy() for (o, _), _ in samples])
         for k in samples[0][0][0]}
  act = np.stack([a.numpy() for (_, a), _ in samples])
  layers = obs_norm_layers(st.norm_info)
  mm = st.norm_info.act_norm_layer
  c.params(num_samples=s, frames_per_key=2 * s, nested_obs=True,
           min_max_actions=True, use_sqrt_std=False,
           eps=float(stats_module.EPS))
  c.note('samples: get_data_fns(tfrecord_dataset shard, sequence_length=2, '
         'replay_capacity=1 i.e. no shuffle) -> get_normalizers(num_samples='
         '%d = number of records): windows (r_i, r_i+1) for i=0..%d of the '
         'shard in file order, wrapping at the end, with the episode-start '
         'padding of filter_episodes; every record is the newest frame once' %
         (s, s - 1))
  c.note('each window contributes its 2 frames (older first) to every obs '
         'key\'s running statistics, in window order')
  add_obs(c, 'window_obs', obs, 'input')
  c.add('window_actions', act, 'input', note='target = newest frame action')
  for k in sorted(obs.keys()):
    c.add('mean_' + k, layers[k]._mean, 'output')  # pylint: disable=protected-access
    c.add('std_' + k, layers[k]._std, 'output')  # pylint: disable=protected-access
  c.add('action_min', st.min_actions_raw, 'output')
  c.add('action_max', st.max_actions_raw, 'output')
  c.add('action_mid', np.asarray(mm._mean_range), 'output')  # pylint: disable=protected-access
  c.add('action_half', np.asarray(mm._half_range), 'output')  # pylint: disable=protected-access
  flat_normalizer.add_flat_obs_stats(c, st)
  return c


def comp_sampling_bounds(out, st):
  c = Component(out, 'sampling_bounds', st.case,
                'ibc/train/get_sampling_spec.py:get_sampling_spec',
                'buffered action bounds, env clip, normalized dim-0 scalar '
                'bounds and the Langevin delta clip')
  (bmin, nmin), (bmax, nmax) = st.act_norm_calls[:2]
  # Delta clip as langevin_step computes it: one 1-step chain, recorded.
  st.set_weights(st.init_weights)
  obs, _ = st.normalized_batch(1)
  with st.gin(), RandomTape(st.noise_seed('sampling_bounds')):
    with Log.collect() as log:
      init = tensor_spec.sample_spec_nest(st.sampling_spec, outer_dims=(2,))
      run_langevin(st, nest_utils.tile_batch(obs, 2), init, 2,
                   num_iterations=1)
      rec = log['langevin_step'][0]
  c.params(uniform_boundary_buffer=0.05, delta_action_clip=0.1,
           action_dim=int(st.cfg.n_dim))
  c.note('get_sampling_spec subtracts the buffer in place from the '
         'min_actions/max_actions numpy arrays it is given (train_eval passes '
         'norm_info.min_actions); the exporter passes copies')
  c.note('normalized bounds are act_norm_layer(buffered)[0]: dimension 0 of '
         'the normalized vector, used as a scalar for every dimension')
  c.note('delta clip c = 0.1*0.5*(hi-lo) is computed with numpy float64 on '
         'the spec\'s float32 bounds, then converted to float32 by '
         'tf.clip_by_value')
  c.add('min_actions', st.min_actions_raw, 'input')
  c.add('max_actions', st.max_actions_raw, 'input')
  c.add('env_action_minimum', np.asarray(st.act_spec.minimum, F32), 'input')
  c.add('env_action_maximum', np.asarray(st.act_spec.maximum, F32), 'input')
  mm = st.norm_info.act_norm_layer
  c.add('act_mid', np.asarray(mm._mean_range), 'input')  # pylint: disable=protected-access
  c.add('act_half', np.asarray(mm._half_range), 'input')  # pylint: disable=protected-access
  c.add('buffered_min', bmin, 'output', note='after the env clip')
  c.add('buffered_max', bmax, 'output', note='after the env clip')
  c.add('normalized_min_vector', nmin, 'output')
  c.add('normalized_max_vector', nmax, 'output')
  c.add('sampling_lo', np.asarray(st.sampling_spec.minimum, F32), 'output',
        note='spec.minimum (scalar, from dim 0)')
  c.add('sampling_hi', np.asarray(st.sampling_spec.maximum, F32), 'output')
  c.add('delta_clip', rec['delta_clip_hi'], 'output')
  return c
