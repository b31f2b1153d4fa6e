"""Training components: one ImplicitBCAgent training step, the Adam schedule
and the spectral-norm MLPEBM (forward, power iteration, training step)."""

import collections
import contextlib

import numpy as np
import tensorflow as tf
from tf_agents.train.utils import train_utils
from tf_agents.utils import nest_utils

from ibc.ibc.train import get_cloning_network as cloning_network_module  # pylint: disable=g-bad-import-order
from ibc.networks.layers import spectral_norm
from ibc_export import taps
from ibc_export.helpers import WEIGHT_SHORT_NAMES
from ibc_export.helpers import add_obs
from ibc_export.helpers import add_weights
from ibc_export.helpers import check_equal
from ibc_export.helpers import combined_actions
from ibc_export.helpers import common_params
from ibc_export.helpers import stack_records
from ibc_export.helpers import uniform_counter_actions
from ibc_export.randomness import RandomTape
from ibc_export.records import Component
from ibc_export.records import F32
from ibc_export.taps import LANGEVIN_STEP_FIELDS
from ibc_export.taps import Log
from ibc_export.taps import Stash
from ibc_export.taps import counter_example_tap
from ibc_export.taps import layer_taps


@contextlib.contextmanager
def captured_update(opt, at_apply=None):
  """While active, records what _train passes to opt.apply_gradients (grads;
  lr and iterations; plus at_apply() if given) into the yielded dict."""
  applied = {}
  orig_apply = opt.apply_gradients

  def apply_gradients(grads_and_vars, *a, **k):
    grads_and_vars = list(grads_and_vars)
    applied['grads'] = [g.numpy() for g, _ in grads_and_vars]
    applied['lr'] = opt._decayed_lr(tf.float32).numpy()  # pylint: disable=protected-access
    applied['iterations'] = int(opt.iterations.numpy())
    if at_apply is not None:
      applied['at_apply'] = at_apply()
    return orig_apply(grads_and_vars, *a, **k)

  opt.apply_gradients = apply_gradients
  try:
    yield applied
  finally:
    del opt.apply_gradients


def adam_state(opt, variables):
  """(updated weights, Adam m, Adam v) after a step."""
  return ([v.numpy() for v in variables],
          [opt.get_slot(v, 'm').numpy() for v in variables],
          [opt.get_slot(v, 'v').numpy() for v in variables])


def train_capturing_update(agent, variables, gin_extra, st, seed,
                           experience, at_apply=None):
  """Runs agent.train once with injected noise under captured_update.

  Returns (loss_info, langevin records, stash, random tape, applied, updated
  weights, Adam m, Adam v)."""
  opt = agent._optimizer  # pylint: disable=protected-access
  with captured_update(opt, at_apply) as applied, \
      st.gin(gin_extra), RandomTape(seed) as tape_rng, \
      Log.collect() as log, Stash.scope() as s, counter_example_tap(agent, s):
    loss_info = agent.train(experience)
    records = list(log['langevin_step'])
  return (loss_info, records, s, tape_rng, applied) + adam_state(opt, variables)


def add_update_outputs(c, applied, m, v_, updated, short_names=None,
                       grad_prefix='grad_total_'):
  """The step's total gradient, Adam's slots and the updated weights."""
  for prefix, values in [(grad_prefix, applied['grads']), ('adam_m_', m),
                         ('adam_v_', v_), ('updated_', updated)]:
    for i, short in enumerate(short_names or WEIGHT_SHORT_NAMES):
      c.add(prefix + short, values[i], 'output')


def comp_train_step(out, st):
  c = Component(out, 'train_step', st.case,
                'ibc/agents/ibc_agent.py:ImplicitBCAgent._loss + '
                'ibc/agents/base_agent.py:BehavioralCloningAgent._train',
                'one complete training step on a fixed batch: Langevin '
                'counter examples, info_nce + grad penalty, gradients, '
                'legacy Adam update at iteration 0')
  b, n = st.cfg.train_batch, st.num_counter
  seed = st.noise_seed('train_step')
  obs, act = st.normalized_batch(b)
  experience = (obs, act)
  variables = st.variables

  # (1) the info_nce part and (2) the penalty part of the gradient, each from
  # its own run of agent._loss with the same injected noise.
  parts = {}
  for part in ['info_nce', 'penalty']:
    agent = st.fresh_agent()
    st.set_weights(st.scaled_weights)
    with st.gin(), RandomTape(seed), Log.collect(), \
        Stash.scope() as s, counter_example_tap(agent, s):
      loss_info, tape = agent._loss(experience, variables, training=True)  # pylint: disable=protected-access
    per_ex = (s['info_nce'][2] if part == 'info_nce' else
              s['grad_penalty'][1])
    with tape:  # resume recording for the part's aggregate
      target = taps.ORIG_AGGREGATE(per_example_loss=per_ex).total_loss
    parts[part] = (loss_info.loss.numpy(),
                   [g.numpy() for g in tape.gradient(target, variables)])

  # (3) the real training step: agent.train (BehavioralCloningAgent._train).
  agent = st.fresh_agent()
  st.set_weights(st.scaled_weights)
  loss_info, records, s, tape_rng, applied, updated, m, v_ = (
      train_capturing_update(agent, variables, (), st, seed,
                             experience))

  counter, combined, chain = s['counter_examples']
  predictions, probs, info = s['info_nce']
  pen_inner, penalty = s['grad_penalty']
  (_, _, pen_de_dact, _), = pen_inner['gwa']
  (_, pen_norms), = pen_inner['grad_norms']
  (mse_a, mse_k, mse_out), (tot_a, tot_k, tot_out) = s['aggregate']
  arr = {f: stack_records(records, f) for f in LANGEVIN_STEP_FIELDS}
  (u,) = tape_rng.of_kind('uniform')
  check_equal('train chain energies', arr['energies'], chain.energies)
  check_equal('train counter', arr['actions_out'][-1].reshape(b, n, -1),
              counter)
  check_equal('loss parts reproduce', parts['info_nce'][0], loss_info.loss)
  check_equal('loss parts reproduce 2', parts['penalty'][0], loss_info.loss)
  check_equal('total loss', tot_out.total_loss, loss_info.loss)

  with layer_taps({'projection': st.net._mlp._projection_layer}) as tlog:  # pylint: disable=protected-access
    st.net((nest_utils.tile_batch(obs, n + 1), combined), training=True)
  x = tlog['projection'][0].numpy()
  obs_dim = x.shape[1] - st.cfg.n_dim

  c.params(batch=b, num_counter_examples=n, num_iterations=len(records),
           learning_rate=1e-3, decay_steps=100, decay_rate=0.99,
           adam_epsilon=1e-7, adam_beta_1=0.9, adam_beta_2=0.999,
           optimizer='tf.keras.optimizers.legacy.Adam',
           run_full_chain_under_gradient=True, compute_mse=True,
           add_grad_penalty=True, grad_margin=1.0,
           sampling_lo=float(st.sampling_lo),
           sampling_hi=float(st.sampling_hi),
           rows_above_margin=int(np.sum(pen_norms.numpy() > 1.0)),
           **common_params(st))
  c.seeds(weights=st.cfg.weights_seed, noise=seed)
  c.note('weights before the step are IBC\'s init x %g (so the penalty is '
         'active); the optimizer is fresh (iterations 0, zero slots)' %
         st.cfg.weight_scale)
  c.note('agent.train ran eagerly, as TFAgent.train does in TF2 outside the '
         'tf-agents Learner; IBC\'s tf.functions inside it '
         '(langevin_actions_given_obs, gradient_wrt_act) run as graphs')
  c.note('experience = the first %d normalized windows (obs per key [B,T,d], '
         'target action [B,A])' % b)
  c.note('grad_info_nce / grad_penalty: gradients of '
         'aggregate_losses(part).total_loss from two further runs of '
         'agent._loss with the same injected noise (same loss bitwise); '
         'grad_total is what _train passed to apply_gradients')
  add_weights(c, out, st, 'scaled')
  add_obs(c, 'obs', obs, 'input')
  c.add('obs_flat_tiled', x[:, :obs_dim], 'input',
        note='network obs input, obs tiled n+1 times [B*(n+1), obs]')
  c.add('true_actions', act, 'input')
  c.add('init_uniform', u, 'noise', note='raw U[0,1) draw [B, n, A]')
  c.add('step_noise', arr['noise'], 'noise', note='[K, B*n, A]')
  c.add('init_actions', arr['actions_in'][0], 'output')
  c.add('chain_energies', arr['energies'], 'output')
  c.add('chain_grad_norms', arr['grad_norms'], 'output')
  c.add('counter_example_actions', counter, 'output', note='G9 [B, n, A]')
  c.add('combined_actions', combined, 'output',
        note='G10 [B*(n+1), A], true action last per group')
  c.add('predictions', predictions, 'output', note='[B, n+1]')
  c.add('softmax', probs, 'output')
  c.add('per_example_info_nce', info, 'output')
  c.add('penalty_de_dact', pen_de_dact, 'output')
  c.add('penalty_grad_norms', tf.reshape(pen_norms, (b, n + 1)), 'output')
  c.add('per_example_penalty', penalty, 'output')
  c.add('per_example_loss', tot_k['per_example_loss'], 'output')
  c.add('mse_counter_examples', mse_out.total_loss, 'output',
        note='monitoring only (compute_mse), not part of the loss')
  c.add('total_loss', loss_info.loss, 'output')
  c.add('learning_rate', applied['lr'], 'output', note='lr at iteration 0')
  for i, short in enumerate(WEIGHT_SHORT_NAMES):
    c.add('grad_info_nce_' + short, parts['info_nce'][1][i], 'output')
  for i, short in enumerate(WEIGHT_SHORT_NAMES):
    c.add('grad_penalty_' + short, parts['penalty'][1][i], 'output')
  add_update_outputs(c, applied, m, v_, updated)
  st.set_weights(st.init_weights)
  return c


# W/sigma keeps |df/da| near 0.1 at init, under the config's margin of 1, so
# the component lowers the margin to put about half the rows on each side.
SN_GRAD_MARGIN = 0.08
SN_GIN = ["MLPEBM.dense_layer_type = 'spectral_norm'",
          'grad_penalty.grad_margin = %r' % SN_GRAD_MARGIN]
SN_LAYER_NAMES = ['proj', 'block_dense1', 'block_dense2', 'head']


def sn_layers(net):
  """MLPEBM's DenseSN layers by ibc4j's short names."""
  mlp = net._mlp  # pylint: disable=protected-access
  layers = collections.OrderedDict([
      ('proj', mlp._projection_layer),  # pylint: disable=protected-access
      ('block_dense1', mlp._weight_layers[0]),  # pylint: disable=protected-access
      ('block_dense2', mlp._weight_layers_2[0]),  # pylint: disable=protected-access
      ('head', net._project_energy),  # pylint: disable=protected-access
  ])
  for layer in layers.values():
    assert isinstance(layer, spectral_norm.DenseSN), type(layer)
  return layers


def sn_u(layers):
  return collections.OrderedDict((k, l.u.numpy()) for k, l in layers.items())


def power_iteration64(w, u):
  """One DenseSN power iteration in float64 (exporter self-check only)."""
  w, u = np.asarray(w, np.float64), np.asarray(u, np.float64)
  v = u @ w.T
  v = v / (np.sqrt(np.sum(v * v)) + 1e-12)
  u2 = v @ w
  return u2 / (np.sqrt(np.sum(u2 * u2)) + 1e-12)


def comp_spectral_norm(out, st):
  c = Component(out, 'spectral_norm', st.case,
                'ibc/networks/layers/spectral_norm.py:DenseSN via '
                'ibc/networks/mlp_ebm.py (dense_layer_type=spectral_norm); '
                'ibc/agents/ibc_agent.py:ImplicitBCAgent._loss + '
                'ibc/agents/base_agent.py:BehavioralCloningAgent._train',
                'MLPEBM with spectral-norm dense layers: forward with '
                'training=False and True (the power iteration and its update '
                'of u), then one complete training step')
  with st.gin(SN_GIN):
    tf.keras.utils.set_random_seed(st.cfg.weights_seed)
    tf.keras.backend.reset_uids()
    net = cloning_network_module.get_cloning_network(
        'MLPEBM', st.obs_spec, st.act_spec, st.norm_info.obs_norm_layer,
        st.norm_info.act_norm_layer, 2, st.norm_info.act_denorm_layer)
    agent = st._make_agent(train_utils.create_train_step(), net=net)  # pylint: disable=protected-access
  layers = sn_layers(net)
  variables = list(net.trainable_variables)
  assert len(variables) == len(WEIGHT_SHORT_NAMES)
  weights0 = [v.numpy() for v in variables]
  u0 = sn_u(layers)
  b, n = st.cfg.train_batch, agent._num_counter_examples  # pylint: disable=protected-access
  seed = st.noise_seed('spectral_norm')
  obs, act = st.normalized_batch(b)
  tiled = nest_utils.tile_batch(obs, n + 1)

  # (1) single calls on fixed inputs: training=False leaves u, True sets it.
  probe = combined_actions(
      uniform_counter_actions(st.component_rng('spectral_norm'), st, b,
                              n), act)
  e_eval = net((tiled, probe), training=False)[0].numpy()
  for k, l in layers.items():
    check_equal('training=False keeps u of ' + k, l.u.numpy(), u0[k])
  e_train = net((tiled, probe), training=True)[0].numpy()
  u1 = sn_u(layers)
  check_equal('training=True pass, same weights', e_train, e_eval)
  for k, l in layers.items():
    w = l.kernel.numpy()
    np.testing.assert_allclose(u1[k], power_iteration64(w, u0[k]), atol=1e-5)
    l.u.assign(u0[k])

  # (2) agent.train, as comp_train_step runs it.
  loss_info, records, s, tape_rng, applied, updated, m, v_ = (
      train_capturing_update(agent, variables, SN_GIN, st, seed,
                             (obs, act), at_apply=lambda: sn_u(layers)))
  u2 = applied['at_apply']
  # Two training=True calls per step (the prediction pass and grad_penalty's
  # gradient_wrt_act), both before the update: u is iterated twice.
  for k, l in layers.items():
    w = weights0[WEIGHT_SHORT_NAMES.index(k + '_kernel')]
    np.testing.assert_allclose(
        u2[k], power_iteration64(w, power_iteration64(w, u0[k])), atol=1e-5)
    check_equal('u unchanged by apply_gradients ' + k, l.u.numpy(), u2[k])

  counter, combined, chain = s['counter_examples']
  predictions, probs, info = s['info_nce']
  pen_inner, penalty = s['grad_penalty']
  (_, pen_norms), = pen_inner['grad_norms']
  (_, tot_k, tot_out) = s['aggregate'][1]
  arr = {f: stack_records(records, f) for f in LANGEVIN_STEP_FIELDS}
  (u_draw,) = tape_rng.of_kind('uniform')
  check_equal('sn chain energies', arr['energies'], chain.energies)
  check_equal('sn total loss', tot_out.total_loss, loss_info.loss)

  c.params(batch=b, num_counter_examples=n, num_iterations=len(records),
           learning_rate=1e-3, decay_steps=100, decay_rate=0.99,
           adam_epsilon=1e-7, adam_beta_1=0.9, adam_beta_2=0.999,
           optimizer='tf.keras.optimizers.legacy.Adam',
           run_full_chain_under_gradient=True, compute_mse=True,
           add_grad_penalty=True, grad_margin=SN_GRAD_MARGIN,
           dense_layer_type='spectral_norm',
           sampling_lo=float(st.sampling_lo),
           sampling_hi=float(st.sampling_hi),
           rows_above_margin=int(np.sum(pen_norms.numpy() > SN_GRAD_MARGIN)),
           **common_params(st))
  c.seeds(weights=st.cfg.weights_seed, noise=seed,
          probe_actions=st.noise_seed('spectral_norm'))
  c.note('the network is built as the case builds MLPEBM, with '
         'MLPEBM.dense_layer_type=\'spectral_norm\' added; its weights are '
         'DenseSN\'s own init (no scaling: W/sigma does not change with it)')
  c.note('sn_u_<layer> is DenseSN.u before anything runs (RandomNormal(0,1) '
         'from the weights seed); sn_u_after_call_<layer> after one '
         'training=True call; sn_u_after_step_<layer> after agent.train, '
         'read inside apply_gradients (= the value after the step). The '
         'exporter checks, against a float64 power iteration to 1e-5, that '
         'training=False leaves u and that a step iterates u twice')
  c.note('energies_eval / energies_train: net((obs tiled n+1, '
         'probe_actions), training=False / True) from u = sn_u; probe '
         'actions are uniform counter examples + the true action')
  c.note('grad_penalty.grad_margin = %g (config: 1.0): with W/sigma the '
         'norms of df/da start near 0.1, so a margin of 1 would leave the '
         'penalty and its gradient at 0' % SN_GRAD_MARGIN)
  c.note('agent.train ran eagerly; the chain (training=False) and '
         'gradient_wrt_act run as tf.function graphs')
  for short, w in zip(WEIGHT_SHORT_NAMES, weights0):
    c.add(short, w, 'weight')
  for k in SN_LAYER_NAMES:
    c.add('sn_u_' + k, u0[k], 'input', note='[1, units]')
  add_obs(c, 'obs', obs, 'input')
  c.add('true_actions', act, 'input')
  c.add('probe_actions', probe, 'input', note='[B*(n+1), A]')
  c.add('energies_eval', e_eval, 'output')
  c.add('energies_train', e_train, 'output')
  for k in SN_LAYER_NAMES:
    c.add('sn_u_after_call_' + k, u1[k], 'output')
  c.add('init_uniform', u_draw, 'noise', note='raw U[0,1) draw [B, n, A]')
  c.add('step_noise', arr['noise'], 'noise', note='[K, B*n, A]')
  c.add('init_actions', arr['actions_in'][0], 'output')
  c.add('chain_energies', arr['energies'], 'output')
  c.add('chain_grad_norms', arr['grad_norms'], 'output')
  c.add('counter_example_actions', counter, 'output', note='[B, n, A]')
  c.add('combined_actions', combined, 'output', note='[B*(n+1), A]')
  c.add('predictions', predictions, 'output', note='[B, n+1]')
  c.add('per_example_info_nce', info, 'output')
  c.add('penalty_grad_norms', tf.reshape(pen_norms, (b, n + 1)), 'output')
  c.add('per_example_penalty', penalty, 'output')
  c.add('per_example_loss', tot_k['per_example_loss'], 'output')
  c.add('total_loss', loss_info.loss, 'output')
  add_update_outputs(c, applied, m, v_, updated)
  for k in SN_LAYER_NAMES:
    c.add('sn_u_after_step_' + k, u2[k], 'output')
  return c


def comp_adam_schedule(out, st):
  c = Component(out, 'adam_schedule', st.case,
                'ibc/train/get_agent.py:get_agent (Keras legacy Adam + '
                'ExponentialDecay)',
                'the optimizer get_agent builds, applied to the MLPEBM head '
                'variables for 101 steps of a recorded gradient sequence')
  agent = st.fresh_agent()
  opt = agent._optimizer  # pylint: disable=protected-access
  rng = st.component_rng('adam_schedule')
  w0 = [st.init_weights[6], st.init_weights[7]]
  var = [tf.Variable(w, name=nm) for w, nm in zip(w0, ['head_kernel',
                                                       'head_bias'])]
  steps = 101
  scale = np.geomspace(1e-6, 3.0, steps).astype(F32)
  rng.shuffle(scale)
  grads = [(rng.standard_normal((steps,) + w.shape, dtype=F32) *
            scale.reshape((steps,) + (1,) * w.ndim)).astype(F32) for w in w0]
  grads[0][4] = 0.0  # an all-zero gradient step
  grads[1][4] = 0.0
  lrs, snaps = [], {}
  for t in range(steps):
    lrs.append(opt._decayed_lr(tf.float32).numpy())  # pylint: disable=protected-access
    opt.apply_gradients([(tf.constant(g[t]), v) for g, v in zip(grads, var)])
    if t + 1 in (1, 2, 100, 101):
      w, m, v_ = adam_state(opt, var)
      snaps[t + 1] = dict(w=w, m=m, v=v_, it=int(opt.iterations.numpy()))
  c.params(steps=steps, learning_rate=1e-3, decay_steps=100, decay_rate=0.99,
           staircase=False, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
           amsgrad=False, optimizer='tf.keras.optimizers.legacy.Adam',
           recorded_after_steps=[1, 2, 100, 101])
  c.seeds(gradients=st.noise_seed('adam_schedule'),
          weights=st.cfg.weights_seed)
  c.note('step t (1-based) uses lr = learning_rate[t-1] = '
         'ExponentialDecay(iterations = t-1); gradient step 5 (index 4) is '
         'all zeros; gradient scales are a shuffled geomspace(1e-6, 3)')
  c.add('init_head_kernel', w0[0], 'weight')
  c.add('init_head_bias', w0[1], 'weight')
  c.add('grads_head_kernel', grads[0], 'input', note='[101, in, 1]')
  c.add('grads_head_bias', grads[1], 'input', note='[101, 1]')
  c.add('learning_rate', np.asarray(lrs, F32), 'output',
        note='lr used by each of the 101 steps')
  for t in (1, 2, 100, 101):
    s = snaps[t]
    for i, nm in enumerate(['head_kernel', 'head_bias']):
      c.add('step%d_%s' % (t, nm), s['w'][i], 'output')
      c.add('step%d_m_%s' % (t, nm), s['m'][i], 'output')
      c.add('step%d_v_%s' % (t, nm), s['v'][i], 'output')
  return c
