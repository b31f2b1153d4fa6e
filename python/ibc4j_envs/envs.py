"""IBC's environments, oracles and metrics, built the way IBC builds them (imports IBC; needs its stack).

- env: ibc/ibc/eval/eval_env.py get_env_name + suite_gym.load (D4RL: d4rl_utils.load_d4rl), and for block
  tasks in training's eval set_goal_dist_tolerance(train_eval.goal_tolerance), as get_eval_env does. The
  HistoryWrapper is not applied here: ibc4j stacks the history itself (train/EvalActor).
- oracles: data/policy_eval.py (particle_green_then_blue, get_oracle for REACH and PUSH), plus IBC's
  discontinuous and multimodal push oracles, which policy_eval.py cannot select.
- metrics: tf-agents' actor.eval_metrics(n) + env.get_metrics(n), fed every transition as tf-agents' driver
  feeds its observers (get_eval_actor.py, policy_eval.py).
"""
import numpy as np

from ibc4j_envs import wire
from ibc4j_envs.loop import RequestError

_DTYPES = {np.dtype(np.float32): wire.DT_FLOAT, np.dtype(np.float64): wire.DT_DOUBLE,
           np.dtype(np.int32): wire.DT_INT32, np.dtype(np.uint8): wire.DT_UINT8,
           np.dtype(np.int64): wire.DT_INT64, np.dtype(np.bool_): wire.DT_BOOL}
_NP = {v: k for k, v in _DTYPES.items()}
ORACLES = {'PARTICLE': 'particle_green_then_blue', 'PUSH': 'oracle_push', 'REACH': 'oracle_reach',
           'PUSH_DISCONTINUOUS': 'oracle_push_discontinuous', 'PUSH_MULTIMODAL': 'oracle_push_multimodal'}


def to_tensor(value):
  a = np.asarray(value)
  if a.dtype not in _DTYPES:
    raise RequestError('cannot send an array of dtype %s' % a.dtype)
  return wire.Tensor(_DTYPES[a.dtype], a.shape, np.ascontiguousarray(a).astype(a.dtype.newbyteorder('<')).tobytes())


def from_tensor(t):
  return np.frombuffer(t.content, dtype=_NP[t.dtype].newbyteorder('<')).astype(_NP[t.dtype]).reshape(t.shape)


def _bound(b, dtype):
  a = np.asarray(b, dtype=dtype)
  return {'shape': list(a.shape), 'values': [float(x) for x in a.reshape(-1)]}


def spec_json(spec):
  """A tf-agents ArraySpec (or a dict of them) as JSON: name, dtype, shape and, when bounded, the bounds."""
  if isinstance(spec, dict):
    return {'dict': {k: spec_json(v) for k, v in spec.items()}}
  leaf = {'name': spec.name, 'dtype': spec.dtype.name, 'shape': list(spec.shape)}
  if hasattr(spec, 'minimum'):
    leaf['minimum'] = _bound(spec.minimum, spec.dtype)
    leaf['maximum'] = _bound(spec.maximum, spec.dtype)
  return leaf


def _observation_tensors(obs):
  if isinstance(obs, dict):
    return {'observation/' + k: to_tensor(v) for k, v in obs.items()}
  return {'observation': to_tensor(obs)}


class Session:
  """One env (with its oracle and metrics) of one server process."""

  def __init__(self):
    # Imported here: the caller has put the checkout's parent on sys.path and checked the packages.
    from absl import flags  # pylint: disable=g-import-not-at-top
    import gin  # pylint: disable=g-import-not-at-top
    from ibc.ibc import tasks  # pylint: disable=g-import-not-at-top
    from ibc.ibc.eval import eval_env  # pylint: disable=g-import-not-at-top
    from ibc.environments.particle import particle  # pylint: disable=g-import-not-at-top,unused-import
    from tf_agents.environments import suite_gym  # pylint: disable=g-import-not-at-top
    from tf_agents.trajectories import policy_step  # pylint: disable=g-import-not-at-top
    from tf_agents.trajectories import trajectory  # pylint: disable=g-import-not-at-top
    from tf_agents.train import actor  # pylint: disable=g-import-not-at-top
    if not flags.FLAGS.is_parsed():
      flags.FLAGS(['ibc4j_envs'])  # IBC's modules define absl flags; their defaults apply
    self._gin, self._tasks, self._eval_env, self._suite_gym = gin, tasks, eval_env, suite_gym
    self._policy_step, self._trajectory, self._actor = policy_step, trajectory, actor
    self.env = None
    self.env_name = None
    self.oracle = None
    self.metrics = None
    self.time_step = None

  def make(self, args):
    if self.env is not None:
      raise RequestError('this server already serves %s; start one server per env' % self.env_name)
    task = args['task']
    self._gin.parse_config_files_and_bindings(None, args.get('gin_bindings') or [])
    self.env_name = self._eval_env.get_env_name(task, False, bool(args.get('use_image_obs', False)))
    if self.env_name in self._tasks.D4RL_TASKS:
      from ibc.ibc.eval import d4rl_utils  # pylint: disable=g-import-not-at-top
      self.env = d4rl_utils.load_d4rl(self.env_name)
    else:
      self.env = self._suite_gym.load(self.env_name)
    if args.get('goal_tolerance') is not None and 'Block' in self.env_name:
      self.env.set_goal_dist_tolerance(float(args['goal_tolerance']))
    if args.get('policy'):
      self.oracle = self._make_oracle(task, args['policy'])
    return {}, {'env_name': self.env_name, 'observation_spec': spec_json(self.env.observation_spec()),
                'action_spec': spec_json(self.env.action_spec())}

  def _make_oracle(self, task, policy):
    if ORACLES.get(task) != policy:
      raise RequestError('no oracle %r for task %s; IBC has %s' % (policy, task, ORACLES))
    if task == 'PARTICLE':
      from ibc.environments.particle import particle_oracles  # pylint: disable=g-import-not-at-top
      return particle_oracles.ParticleOracle(self.env)
    if task in ('PUSH', 'REACH'):
      from ibc.environments.collect.utils import get_oracle  # pylint: disable=g-import-not-at-top
      return get_oracle.get_oracle(self.env, task)
    if task == 'PUSH_DISCONTINUOUS':
      from ibc.environments.block_pushing.oracles import discontinuous_push_oracle as m  # pylint: disable=g-import-not-at-top
      return m.DiscontinuousOrientedPushOracle(self.env)
    from ibc.environments.block_pushing.oracles import multimodal_push_oracle as m  # pylint: disable=g-import-not-at-top
    return m.MultimodalOrientedPushOracle(self.env)

  def _need_env(self):
    if self.env is None:
      raise RequestError('no env yet: send make first')

  def _time_step_reply(self, ts):
    tensors = _observation_tensors(ts.observation)
    tensors['reward'] = to_tensor(np.asarray(ts.reward, np.float32))
    tensors['discount'] = to_tensor(np.asarray(ts.discount, np.float32))
    tensors['step_type'] = to_tensor(np.asarray(ts.step_type, np.int32))
    return tensors, {}

  def seed(self, args):
    self._need_env()
    self.env.seed(int(args['seed']))
    return {}, {}

  def reset(self, unused_args):
    self._need_env()
    self.time_step = self.env.reset()
    return self._time_step_reply(self.time_step)

  def step(self, tensors):
    self._need_env()
    if self.time_step is None:
      raise RequestError('step before reset')
    action = from_tensor(tensors['action'])
    spec = self.env.action_spec()
    if action.shape != spec.shape:
      raise RequestError('action of shape %s, the env takes %s' % (list(action.shape), list(spec.shape)))
    action = action.astype(spec.dtype)
    nxt = self.env.step(action)
    if self.metrics is not None:
      traj = self._trajectory.from_transition(self.time_step, self._policy_step.PolicyStep(action=action), nxt)
      for m in self.metrics:
        m(traj)
    self.time_step = nxt
    return self._time_step_reply(nxt)

  def oracle_action(self, unused_args):
    if self.oracle is None:
      raise RequestError('no oracle: make the env with a policy')
    if self.time_step is None:
      raise RequestError('oracle_action before reset')
    step = self.oracle.action(self.time_step, ())
    return {'action': to_tensor(np.asarray(step.action))}, {}

  def metrics_reset(self, args):
    self._need_env()
    n = int(args['num_episodes'])
    self.metrics = list(self._actor.eval_metrics(n))
    if self.env_name in self._tasks.D4RL_TASKS:
      if self.env_name in self._tasks.ADROIT_TASKS:
        from ibc.environments.d4rl import metrics as d4rl_metrics  # pylint: disable=g-import-not-at-top
        self.metrics.append(d4rl_metrics.D4RLSuccessMetric(env=self.env, buffer_size=n))
    else:
      env_metrics, _ = self.env.get_metrics(n)
      self.metrics += env_metrics
    return {}, {'names': [m.name for m in self.metrics]}

  def metric_results(self, unused_args):
    if self.metrics is None:
      raise RequestError('no metrics: send metrics_reset first')
    return {m.name: to_tensor(np.asarray(m.result())) for m in self.metrics}, {
        'names': [m.name for m in self.metrics]}

  def render(self, unused_args):
    self._need_env()
    return {'image': to_tensor(np.asarray(self.env.render('rgb_array'), np.uint8))}, {}

  def close(self):
    if self.env is not None:
      self.env.close()
    return {}, {}

  def handle(self, op, tensors, args):
    if op == 'make':
      return self.make(args)
    if op == 'step':
      return self.step(tensors)
    if op == 'close':
      return self.close()
    ops = {'seed': self.seed, 'reset': self.reset, 'oracle_action': self.oracle_action,
           'metrics_reset': self.metrics_reset, 'metrics': self.metric_results, 'render': self.render,
           'ping': lambda a: ({}, {})}
    if op not in ops:
      raise RequestError('unknown op %r' % op)
    return ops[op](args)
