"""IBC's network and agent, built as train_eval builds them."""

import gin
import numpy as np
import tensorflow as tf
from tf_agents.specs import tensor_spec
from tf_agents.train.utils import train_utils
from tf_agents.utils import common
from tf_agents.utils import nest_utils

from ibc.ibc.agents import mcmc
from ibc.ibc.train import get_agent as get_agent_module
from ibc.ibc.train import get_cloning_network as cloning_network_module
from ibc.ibc.train import get_sampling_spec as sampling_spec_module
from ibc.networks import mlp_ebm  # pylint: disable=unused-import

ADAM_NOTE = ('get_agent: tf.keras.optimizers.Adam points at '
             'tf.keras.optimizers.legacy.Adam while the agent is built (the '
             'optimizer IBC ran on TF 2.6)')
# train_eval's defaults for what the configs may leave unbound.
TRAIN_EVAL_DEFAULTS = {'learning_rate': 1e-3, 'decay_steps': 100,
                       'uniform_boundary_buffer': 0.05, 'batch_size': 512}


def train_eval_param(name):
  try:
    return gin.query_parameter('train_eval.' + name)
  except ValueError:
    return TRAIN_EVAL_DEFAULTS[name]


class Built(object):
  """Sampling spec, MLPEBM, agent, a training batch and the chain inputs."""

  def __init__(self, obs_spec, act_spec, ts_spec, norm_info, seq_len, seed=0):
    self.obs_spec, self.act_spec, self.ts_spec = obs_spec, act_spec, ts_spec
    self.norm_info = norm_info
    self.batch = int(train_eval_param('batch_size'))
    self.sampling_spec = sampling_spec_module.get_sampling_spec(
        act_spec, min_actions=norm_info.min_actions,
        max_actions=norm_info.max_actions,
        uniform_boundary_buffer=train_eval_param('uniform_boundary_buffer'),
        act_norm_layer=norm_info.act_norm_layer)
    self.net = cloning_network_module.get_cloning_network(
        'MLPEBM', obs_spec, act_spec, norm_info.obs_norm_layer,
        norm_info.act_norm_layer, seq_len, norm_info.act_denorm_layer)
    new_adam = tf.keras.optimizers.Adam
    tf.keras.optimizers.Adam = tf.keras.optimizers.legacy.Adam  # runtime fix
    try:
      self.agent = get_agent_module.get_agent(
          'ebm', ts_spec, act_spec, self.sampling_spec,
          norm_info.obs_norm_layer, norm_info.act_norm_layer,
          norm_info.act_denorm_layer, train_eval_param('learning_rate'),
          False, self.net, train_utils.create_train_step(),
          train_eval_param('decay_steps'))
    finally:
      tf.keras.optimizers.Adam = new_adam
    self.num_counter = self.agent._num_counter_examples  # pylint: disable=protected-access
    self.policy_samples = self.agent.collect_policy._num_action_samples  # pylint: disable=protected-access
    self.obs_dim = int(sum(
        np.prod(s.shape) for s in tf.nest.flatten(obs_spec)))
    self.act_dim = int(np.prod(act_spec.shape))
    # A training batch in normalized space, as the Learner's dataset yields
    # (shapes matter here, not data).
    rng = np.random.default_rng(seed)
    obs_b = tf.nest.map_structure(
        lambda s: tf.constant(rng.standard_normal(
            (self.batch,) + tuple(s.shape)).astype(np.float32)), obs_spec)
    act_b = tf.constant(rng.uniform(-1, 1, (self.batch,) + tuple(
        act_spec.shape)).astype(np.float32))
    self.experience = (obs_b, act_b)
    # The Langevin chain's inputs, as _make_counter_example_actions builds
    # them (obs tiled n times, uniform init from the sampling spec).
    self.chain_obs = nest_utils.tile_batch(obs_b, self.num_counter)
    init = tensor_spec.sample_spec_nest(
        self.sampling_spec, outer_dims=(self.batch, self.num_counter))
    self.chain_init = tf.reshape(init, (self.batch * self.num_counter, -1))
    self.time_step = None  # one eval observation, set by the family

  def langevin(self):
    return mcmc.langevin_actions_given_obs(
        self.net, self.chain_obs, self.chain_init, policy_state=(),
        min_actions=self.sampling_spec.minimum,
        max_actions=self.sampling_spec.maximum, training=False,
        tfa_step_type=(), return_chain=False,
        grad_norm_type=self.agent._grad_norm_type,  # pylint: disable=protected-access
        num_action_samples=self.num_counter)

  def calls(self, figures):
    """Fresh compiled callables for `figures` of the three IBC paths."""
    train = common.function(self.agent.train, autograph=True)
    action = common.function(self.agent.policy.action)
    all_calls = {
        'langevin': lambda: self.langevin().numpy(),
        'train-step': lambda: train(self.experience).loss.numpy(),
        'inference': lambda: action(self.time_step).action.numpy(),
    }
    return {f: all_calls[f] for f in figures}
