"""A stdlib-only stand-in for the bridge server, for ibc4j's CI (no TensorFlow, pybullet or IBC).

It speaks the real protocol and serves a toy env with BlockPush-v0's observation and action specs: the effector
moves by the clipped action, success is the effector within 0.02 of the target, episodes end on success or
after --episode_length steps. Its oracle steps towards the target. Made with use_image_obs it is the
BlockPushRgb-v0 stand-in: observation 'rgb' is a small uint8 [--image_height, --image_width, 3] render (a grey
floor, the target as a green and the effector as a red square), so the pixel path runs without pybullet. Failures can be injected:
--setup_error MSG (exit 2 after a setup error frame), --crash_on_step K / --hang_on_step K (the K-th step of
this process; with --once FILE only while FILE does not exist, which the failure then creates),
--stdout_noise (prints to stdout, which must not reach the frames).
"""
import argparse
import math
import os
import random
import sys
import time

from ibc4j_envs import PROTOCOL_VERSION
from ibc4j_envs import loop
from ibc4j_envs import wire

PI2 = 2 * math.pi
SPEC = {
    'block_translation': ([2], -5.0, 5.0), 'block_orientation': ([1], -PI2, PI2),
    'effector_translation': ([2], [0.05, -0.6], [0.8, 0.6]),
    'effector_target_translation': ([2], [0.05, -0.6], [0.8, 0.6]),
    'target_translation': ([2], -5.0, 5.0), 'target_orientation': ([1], -PI2, PI2)}


def _f32(x):
  return wire.values_of(wire.tensor_of(wire.DT_FLOAT, [1], [x]))[0]


def _bound(shape, b):
  values = b if isinstance(b, list) else [b]
  return {'shape': [len(values)] if isinstance(b, list) else [], 'values': [_f32(v) for v in values]}


def _leaf(name, shape, lo, hi):
  return {'name': name, 'dtype': 'float32', 'shape': shape, 'minimum': _bound(shape, lo),
          'maximum': _bound(shape, hi)}


class FakeEnv:
  """The toy env, its oracle and IBC-named metrics (means over the last n episodes)."""

  def __init__(self, opts):
    self.opts = opts
    self.rng = random.Random(0)
    self.steps_in_process = 0
    self.episodes = None
    self.made = False
    self.images = False

  def _image(self):
    """The scene drawn into [H, W, 3] uint8, row-major (what BlockPushRgb's render gives, in small)."""
    h, w = self.opts.image_height, self.opts.image_width
    px = [90] * (h * w * 3)

    def square(pos, rgb):
      cy = int(round((pos[0] - 0.0) / 0.6 * (h - 1)))
      cx = int(round((pos[1] + 0.6) / 1.2 * (w - 1)))
      for y in range(max(0, cy - 1), min(h, cy + 2)):
        for x in range(max(0, cx - 1), min(w, cx + 2)):
          px[(y * w + x) * 3:(y * w + x) * 3 + 3] = rgb

    square(self.target, [40, 200, 60])
    square(self.effector, [220, 40, 40])
    return px

  def _obs(self):
    return {'block_translation': self.effector, 'block_orientation': [0.0],
            'effector_translation': self.effector, 'effector_target_translation': self.effector,
            'target_translation': self.target, 'target_orientation': [0.0]}

  def _reply(self, step_type, reward, discount):
    t = {'observation/' + k: wire.tensor_of(wire.DT_FLOAT, [len(v)], v) for k, v in self._obs().items()}
    if self.images:
      t['observation/rgb'] = wire.tensor_of(wire.DT_UINT8, [self.opts.image_height, self.opts.image_width, 3],
                                            self._image())
    t['reward'] = wire.tensor_of(wire.DT_FLOAT, [], [reward])
    t['discount'] = wire.tensor_of(wire.DT_FLOAT, [], [discount])
    t['step_type'] = wire.tensor_of(wire.DT_INT32, [], [step_type])
    self.step_type = step_type
    return t, {}

  def _distance(self):
    return math.hypot(self.effector[0] - self.target[0], self.effector[1] - self.target[1])

  def _inject(self, kind):
    if self.opts.once:
      if os.path.exists(self.opts.once):
        return
      open(self.opts.once, 'w').close()
    sys.stderr.write('fake env: %s at step %d\n' % (kind, self.steps_in_process))
    sys.stderr.flush()
    if kind == 'crash':
      os._exit(7)  # pylint: disable=protected-access
    while True:
      time.sleep(3600)

  def handle(self, op, tensors, args):
    if self.opts.stdout_noise:
      print('noise on stdout from op', op)
      os.write(1, b'raw noise on fd 1\n')
    if op == 'make':
      if args.get('task') not in ('PUSH', 'FAKE'):
        raise loop.RequestError('the fake serves PUSH only, not %s' % args.get('task'))
      self.made = True
      self.oracle = bool(args.get('policy'))
      self.images = bool(args.get('use_image_obs'))
      obs = {'dict': {k: _leaf('observation/' + k, *v) for k, v in SPEC.items()}}
      if self.images:
        obs['dict']['rgb'] = {'name': 'observation/rgb', 'dtype': 'uint8',
                              'shape': [self.opts.image_height, self.opts.image_width, 3],
                              'minimum': {'shape': [], 'values': [0.0]}, 'maximum': {'shape': [], 'values': [255.0]}}
      return {}, {'env_name': 'BlockPushRgb-v0' if self.images else 'BlockPush-v0', 'observation_spec': obs,
                  'action_spec': _leaf('action', [2], -0.1, 0.1)}
    if op in ('seed', 'reset', 'step', 'oracle_action', 'metrics_reset', 'metrics', 'render') and not self.made:
      raise loop.RequestError('no env yet: send make first')
    if op == 'seed':
      self.rng = random.Random(int(args['seed']))
      return {}, {}
    if op == 'reset' or (op == 'step' and getattr(self, 'step_type', None) == 2):
      # tf-agents' PyEnvironment: a step on a LAST time step resets and ignores the action.
      self.t = 0
      self.ret = 0.0
      self.effector = [_f32(0.3), _f32(0.0)]
      self.target = [_f32(0.3 + self.rng.uniform(-0.3, 0.3)), _f32(self.rng.uniform(-0.3, 0.3))]
      return self._reply(0, 0.0, 1.0)
    if op == 'step':
      self.steps_in_process += 1
      if self.steps_in_process == self.opts.crash_on_step:
        self._inject('crash')
      if self.steps_in_process == self.opts.hang_on_step:
        self._inject('hang')
      a = wire.values_of(tensors['action'])
      if len(a) != 2:
        raise loop.RequestError('action of shape %s, the env takes [2]' % list(tensors['action'].shape))
      self.effector = [_f32(e + max(-0.1, min(0.1, x))) for e, x in zip(self.effector, a)]
      self.t += 1
      success = self._distance() < 0.02
      last = success or self.t >= self.opts.episode_length
      reward = 1.0 if success else 0.0
      self.ret += reward
      if last and self.episodes is not None:
        self.episodes.append((self.ret, self.t, self._distance(), 1.0 if success else 0.0))
        del self.episodes[:-self.n]
      return self._reply(2 if last else 1, reward, 0.0 if last else 1.0)
    if op == 'oracle_action':
      if not self.oracle:
        raise loop.RequestError('no oracle: make the env with a policy')
      d = [max(-0.1, min(0.1, g - e)) for g, e in zip(self.target, self.effector)]
      return {'action': wire.tensor_of(wire.DT_FLOAT, [2], d)}, {}
    if op == 'metrics_reset':
      self.n = int(args['num_episodes'])
      self.episodes = []
      return {}, {'names': NAMES}
    if op == 'metrics':
      out = {}
      for i, name in enumerate(NAMES):
        vals = [e[i] for e in self.episodes]
        out[name] = wire.tensor_of(wire.DT_DOUBLE, [], [sum(vals) / len(vals) if vals else 0.0])
      return out, {'names': NAMES}
    if op == 'render':
      return {'image': wire.tensor_of(wire.DT_UINT8, [2, 3, 3], [self.t % 256] * 18)}, {}
    if op in ('ping', 'close'):
      return {}, {}
    raise loop.RequestError('unknown op %r' % op)


NAMES = ['AverageReturn', 'AverageEpisodeLength', 'AverageFinalGoalDistance', 'AverageSuccessMetric']


def main(argv):
  inp, out = loop.take_stdout()
  p = argparse.ArgumentParser(prog='ibc4j_envs.fake_server')
  p.add_argument('--ibc_root', default=None)
  p.add_argument('--task', action='append', default=[])
  p.add_argument('--episode_length', type=int, default=5)
  p.add_argument('--image_height', type=int, default=12)
  p.add_argument('--image_width', type=int, default=16)
  p.add_argument('--setup_error', default=None)
  p.add_argument('--crash_on_step', type=int, default=0)
  p.add_argument('--hang_on_step', type=int, default=0)
  p.add_argument('--once', default=None)
  p.add_argument('--stdout_noise', action='store_true')
  opts = p.parse_args(argv)
  if opts.setup_error:
    loop.send_setup_error_and_exit(out, opts.setup_error)
  loop.send(out, payload={'protocol': PROTOCOL_VERSION, 'server': 'fake', 'pid': os.getpid()})
  return loop.serve(FakeEnv(opts).handle, inp, out)


if __name__ == '__main__':
  sys.exit(main(sys.argv[1:]))
