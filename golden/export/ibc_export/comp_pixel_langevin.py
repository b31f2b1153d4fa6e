"""PixelEBM under pixel_ebm_langevin.gin's agent: grad_penalty alone, and one
ImplicitBCAgent training step (Langevin counter examples with late fusion,
info_nce + the final-sample gradient penalty, legacy Adam).

ibc/configs/pushing_pixels/pixel_ebm_langevin.gin is parsed from the checkout
as train_eval parses it (skip_unknown), so every ImplicitBCAgent,
langevin_actions_given_obs (num_iterations 100, late_fusion) and grad_penalty
binding is IBC's; sizes are shrunk by bindings (DenseResnetValue.width 64,
small images as comp_pixel's). small3d only: the encoder's convs are IBC's
widths (about 390k weights), so each stored weight or gradient set is 1.5 MB.
"""

import contextlib
import os

import gin
import numpy as np
import tensorflow as tf
from tf_agents.specs import tensor_spec
from tf_agents.train.utils import train_utils
from tf_agents.trajectories import time_step as ts

from ibc.ibc.train import get_agent as get_agent_module  # pylint: disable=g-bad-import-order
from ibc.networks import pixel_ebm
from ibc_export import comp_pixel
from ibc_export import taps
from ibc_export.comp_training import adam_state
from ibc_export.comp_training import captured_update
from ibc_export.helpers import check_equal
from ibc_export.helpers import stack_records
from ibc_export.randomness import RandomTape
from ibc_export.records import Component
from ibc_export.records import F32
from ibc_export.records import le_array
from ibc_export.taps import LANGEVIN_STEP_FIELDS
from ibc_export.taps import Log
from ibc_export.taps import Stash
from ibc_export.taps import counter_example_tap

GIN_PATH = ('ibc', 'configs', 'pushing_pixels', 'pixel_ebm_langevin.gin')
VALUE_WIDTH = 64   # the config binds 1024 (num_blocks 1 is kept)
SHAPES = {'small3d': dict(raw=(32, 40), target=(24, 32), b=3)}
WEIGHTS_SEED = {'small3d': 21}
NOISE_SEED = {'small3d': 2111}
# IBC's init leaves |df/da| far below the margin of 1; the value network's
# kernels and biases are scaled so that rows fall on both sides of it.
VALUE_SCALE = 5.3
SAMPLING_LO, SAMPLING_HI = F32(-1.1), F32(1.1)  # min-max actions, 5% buffer


def _shape(st):
  if st.case not in SHAPES:
    raise ValueError('pixel Langevin components are defined for %s, not %s' %
                     (sorted(SHAPES), st.case))
  return SHAPES[st.case]


@contextlib.contextmanager
def _gin(st, shape):
  th, tw = shape['target']
  gin.clear_config()
  gin.parse_config_files_and_bindings(
      [os.path.join(st.ctx.ibc_root, *GIN_PATH)],
      ['DenseResnetValue.width = %d' % VALUE_WIDTH,
       'PixelEBM.target_height = %d' % th, 'PixelEBM.target_width = %d' % tw],
      skip_unknown=True, finalize_config=False)
  try:
    yield
  finally:
    gin.clear_config()


def _value_variables(net):
  return {v.ref() for v in net._value.trainable_variables}  # pylint: disable=protected-access


class _Setup(object):
  """PixelEBM + ImplicitBCAgent as get_agent builds them, scaled weights."""

  def __init__(self, st):
    self.shape = _shape(st)
    self.obs_spec, self.act_spec = comp_pixel._specs(self.shape)  # pylint: disable=protected-access
    th, tw = self.shape['target']
    with _gin(st, self.shape):
      tf.keras.utils.set_random_seed(WEIGHTS_SEED[st.case])
      self.net = pixel_ebm.PixelEBM(
          self.obs_spec, self.act_spec, encoder_network='ConvMaxpoolEncoder',
          value_network='DenseResnetValue', target_height=th, target_width=tw)
      agent = self.fresh_agent(st)  # builds the variables
      self.num_counter = agent._num_counter_examples  # pylint: disable=protected-access
      self.langevin_k = gin.query_parameter(
          'langevin_actions_given_obs.num_iterations')
      self.margin = gin.query_parameter('grad_penalty.grad_margin')
    self.variables = list(self.net.trainable_variables)
    value = _value_variables(self.net)
    self.weights = [(v.numpy() * F32(VALUE_SCALE)).astype(F32)
                    if v.ref() in value else v.numpy() for v in self.variables]
    layers = [(nm, self.net._encoder.get_layer(nm))  # pylint: disable=protected-access
              for nm in comp_pixel.CONV_NAMES]
    layers += comp_pixel._value_layers(self.net._value)  # pylint: disable=protected-access
    self.names = [n for n, _ in comp_pixel._named_weights(layers, self.variables)]  # pylint: disable=protected-access
    self.is_value = [v.ref() in value for v in self.variables]
    self.set_weights()

  def fresh_agent(self, st):
    """get_agent('ebm', ...) under the pixel gin config (legacy Adam)."""
    sampling = tensor_spec.BoundedTensorSpec(
        self.act_spec.shape, tf.float32, minimum=SAMPLING_LO,
        maximum=SAMPLING_HI)
    new_adam = tf.keras.optimizers.Adam
    tf.keras.optimizers.Adam = tf.keras.optimizers.legacy.Adam
    try:
      return get_agent_module.get_agent(
          'ebm', ts.time_step_spec(self.obs_spec), self.act_spec, sampling,
          None, None, None, learning_rate=1e-3, use_warmup=False,
          cloning_network=self.net,
          train_step=train_utils.create_train_step(), decay_steps=100)
    finally:
      tf.keras.optimizers.Adam = new_adam

  def set_weights(self):
    for v, w in zip(self.variables, self.weights):
      v.assign(w)

  def params(self, c, b):
    th, tw = self.shape['target']
    c.params(batch=b, num_counter_examples=int(self.num_counter),
             num_iterations=int(self.langevin_k), grad_margin=float(self.margin),
             sequence_length=comp_pixel.SEQUENCE_LENGTH,
             raw_height=self.shape['raw'][0], raw_width=self.shape['raw'][1],
             target_height=th, target_width=tw,
             action_dim=comp_pixel.ACTION_DIM,
             encoder_network='ConvMaxpoolEncoder',
             value_network='DenseResnetValue', value_width=VALUE_WIDTH,
             value_num_blocks=len(self.net._value.blocks),  # pylint: disable=protected-access
             value_weight_scale=VALUE_SCALE,
             sampling_lo=float(SAMPLING_LO), sampling_hi=float(SAMPLING_HI),
             gin_file='/'.join(GIN_PATH),
             gin_bindings=['DenseResnetValue.width = %d' % VALUE_WIDTH])

  def add_weights(self, c, out_dir, case):
    """The scaled weights, one shared file set for both components."""
    rel_dir = os.path.join('weights', case, 'pixel_langevin')
    os.makedirs(os.path.join(out_dir, rel_dir), exist_ok=True)
    for name, w, v in zip(self.names, self.weights, self.variables):
      rel = os.path.join(rel_dir, name + '.npy')
      np.save(os.path.join(out_dir, rel), le_array(w, '<f4'),
              allow_pickle=False)
      c.add_shared(name, rel, 'weight', keras_name=v.name,
                   weight_set='pixel_langevin')

  def add_grads(self, c, prefix, grads, value_only=False):
    """Gradients per variable; value_only: the encoder's are asserted to be
    exact zeros and recorded as one max |g| scalar."""
    enc_amax = 0.0
    for name, g, is_value, v in zip(self.names, grads, self.is_value,
                                    self.variables):
      g = np.zeros(v.shape, F32) if g is None else np.asarray(g)
      if value_only and not is_value:
        enc_amax = max(enc_amax, float(np.max(np.abs(g))))
        continue
      c.add(prefix + name, g, 'output')
    if value_only:
      if enc_amax != 0.0:
        raise AssertionError('self-check failed: %sencoder is not zero' % prefix)
      c.add(prefix + 'encoder_amax', np.float32(enc_amax), 'output',
            note='max |g| over every encoder variable: exactly 0 (the '
            'penalty reaches the encoding only through ReLU masks)')


def _inputs(st, shape, n, rng_offset):
  rng = np.random.Generator(np.random.PCG64(NOISE_SEED[st.case] + rng_offset))
  h, w = shape['raw']
  b = shape['b']
  rgb = rng.integers(0, 256, size=(b, comp_pixel.SEQUENCE_LENGTH, h, w, 3),
                     dtype=np.uint8)
  frames = tf.image.convert_image_dtype(tf.constant(rgb), tf.float32)
  flat = frames.numpy().reshape((-1, h, w, 3))
  from ibc.ibc.train import stats as stats_module  # pylint: disable=g-import-not-at-top
  mean = flat.mean(axis=0).astype(F32)
  std = flat.std(axis=0).astype(F32)
  normalized = stats_module.StdNormalizationLayer(mean=mean, std=std)(frames)
  true_act = rng.uniform(-1., 1., size=(b, comp_pixel.ACTION_DIM)).astype(F32)
  combined = rng.uniform(SAMPLING_LO, SAMPLING_HI,
                         size=(b * (n + 1), comp_pixel.ACTION_DIM)).astype(F32)
  return rgb, mean, std, normalized, true_act, combined


def comp_pixel_grad_penalty(out, st):
  c = Component(out, 'pixel_grad_penalty', st.case,
                'ibc/losses/gradient_loss.py:grad_penalty on '
                'ibc/networks/pixel_ebm.py:PixelEBM',
                'grad_penalty (only_apply_final_grad_penalty, margin 1, '
                'inf-norm, squared) on a PixelEBM at fixed actions, '
                'training=True, and the gradient of its batch mean with '
                'respect to every variable (double backprop)')
  s = _Setup(st)
  b = s.shape['b']
  n = s.num_counter
  rgb, mean, std, normalized, _, combined = _inputs(st, s.shape, n, 0)
  obs = {'rgb': normalized}
  with _gin(st, s.shape), Stash.scope() as stash:
    with tf.GradientTape() as tape:
      penalty = taps._ORIG_GRAD_PENALTY(  # pylint: disable=protected-access
          s.net, 'inf', b, None, obs, tf.constant(combined), True)
      target = taps.ORIG_AGGREGATE(per_example_loss=penalty).total_loss
    grads = tape.gradient(target, s.variables)
  (_, _, de_dact, _), = stash['gwa']
  (_, norms), = stash['grad_norms']
  norms = tf.reshape(norms, (b, n + 1)).numpy()
  above = int(np.sum(norms > s.margin))
  if not 0 < above < norms.size:
    raise AssertionError('self-check failed: the rows must straddle the '
                         'margin, %d of %d above' % (above, norms.size))
  s.params(c, b)
  c.params(rows_above_margin=above, training=True)
  c.seeds(weights=WEIGHTS_SEED[st.case], inputs=NOISE_SEED[st.case])
  c.note('weights: Keras init after tf.keras.utils.set_random_seed, the '
         'value network\'s kernels and biases x %g so that norms fall on both '
         'sides of the margin; the encoder\'s as initialised' % VALUE_SCALE)
  c.note('late fusion as ImplicitBCAgent calls it: observations [B] (not '
         'tiled), so PixelEBM.call encodes inside the tape and tiles by n+1')
  s.add_weights(c, out, st.case)
  comp_pixel._add_raw(c, rgb, tf.image.convert_image_dtype(  # pylint: disable=protected-access
      tf.constant(rgb), tf.float32), mean, std, normalized)
  c.add('combined_actions', combined, 'input',
        note='[B*(n+1), A] uniform in the sampling bounds')
  c.add('de_dact', de_dact, 'output', note='= -df/da (IBC sign)')
  c.add('grad_norms', norms, 'output', note='inf-norm [B, n+1]')
  c.add('per_example_penalty', penalty, 'output')
  c.add('penalty_mean', target, 'output',
        note='aggregate_losses(per_example).total_loss')
  s.add_grads(c, 'grad_', grads, value_only=True)
  return c


def comp_pixel_ebm_train_step(out, st):
  c = Component(out, 'pixel_ebm_train_step', st.case,
                'ibc/agents/ibc_agent.py:ImplicitBCAgent._loss + '
                'ibc/agents/base_agent.py:BehavioralCloningAgent._train, '
                'ibc/configs/pushing_pixels/pixel_ebm_langevin.gin',
                'one training step of PixelEBM under pixel_ebm_langevin.gin\'s '
                'agent: Langevin counter examples (late fusion, chain under '
                'the gradient tape), info_nce + final-sample gradient '
                'penalty, gradients, legacy Adam at iteration 0')
  s = _Setup(st)
  b = s.shape['b']
  n = s.num_counter
  seed = NOISE_SEED[st.case] + 50
  rgb, mean, std, normalized, act, _ = _inputs(st, s.shape, n, 1)
  experience = ({'rgb': normalized}, tf.constant(act))

  parts = {}
  for part in ['info_nce', 'penalty']:
    with _gin(st, s.shape):
      agent = s.fresh_agent(st)
    s.set_weights()
    with _gin(st, s.shape), RandomTape(seed), Log.collect(), \
        Stash.scope() as stash, counter_example_tap(agent, stash):
      loss_info, tape = agent._loss(experience, s.variables, training=True)  # pylint: disable=protected-access
    per_ex = (stash['info_nce'][2] if part == 'info_nce' else
              stash['grad_penalty'][1])
    with tape:
      target = taps.ORIG_AGGREGATE(per_example_loss=per_ex).total_loss
    parts[part] = (loss_info.loss.numpy(), tape.gradient(target, s.variables))

  with _gin(st, s.shape):
    agent = s.fresh_agent(st)
  s.set_weights()
  opt = agent._optimizer  # pylint: disable=protected-access
  with captured_update(opt) as applied, _gin(st, s.shape), \
      RandomTape(seed) as tape_rng, Log.collect() as log, \
      Stash.scope() as stash, counter_example_tap(agent, stash):
    loss_info = agent.train(experience)
    records = list(log['langevin_step'])
  updated, _, _ = adam_state(opt, s.variables)

  counter, combined, chain = stash['counter_examples']
  predictions, probs, info = stash['info_nce']
  pen_inner, penalty = stash['grad_penalty']
  (_, _, pen_de_dact, _), = pen_inner['gwa']
  (_, pen_norms), = pen_inner['grad_norms']
  (mse_a, mse_k, mse_out), (tot_a, tot_k, tot_out) = stash['aggregate']
  del mse_a, mse_k, tot_a
  arr = {f: stack_records(records, f) for f in LANGEVIN_STEP_FIELDS}
  (u,) = tape_rng.of_kind('uniform')
  check_equal('chain length', len(records), s.langevin_k)
  check_equal('train chain energies', arr['energies'], chain.energies)
  check_equal('train counter', arr['actions_out'][-1].reshape(b, n, -1),
              counter)
  check_equal('loss parts reproduce', parts['info_nce'][0], loss_info.loss)
  check_equal('loss parts reproduce 2', parts['penalty'][0], loss_info.loss)
  check_equal('total loss', tot_out.total_loss, loss_info.loss)
  for i, is_value in enumerate(s.is_value):
    if not is_value:  # the encoder: the penalty adds exact zeros
      check_equal('encoder total = info_nce', applied['grads'][i],
                  parts['info_nce'][1][i])
  norms = tf.reshape(pen_norms, (b, n + 1)).numpy()
  above = int(np.sum(norms > s.margin))

  s.params(c, b)
  c.params(learning_rate=1e-3, decay_steps=100, decay_rate=0.99,
           adam_epsilon=1e-7, optimizer='tf.keras.optimizers.legacy.Adam',
           run_full_chain_under_gradient=True, compute_mse=True,
           add_grad_penalty=True, fraction_langevin_samples=1.0,
           late_fusion=True, rows_above_margin=above)
  c.seeds(weights=WEIGHTS_SEED[st.case], inputs=NOISE_SEED[st.case] + 1,
          noise=seed)
  c.note('weights as pixel_grad_penalty\'s (value network x %g); the '
         'optimizer is fresh (iterations 0, zero slots)' % VALUE_SCALE)
  c.note('agent.train ran eagerly; IBC\'s tf.functions inside it '
         '(langevin_actions_given_obs, gradient_wrt_act) as graphs. The '
         'chain\'s draws are injected: init_uniform, step_noise')
  c.note('grad_info_nce_* / grad_penalty_*: gradients of '
         'aggregate_losses(part).total_loss from two further runs of '
         'agent._loss with the same injected noise (same loss bitwise); '
         'grad_total_*: what _train passed to apply_gradients, stored for the '
         'value network only (the encoder\'s equals grad_info_nce_* bitwise, '
         'checked); updated_*: the value network\'s weights after the step')
  s.add_weights(c, out, st.case)
  comp_pixel._add_raw(c, rgb, tf.image.convert_image_dtype(  # pylint: disable=protected-access
      tf.constant(rgb), tf.float32), mean, std, normalized)
  c.add('true_actions', act, 'input')
  c.add('init_uniform', u, 'noise', note='raw U[0,1) draw [B, n, A]')
  c.add('step_noise', arr['noise'], 'noise', note='[K, B*n, A]')
  c.add('init_actions', arr['actions_in'][0], 'output')
  c.add('step_actions_in', arr['actions_in'], 'output',
        note='[K, B*n, A]: the input of each Langevin step')
  c.add('step_size', arr['stepsize'], 'output')
  c.add('chain_energies', arr['energies'], 'output')
  c.add('chain_grad_norms', arr['grad_norms'], 'output')
  c.add('counter_example_actions', counter, 'output', note='[B, n, A]')
  c.add('combined_actions', combined, 'output',
        note='[B*(n+1), A], true action last per group')
  c.add('predictions', predictions, 'output', note='[B, n+1]')
  c.add('softmax', probs, 'output')
  c.add('per_example_info_nce', info, 'output')
  c.add('penalty_de_dact', pen_de_dact, 'output')
  c.add('penalty_grad_norms', norms, 'output')
  c.add('per_example_penalty', penalty, 'output')
  c.add('per_example_loss', tot_k['per_example_loss'], 'output')
  c.add('mse_counter_examples', mse_out.total_loss, 'output',
        note='monitoring only (compute_mse), not part of the loss')
  c.add('total_loss', loss_info.loss, 'output')
  c.add('learning_rate', applied['lr'], 'output', note='lr at iteration 0')
  s.add_grads(c, 'grad_info_nce_', parts['info_nce'][1])
  s.add_grads(c, 'grad_penalty_', parts['penalty'][1], value_only=True)
  for name, g, is_value in zip(s.names, applied['grads'], s.is_value):
    if is_value:
      c.add('grad_total_' + name, g, 'output')
  for name, w, is_value in zip(s.names, updated, s.is_value):
    if is_value:
      c.add('updated_' + name, w, 'output')
  s.set_weights()
  return c
