"""Case state: what one case's components share.

CaseState collects the case's oracle shard with IBC's collection code,
computes the normalizers and the sampling spec, and builds MLPEBM and the
ImplicitBCAgent as train_eval does; MseState does the same under mlp_mse.gin
for the MSE components. Both carry the effective case config (seeds with the
seed offset added) and the gin contexts of the case.
"""

import contextlib
import gc
import os

import gin
import numpy as np
import tensorflow as tf
from tf_agents.train.utils import spec_utils
from tf_agents.train.utils import train_utils
from tf_agents.utils import example_encoding
from tf_agents.utils import example_encoding_dataset

from ibc.data import policy_eval  # pylint: disable=g-bad-import-order
from ibc.ibc.eval import eval_env as eval_env_module
from ibc.ibc.train import get_agent as get_agent_module
from ibc.ibc.train import get_cloning_network as cloning_network_module
from ibc.ibc.train import get_data as data_module
from ibc.ibc.train import get_normalizers as normalizers_module
from ibc.ibc.train import get_sampling_spec as sampling_spec_module
from ibc.ibc.train import stats as stats_module
from ibc.networks import mlp_ebm  # pylint: disable=unused-import
from ibc.networks import mlp_mse  # pylint: disable=unused-import
from ibc_export import cases as cases_lib
from ibc_export.helpers import WEIGHT_SHORT_NAMES
from ibc_export.helpers import mse_weight_names
from ibc_export.records import F32
from ibc_export.records import le_array


@contextlib.contextmanager
def gin_config(gin_file, bindings):
  """Parses gin_file (+ bindings) as the only gin config, as train_eval does."""
  gin.clear_config()
  gin.parse_config_files_and_bindings([gin_file], list(bindings),
                                      skip_unknown=True,
                                      finalize_config=False)
  try:
    yield
  finally:
    gin.clear_config()


def query_gin(binding):
  """A parameter of the parsed gin config, or None where it is not bound."""
  try:
    return gin.query_parameter(binding)
  except ValueError:
    return None


class TfrecordObservers(object):
  created = []


_ORIG_OBSERVER_INIT = example_encoding_dataset.TFRecordObserver.__init__


def _observer_init(self, *a, **k):
  _ORIG_OBSERVER_INIT(self, *a, **k)
  TfrecordObservers.created.append(self)


def install():
  """Remembers every TFRecordObserver so that it can be closed (fix 6)."""
  example_encoding_dataset.TFRecordObserver.__init__ = _observer_init


def collect_tfrecord(st, path):
  """Runs data/policy_eval.py:evaluate (the particle collection path)."""
  cfg = st.cfg
  with st.gin(['ParticleEnv.seed = %d' % cfg.collect_env_seed]):
    policy_eval.evaluate(
        num_episodes=cfg.collect_episodes,
        task='PARTICLE',
        use_image_obs=False,
        shared_memory=False,
        flatten_env=False,
        static_policy='particle_green_then_blue',
        dataset_path=path)
  for obs in TfrecordObservers.created:
    obs.close()
  TfrecordObservers.created = []
  gc.collect()


def read_tfrecord_records(path):
  """Decodes every record of a shard with tf-agents' example decoder."""
  spec = example_encoding_dataset.parse_encoded_spec_from_file(
      path + example_encoding_dataset._SPEC_FILE_EXTENSION)  # pylint: disable=protected-access
  decoder = example_encoding.get_example_decoder(spec)
  recs = [decoder(r) for r in tf.data.TFRecordDataset(path)]
  return spec, tf.nest.map_structure(lambda *xs: np.stack([x.numpy() for x in xs]),
                                     *recs)


class CaseState(object):
  """Everything one case's components share."""

  def __init__(self, ctx, case_cfg, tmpdir):
    self.ctx = ctx
    self.case = case_cfg.name
    self.base_cfg = case_cfg          # seeds as defined
    self.seed_offset = ctx.seed_offset
    self.cfg = case_cfg.with_seed_offset(ctx.seed_offset)  # effective seeds
    self.tmpdir = tmpdir
    # train_eval.seed; deterministic ops require one.
    tf.random.set_seed(cases_lib.TF_GLOBAL_SEED + self.seed_offset)
    self.tfrecord = os.path.join(tmpdir, self.case,
                                 '%dd_oracle_particle.tfrecord' %
                                 self.cfg.n_dim)
    os.makedirs(os.path.dirname(self.tfrecord), exist_ok=True)
    collect_tfrecord(self, self.tfrecord)
    self.spec, self.records = read_tfrecord_records(self.tfrecord)
    self.num_records = int(self.records.step_type.shape[0])

    with self.gin():
      env = eval_env_module.get_eval_env('Particle-v0', 2, 0.02, 1)
      self.obs_spec, self.act_spec, self.ts_spec = (
          spec_utils.get_tensor_specs(env))
      self.stats_batch = 32
      raw_fn = data_module.get_data_fns(
          self.tfrecord, sequence_length=2, replay_capacity=1,
          batch_size=self.stats_batch, for_rnn=False,
          dataset_eval_fraction=0.0, flatten_action=True)
      self.raw_train_data, _ = raw_fn()
      self.norm_info, self.norm_fn = normalizers_module.get_normalizers(
          self.raw_train_data, self.stats_batch, 'Particle-v0',
          num_samples=self.num_records)
      self.min_actions_raw = np.array(self.norm_info.min_actions, copy=True)
      self.max_actions_raw = np.array(self.norm_info.max_actions, copy=True)
      self.act_norm_calls = []

      def recording_act_norm(x):
        out = self.norm_info.act_norm_layer(x)
        self.act_norm_calls.append((np.array(x), out.numpy()))
        return out

      self.sampling_spec = sampling_spec_module.get_sampling_spec(
          self.act_spec,
          min_actions=np.array(self.min_actions_raw, copy=True),
          max_actions=np.array(self.max_actions_raw, copy=True),
          uniform_boundary_buffer=0.05,
          act_norm_layer=recording_act_norm)

      # Network and agent, as train_eval builds them.
      # Keras 2.15 initializers without a seed take theirs from Python's
      # `random`, so tf.random.set_seed alone does not fix the init:
      # set_random_seed seeds Python, NumPy and TF.
      tf.keras.utils.set_random_seed(self.cfg.weights_seed)
      tf.keras.backend.reset_uids()  # stable Keras layer/variable names
      self.net = cloning_network_module.get_cloning_network(
          'MLPEBM', self.obs_spec, self.act_spec, self.norm_info.obs_norm_layer,
          self.norm_info.act_norm_layer, 2, self.norm_info.act_denorm_layer)
      self.agent = self._make_agent(train_utils.create_train_step())
      self.num_counter = self.agent._num_counter_examples  # pylint: disable=protected-access
      self.policy_samples = self.agent.collect_policy._num_action_samples  # pylint: disable=protected-access
      self.langevin_k = gin.query_parameter(
          'langevin_actions_given_obs.num_iterations')
      self.width = gin.query_parameter('MLPEBM.width')
    self.variables = list(self.net.trainable_variables)
    if len(self.variables) != len(WEIGHT_SHORT_NAMES):
      raise ValueError(
          'case %s: the EBM components name MLPEBM\'s 8 variables of one '
          'ResNet block (depth 2); this config has %d variables' %
          (self.case, len(self.variables)))
    self.init_weights = [v.numpy() for v in self.variables]
    self.scaled_weights = [
        (w * F32(self.cfg.weight_scale)).astype(F32) for w in self.init_weights
    ]
    self.sampling_lo = F32(self.sampling_spec.minimum)
    self.sampling_hi = F32(self.sampling_spec.maximum)

  def fresh_agent(self):
    """A new agent (fresh optimizer and step counter) on the same network."""
    with self.gin():
      return self._make_agent(train_utils.create_train_step())

  def _make_agent(self, train_step, net=None):
    # Runtime fix: legacy Adam (see RUNTIME_FIXES).
    new_adam = tf.keras.optimizers.Adam
    tf.keras.optimizers.Adam = tf.keras.optimizers.legacy.Adam
    try:
      return get_agent_module.get_agent(
          'ebm', self.ts_spec, self.act_spec, self.sampling_spec,
          self.norm_info.obs_norm_layer, self.norm_info.act_norm_layer,
          self.norm_info.act_denorm_layer, learning_rate=1e-3,
          use_warmup=False,
          cloning_network=self.net if net is None else net,
          train_step=train_step, decay_steps=100)
    finally:
      tf.keras.optimizers.Adam = new_adam

  def set_weights(self, weights):
    for v, w in zip(self.variables, weights):
      v.assign(w)

  def mse(self):
    """The MSE agent's state for this case, built on first use."""
    if getattr(self, '_mse', None) is None:
      self._mse = MseState(self)
    return self._mse

  def normalized_batch(self, batch_size):
    """First batch_size windows of the normalized, unshuffled stream."""
    with self.gin():
      fn = data_module.get_data_fns(
          self.tfrecord, sequence_length=2, replay_capacity=1,
          batch_size=batch_size, for_rnn=False, dataset_eval_fraction=0.0,
          flatten_action=True, norm_function=self.norm_fn)
      data, _ = fn()
      (obs, act), _ = next(iter(data))
    return obs, act

  def raw_batch(self, batch_size):
    with self.gin():
      fn = data_module.get_data_fns(
          self.tfrecord, sequence_length=2, replay_capacity=1,
          batch_size=batch_size, for_rnn=False, dataset_eval_fraction=0.0,
          flatten_action=True)
      data, _ = fn()
      (obs, act), _ = next(iter(data))
    return obs, act

  def gin(self, extra=()):
    """mlp_ebm_langevin.gin (+ the case's bindings + extra) as gin config."""
    return gin_config(self.ctx.gin_file, self.cfg.extra_gin + list(extra))

  def gin_mse(self):
    """mlp_mse.gin (+ the case's MSE bindings) as gin config."""
    return gin_config(self.ctx.mse_gin_file, self.cfg.mse_extra_gin)

  def noise_seed(self, component):
    return cases_lib.noise_seed(self.cfg, component, self.seed_offset)

  def component_rng(self, component):
    return np.random.Generator(np.random.PCG64(self.noise_seed(component)))

  def gin_values(self):
    """The values the case's gin configs give the shorthand keys."""
    out = {}
    with self.gin():
      for binding in cases_lib.EBM_SHORTHANDS.values():
        out[binding] = query_gin(binding)
    with self.gin_mse():
      for binding in cases_lib.MSE_SHORTHANDS.values():
        out[binding] = query_gin(binding)
    return out


class MseState(object):
  """What the MSE components share: train_eval with mlp_mse.gin on the case's data.

  Same shard as the EBM components; the normalizers are recomputed under
  mlp_mse.gin, which (unlike mlp_ebm_langevin.gin) leaves
  compute_dataset_statistics.min_max_actions False: actions are z-scored and
  act_denorm_layer is a StdDenormalizationLayer.
  """

  def __init__(self, st):
    self.st = st
    self.case = st.case
    with st.gin_mse():
      raw_fn = data_module.get_data_fns(
          st.tfrecord, sequence_length=2, replay_capacity=1,
          batch_size=st.stats_batch, for_rnn=False,
          dataset_eval_fraction=0.0, flatten_action=True)
      raw_train_data, _ = raw_fn()
      self.norm_info, self.norm_fn = normalizers_module.get_normalizers(
          raw_train_data, st.stats_batch, 'Particle-v0',
          num_samples=st.num_records)
      self.sampling_spec = sampling_spec_module.get_sampling_spec(
          st.act_spec,
          min_actions=np.array(self.norm_info.min_actions, copy=True),
          max_actions=np.array(self.norm_info.max_actions, copy=True),
          uniform_boundary_buffer=0.05,
          act_norm_layer=self.norm_info.act_norm_layer)
      tf.keras.utils.set_random_seed(st.cfg.mse_weights_seed)
      tf.keras.backend.reset_uids()
      self.net = cloning_network_module.get_cloning_network(
          'MLPMSE', st.obs_spec, st.act_spec, self.norm_info.obs_norm_layer,
          self.norm_info.act_norm_layer, 2, self.norm_info.act_denorm_layer)
      self.agent = self._make_agent(train_utils.create_train_step())
      self.width = int(gin.query_parameter('MLPMSE.width'))
      self.depth = int(gin.query_parameter('MLPMSE.depth'))
      self.rate = float(gin.query_parameter('MLPMSE.rate'))
      self.layers = gin.query_parameter('MLPMSE.layers')
    assert isinstance(self.norm_info.act_denorm_layer,
                      stats_module.StdDenormalizationLayer)
    self.variables = list(self.net.trainable_variables)
    self.short_names = mse_weight_names(self.net)
    self.init_weights = [v.numpy() for v in self.variables]

  def fresh_agent(self):
    with self.st.gin_mse():
      return self._make_agent(train_utils.create_train_step())

  def _make_agent(self, train_step):
    new_adam = tf.keras.optimizers.Adam
    tf.keras.optimizers.Adam = tf.keras.optimizers.legacy.Adam
    try:
      return get_agent_module.get_agent(
          'mse', self.st.ts_spec, self.st.act_spec, self.sampling_spec,
          self.norm_info.obs_norm_layer, self.norm_info.act_norm_layer,
          self.norm_info.act_denorm_layer, learning_rate=1e-3,
          use_warmup=False,
          cloning_network=self.net,
          train_step=train_step, decay_steps=100)
    finally:
      tf.keras.optimizers.Adam = new_adam

  def set_weights(self, weights):
    for v, w in zip(self.variables, weights):
      v.assign(w)

  def normalized_batch(self, batch_size):
    with self.st.gin_mse():
      fn = data_module.get_data_fns(
          self.st.tfrecord, sequence_length=2, replay_capacity=1,
          batch_size=batch_size, for_rnn=False, dataset_eval_fraction=0.0,
          flatten_action=True, norm_function=self.norm_fn)
      data, _ = fn()
      (obs, act), _ = next(iter(data))
    return obs, act

  def params(self):
    return dict(
        width=self.width, depth=self.depth, rate=self.rate,
        layers=self.layers, activation='relu',
        obs_dim=int(4 * 2 * self.st.cfg.n_dim),
        action_dim=int(self.st.cfg.n_dim), sequence_length=2,
        obs_keys=sorted(self.st.obs_spec.keys()),
        gin_file='ibc/configs/particle/mlp_mse.gin',
        gin_bindings=list(self.st.cfg.mse_extra_gin))

  def add_weights(self, comp, out_dir, set_name, weights):
    """The MLPMSE variables as shared files weights/<case>/<set_name>/."""
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
