"""The config families bench_tf.py times, each built as train_eval builds it.

particle: ibc/configs/particle/mlp_ebm_langevin.gin on Particle-v0 (the
  historical figures, top-level in the JSON);
push: ibc/configs/pushing_states/mlp_ebm.gin on BlockPush-v0 (task PUSH):
  uniform counter examples, no penalty, iterative DFO at inference;
d4rl: ibc/configs/d4rl/mlp_ebm_langevin_best.gin on door-human-v0: Langevin
  counter examples under the gradient, spectral norm, penalty, two Langevin
  chains at inference (optimize_again).
"""

import collections
import os

import gin

from ibc.environments.particle import particle  # pylint: disable=unused-import
from ibc.ibc.train import get_normalizers as normalizers_module
from ibc_bench import agent as agent_module
from ibc_bench import specs as specs_module

NAMES = ['particle', 'push', 'd4rl']


class Family(object):
  """What differs between families: config, env specs, expected chains."""

  name = None
  gin_file = None          # relative to the checkout (ibc/configs/...)
  gin_bindings = []
  env_name = None
  sequence_length = None   # train_eval.sequence_length of the config
  figures = ['langevin', 'train-step', 'inference']

  def specs(self, ibc_root, notes):
    raise NotImplementedError

  def build(self, ibc_root, notes):
    """Parses the config (clearing gin first) and builds the agent."""
    gin.clear_config()
    gin.parse_config_files_and_bindings(
        [os.path.join(ibc_root, self.gin_file)],
        self.gin_bindings, skip_unknown=True)
    specs = self.specs(ibc_root, notes)
    norm_info, _ = normalizers_module.get_normalizers(
        specs_module.synthetic_stream(specs), 32, self.env_name,
        num_samples=256)
    built = agent_module.Built(specs.obs, specs.act, specs.ts, norm_info,
                               self.sequence_length)
    built.time_step = specs_module.eval_time_step(specs)
    built.specs_source = specs.source
    return built

  @staticmethod
  def query(key, default):
    try:
      return gin.query_parameter(key)
    except ValueError:
      return default

  def langevin_steps(self):
    return int(self.query('langevin_actions_given_obs.num_iterations', 25))

  def shape(self, built):
    """The shape fields bench compare checks (TfBench.FAMILY_SHAPE_FIELDS)."""
    a = built.agent
    uses_langevin = (a._fraction_langevin_samples > 0 or  # pylint: disable=protected-access
                     a.collect_policy._use_langevin)  # pylint: disable=protected-access
    return collections.OrderedDict([
        ('family', self.name),
        ('batch', built.batch),
        ('counter_examples', built.num_counter),
        ('langevin_steps', self.langevin_steps() if uses_langevin else 0),
        ('width', int(gin.query_parameter('MLPEBM.width'))),
        ('depth', int(gin.query_parameter('MLPEBM.depth'))),
        ('obs_dim', built.obs_dim),
        ('action_dim', built.act_dim),
        ('inference_samples', built.policy_samples),
        ('spectral_norm', self.query('MLPEBM.dense_layer_type', 'regular')
         == 'spectral_norm'),
        ('grad_penalty', bool(a._add_grad_penalty)),  # pylint: disable=protected-access
    ])

  def expected_steps(self, built):
    """Langevin steps each timed path must run (counted before timing)."""
    k = self.langevin_steps()
    a = built.agent
    train = k if a._fraction_langevin_samples > 0 else 0  # pylint: disable=protected-access
    p = a.collect_policy
    infer = (k * (2 if p._optimize_again else 1)) if p._use_langevin else 0  # pylint: disable=protected-access
    return {'langevin': k, 'train-step': train, 'inference': infer}

  def descriptions(self, built):
    a = built.agent
    p = a.collect_policy
    k = self.langevin_steps()
    rows = built.batch * built.num_counter
    counter = ('%d Langevin steps under the tape' % k
               if a._fraction_langevin_samples > 0 else 'uniform')  # pylint: disable=protected-access
    if p._use_dfo:  # pylint: disable=protected-access
      infer = 'iterative DFO'
    else:
      infer = '%s x %d Langevin steps' % (
          '2 chains (optimize_again)' if p._optimize_again else '1 chain', k)  # pylint: disable=protected-access
    return {
        'langevin': 'mcmc.langevin_actions_given_obs, %d samples (%d obs x '
                    '%d) x %d steps, not recorded' % (
                        rows, built.batch, built.num_counter, k),
        'train-step': 'agent.train(experience) in tf.function (autograph), '
                      'B = %d, n = %d, counter examples %s, %s, legacy '
                      'Adam' % (built.batch, built.num_counter, counter,
                                'info_nce + grad penalty'
                                if a._add_grad_penalty else 'info_nce'),  # pylint: disable=protected-access
        'inference': 'agent.policy.action(time_step) in common.function: '
                     'GreedyPolicy(IbcPolicy), one observation, %d samples, '
                     '%s' % (built.policy_samples, infer),
    }


class Particle(Family):
  name = 'particle'
  gin_file = 'ibc/configs/particle/mlp_ebm_langevin.gin'
  gin_bindings = ['ParticleEnv.n_dim = 2']  # as the particle run script adds
  env_name = 'Particle-v0'
  sequence_length = 2

  def specs(self, ibc_root, notes):
    # Particle-v0 and ParticleEnv are registered at import (top of this
    # module), before gin parses the config and locks it.
    return specs_module.from_env(self.env_name, self.sequence_length, 0.02)

  def shape(self, built):
    """The version-1 particle shape fields (TfBench.SHAPE_FIELDS)."""
    return collections.OrderedDict([
        ('batch', built.batch), ('counter_examples', built.num_counter),
        ('langevin_steps', self.langevin_steps()),
        ('width', int(gin.query_parameter('MLPEBM.width'))),
        ('obs_dim', built.obs_dim), ('action_dim', built.act_dim),
        ('inference_samples', built.policy_samples)])


class Push(Family):
  """BlockPush-v0 from pybullet where it imports, else PUSH's .spec file."""
  name = 'push'
  gin_file = 'ibc/configs/pushing_states/mlp_ebm.gin'
  env_name = 'BlockPush-v0'  # get_env_name('PUSH', False)
  sequence_length = 2
  figures = ['train-step', 'inference']

  def specs(self, ibc_root, notes):
    if pybullet_is_real():
      # block_pushing loads its URDFs by paths relative to the checkout's
      # parent, where IBC's run scripts run.
      cwd = os.getcwd()
      os.chdir(os.path.dirname(ibc_root))
      try:
        return specs_module.from_env(self.env_name, self.sequence_length,
                                     0.02)
      finally:
        os.chdir(cwd)
    notes.append('push: pybullet is not installed, so BlockPush-v0 cannot '
                 'be built; its specs come from ibc/test_data/PUSH/'
                 'oracle_push_0.tfrecord.spec with HistoryWrapper\'s history '
                 'dimension and the env\'s action bounds [-0.1, 0.1]')
    return specs_module.from_spec_file(
        os.path.join(ibc_root, 'ibc', 'test_data', 'PUSH',
                     'oracle_push_0.tfrecord.spec'),
        self.sequence_length, -0.1, 0.1,
        'ibc/test_data/PUSH/oracle_push_0.tfrecord.spec')


class D4rl(Family):
  """door-human-v0's specs from its .spec file (d4rl and mujoco absent)."""
  name = 'd4rl'
  gin_file = 'ibc/configs/d4rl/mlp_ebm_langevin_best.gin'
  env_name = 'door-human-v0'  # get_env_name: a D4RL task is its own name
  sequence_length = 1

  def specs(self, ibc_root, notes):
    notes.append('d4rl: the D4RL env (d4rl, mujoco) is not built; the specs '
                 'come from ibc/test_data/door-human-v0/'
                 'door-human-v0_0.tfrecord.spec with HistoryWrapper\'s '
                 'history dimension (T = 1), the action bounded to [-1, 1] '
                 '(only the policy\'s final clip reads the bounds; the '
                 'sampling spec comes from the normalizers)')
    return specs_module.from_spec_file(
        os.path.join(ibc_root, 'ibc', 'test_data', 'door-human-v0',
                     'door-human-v0_0.tfrecord.spec'),
        self.sequence_length, -1.0, 1.0,
        'ibc/test_data/door-human-v0/door-human-v0_0.tfrecord.spec')


def pybullet_is_real():
  import sys  # pylint: disable=g-import-not-at-top
  m = sys.modules.get('pybullet')
  return m is not None and hasattr(m, 'connect')


def get(name):
  return {'particle': Particle, 'push': Push, 'd4rl': D4rl}[name]()
