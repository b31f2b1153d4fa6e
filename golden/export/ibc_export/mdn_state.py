"""MdnState: what the MDN components share.

IBC has no MDN config for the particle task, so the MDN components run
train_eval's construction path under the particle mlp_mse.gin (its
normalizers: z-scored actions, a StdDenormalizationLayer) with loss_type
'mdn', network 'MLPMDN' and the MLPMDN bindings below, on the case's shard.
"""

import os

import gin
import numpy as np
import tensorflow as tf
from tf_agents.train.utils import train_utils

from ibc.ibc.train import get_agent as get_agent_module  # pylint: disable=g-bad-import-order
from ibc.ibc.train import get_cloning_network as cloning_network_module
from ibc.ibc.train import stats as stats_module
from ibc.networks import mlp_mdn  # pylint: disable=unused-import
from ibc_export.helpers import weight_names
from ibc_export.records import le_array
from ibc_export.state import gin_config

# The two IBC MDN configs (d4rl/mlp_mdn.gin, pushing_states/mlp_mdn_best.gin)
# share layers, num_components and the Dense inits; d4rl's training
# temperature. The test temperature and variance exponent differ from the
# training ones (both configs keep 1.0 / the training value) so that a
# mix-up between them cannot pass.
MDN_BINDINGS = [
    "train_eval.loss_type = 'mdn'",
    "train_eval.network = 'MLPMDN'",
    "MLPMDN.layers = 'ResNetPreActivation'",
    'MLPMDN.rate = 0.1',
    'MLPMDN.num_components = 26',
    'MLPMDN.training_temperature = 2.5',
    'MLPMDN.test_temperature = 1.5',
    'MLPMDN.test_variance_exponent = 0.5',
]


def mdn(st):
  """The case's MdnState, built on first use."""
  if getattr(st, '_mdn', None) is None:
    st._mdn = MdnState(st)  # pylint: disable=protected-access
  return st._mdn  # pylint: disable=protected-access


class MdnState(object):
  """MLPMDN and the MdnBehavioralCloningAgent as train_eval builds them."""

  def __init__(self, st):
    self.st = st
    self.case = st.case
    ms = st.mse()  # the normalizers of mlp_mse.gin on the same shard
    self.norm_info, self.norm_fn = ms.norm_info, ms.norm_fn
    self.sampling_spec = ms.sampling_spec
    # MLPMDN's width / depth: the case's MLPMSE ones.
    self.bindings = list(MDN_BINDINGS) + [
        'MLPMDN.width = %d' % ms.width, 'MLPMDN.depth = %d' % ms.depth]
    with self.gin():
      tf.keras.utils.set_random_seed(st.cfg.mse_weights_seed)
      tf.keras.backend.reset_uids()
      self.net = cloning_network_module.get_cloning_network(
          'MLPMDN', st.obs_spec, st.act_spec, self.norm_info.obs_norm_layer,
          self.norm_info.act_norm_layer, 2, self.norm_info.act_denorm_layer)
      self.agent = self._make_agent(train_utils.create_train_step())
      q = gin.query_parameter
      self.config = dict(
          width=int(q('MLPMDN.width')), depth=int(q('MLPMDN.depth')),
          rate=float(q('MLPMDN.rate')), layers=q('MLPMDN.layers'),
          num_components=int(q('MLPMDN.num_components')),
          training_temperature=float(q('MLPMDN.training_temperature')),
          test_temperature=float(q('MLPMDN.test_temperature')),
          test_variance_exponent=float(q('MLPMDN.test_variance_exponent')))
    assert isinstance(self.norm_info.act_denorm_layer,
                      stats_module.StdDenormalizationLayer)
    self.variables = list(self.net.trainable_variables)
    self.short_names = weight_names(self.net, self.heads())
    self.init_weights = [v.numpy() for v in self.variables]

  def gin(self):
    """mlp_mse.gin + the case's MSE bindings + the MDN bindings."""
    return gin_config(self.st.ctx.mse_gin_file,
                      list(self.st.cfg.mse_extra_gin) + self.bindings)

  def heads(self):
    return [('mu', self.net.mu), ('logvar', self.net.logvar),
            ('pi', self.net.pi)]

  def fresh_agent(self):
    with self.gin():
      return self._make_agent(train_utils.create_train_step())

  def _make_agent(self, train_step):
    # Runtime fix: legacy Adam (see RUNTIME_FIXES).
    new_adam = tf.keras.optimizers.Adam
    tf.keras.optimizers.Adam = tf.keras.optimizers.legacy.Adam
    try:
      return get_agent_module.get_agent(
          'mdn', self.st.ts_spec, self.st.act_spec, self.sampling_spec,
          self.norm_info.obs_norm_layer, self.norm_info.act_norm_layer,
          self.norm_info.act_denorm_layer, learning_rate=1e-3,
          use_warmup=False, cloning_network=self.net,
          train_step=train_step, decay_steps=100)
    finally:
      tf.keras.optimizers.Adam = new_adam

  def set_weights(self, weights):
    for v, w in zip(self.variables, weights):
      v.assign(w)

  def normalized_batch(self, batch_size):
    return self.st.mse().normalized_batch(batch_size)

  def params(self):
    out = dict(self.config)
    out.update(
        activation='relu', obs_dim=int(4 * 2 * self.st.cfg.n_dim),
        action_dim=int(self.st.cfg.n_dim), sequence_length=2,
        obs_keys=sorted(self.st.obs_spec.keys()),
        gin_file='ibc/configs/particle/mlp_mse.gin',
        gin_bindings=list(self.st.cfg.mse_extra_gin) + self.bindings)
    return out

  def add_weights(self, comp, out_dir, set_name, weights):
    """The MLPMDN variables as shared files weights/<case>/<set_name>/."""
    rel_dir = os.path.join('weights', self.case, set_name)
    os.makedirs(os.path.join(out_dir, rel_dir), exist_ok=True)
    for short, w, v in zip(self.short_names, weights, self.variables):
      rel = os.path.join(rel_dir, short + '.npy')
      np.save(os.path.join(out_dir, rel), le_array(w, '<f4'),
              allow_pickle=False)
      comp.add_shared(short, rel, 'weight', keras_name=v.name,
                      weight_set=set_name)
    comp.params(weight_set=set_name)

  def add_act_norm(self, comp):
    layer = self.norm_info.act_denorm_layer
    comp.add('act_mean', layer._mean, 'input')  # pylint: disable=protected-access
    comp.add('act_std', layer._std, 'input')  # pylint: disable=protected-access
