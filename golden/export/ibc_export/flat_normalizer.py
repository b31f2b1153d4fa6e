"""The flat-observation normalizer path of get_normalizers (nested_obs=False,
as IBC's d4rl configs set it), on IBC's own D4RL test records.

Added to the normalizer_stats component as its flat_* tensors: IBC's d4rl
config file is the gin config (so compute_dataset_statistics.min_max_actions
and use_sqrt_std are the config's), the records come from the checkout's
ibc/test_data, and get_data_fns / get_normalizers run as train_eval calls
them, unshuffled (replay_capacity=1).
"""

import os

import numpy as np

from ibc.ibc.train import get_data as data_module  # pylint: disable=g-bad-import-order
from ibc.ibc.train import get_normalizers as normalizers_module
from ibc_export.state import gin_config
from ibc_export.state import query_gin

# Per case: (D4RL task, d4rl config, sequence_length, num_samples). Both d4rl
# configs, both shipped record files and T = 1 (the configs') and T = 2 (the
# loop over time steps). A case not listed takes particle2d's.
FLAT_CASES = {
    'particle2d': ('door-human-v0', 'mlp_ebm_langevin_best.gin', 1, 256),
    'small3d': ('kitchen-complete-v0', 'mlp_mse_best.gin', 1, 128),
    'odd5d': ('door-human-v0', 'mlp_mse_best.gin', 2, 101),
}
STATS_BATCH = 32


def add_flat_obs_stats(c, st):
  task, config, seq_len, s = FLAT_CASES.get(st.case, FLAT_CASES['particle2d'])
  root = st.ctx.ibc_root
  shard = os.path.join(root, 'ibc', 'test_data', task, task + '_0.tfrecord')
  gin_file = os.path.join(root, 'ibc', 'configs', 'd4rl', config)
  with gin_config(gin_file, []):
    min_max = bool(query_gin('compute_dataset_statistics.min_max_actions'))
    sqrt_std = bool(query_gin('compute_dataset_statistics.use_sqrt_std'))
    nested = bool(query_gin('get_normalizers.nested_obs'))
    fn = data_module.get_data_fns(
        shard, sequence_length=seq_len, replay_capacity=1,
        batch_size=STATS_BATCH, for_rnn=False, dataset_eval_fraction=0.0,
        flatten_action=True)
    data, _ = fn()
    norm_info, _ = normalizers_module.get_normalizers(
        data, STATS_BATCH, task, num_samples=s)
    samples = list(data.unbatch().take(s))
  obs = np.stack([o.numpy() for (o, _), _ in samples])
  act = np.stack([a.numpy() for (_, a), _ in samples])
  assert not nested and obs.ndim == 3, (nested, obs.shape)
  on = norm_info.obs_norm_layer
  an = norm_info.act_norm_layer
  c.params(flat_task=task, flat_gin='ibc/configs/d4rl/' + config,
           flat_sequence_length=seq_len, flat_num_samples=s,
           flat_nested_obs=nested, flat_min_max_actions=min_max,
           flat_use_sqrt_std=sqrt_std)
  c.note('flat_*: get_normalizers(nested_obs=False) under %s on the first %d '
         'windows (T=%d) of IBC\'s test_data/%s record, unshuffled: one '
         'StdNormalizationLayer over the whole observation, fed each window\'s '
         'T frames in order%s' % (
             config, s, seq_len, task,
             '; std is sqrt(std) (use_sqrt_std)' if sqrt_std else ''))
  c.add('flat_window_obs', obs, 'input', note='[S, T, D]')
  c.add('flat_window_actions', act, 'input', note='newest frame action')
  c.add('flat_obs_mean', on._mean, 'output')  # pylint: disable=protected-access
  c.add('flat_obs_std', on._std, 'output')  # pylint: disable=protected-access
  c.add('flat_norm_obs', on(obs).numpy(), 'output',
        note='obs_norm_layer on the windows (inference)')
  if min_max:
    c.add('flat_action_mid', np.asarray(an._mean_range), 'output')  # pylint: disable=protected-access
    c.add('flat_action_half', np.asarray(an._half_range), 'output')  # pylint: disable=protected-access
  else:
    c.add('flat_action_mean', an._mean, 'output')  # pylint: disable=protected-access
    c.add('flat_action_std', an._std, 'output')  # pylint: disable=protected-access
  c.add('flat_norm_actions', an(act).numpy(), 'output',
        note='act_norm_layer on the window actions')
