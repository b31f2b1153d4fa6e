"""MSE components: MLPMSE forward, one MSE training step, the MSE policy."""

import numpy as np
from tf_agents.trajectories import time_step as ts_lib

from ibc.networks.layers import resnet  # pylint: disable=g-bad-import-order
from ibc_export.comp_training import adam_state
from ibc_export.comp_training import add_update_outputs
from ibc_export.comp_training import captured_update
from ibc_export.helpers import add_obs
from ibc_export.helpers import check_equal
from ibc_export.helpers import obs_norm_layers
from ibc_export.randomness import RandomTape
from ibc_export.records import Component
from ibc_export.records import F32
from ibc_export.taps import Stash
from ibc_export.taps import layer_taps


def mse_dropout_layers(net):
  """MLPMSE's Keras Dropout layers in call order."""
  mlp = net._mlp  # pylint: disable=protected-access
  if isinstance(mlp, resnet.ResNetLayer):
    out = []
    for l in range(len(mlp._weight_layers)):  # pylint: disable=protected-access
      out += [mlp._dropouts[l], mlp._dropouts_2[l]]  # pylint: disable=protected-access
    return out
  return list(mlp._dropouts)  # pylint: disable=protected-access


def comp_mlp_mse_forward(out, st):
  ms = st.mse()
  c = Component(out, 'mlp_mse_forward', st.case,
                'ibc/networks/mlp_mse.py:MLPMSE.call',
                'MLPMSE forward on flattened normalized obs: training=False '
                '(dropout off, act_denorm_layer applied) and training=True '
                '(Keras dropout with injected U[0,1) draws, no denorm)')
  ms.set_weights(ms.init_weights)
  b = st.cfg.train_batch
  obs, _ = ms.normalized_batch(b)
  seed = st.noise_seed('mlp_mse_forward')
  taps = {'mlp': ms.net._mlp, 'head': ms.net._project_action}  # pylint: disable=protected-access
  with layer_taps(taps) as log:
    eval_out, _ = ms.net(obs, training=False)
  x = log['mlp'][0].numpy()
  eval_head = log['head'][1].numpy()
  drops = {'drop%d' % i: d for i, d in enumerate(mse_dropout_layers(ms.net))}
  with RandomTape(seed) as tape, layer_taps(drops) as dlog:
    train_out, _ = ms.net(obs, training=True)
  draws = tape.of_kind('uniform')
  assert len(draws) == len(drops) and len(tape.draws) == len(draws)
  for i, u in enumerate(draws):
    inp, outp = dlog['drop%d' % i]
    # The draw each Dropout layer used: kept exactly where u >= rate.
    check_equal('dropout %d mask' % i, (u >= F32(ms.rate)) | (inp.numpy() == 0),
                (outp.numpy() != 0) | (inp.numpy() == 0))
  c.params(rows=b, training_modes=['eval', 'train'], **ms.params())
  c.seeds(weights=st.cfg.mse_weights_seed, dropout=seed)
  c.note('obs: the first %d windows of the normalized, unshuffled stream '
         '(normalizers computed under mlp_mse.gin: z-scored actions)' % b)
  c.note('training=True output is the raw Dense head (MLPMSE applies '
         'act_denorm_layer only when training is False)')
  ms.add_weights(c, out, 'mse_init', ms.init_weights)
  ms.add_act_norm(c)
  c.add('obs', x, 'input', note='flattened normalized obs [B, T*sum(d)]')
  c.add('eval_head', eval_head, 'output',
        note='Dense head output, training=False [B, A] (normalized units)')
  c.add('eval_actions', eval_out, 'output',
        note='act_denorm_layer(eval_head) = MLPMSE output, training=False')
  for i, u in enumerate(draws):
    c.add('dropout%d_uniform' % i, u, 'noise',
          note='raw U[0,1) draw of Dropout layer %d in call order (ResNet: '
          'block l before/after its first dense = 2l, 2l+1) [B, width]' % i)
  c.add('train_actions', train_out, 'output',
        note='MLPMSE output, training=True [B, A] (normalized units)')
  return c


def comp_mse_train_step(out, st):
  ms = st.mse()
  c = Component(out, 'mse_train_step', st.case,
                'ibc/agents/mse_agent.py:MseBehavioralCloningAgent._loss + '
                'ibc/agents/base_agent.py:BehavioralCloningAgent._train',
                'one MSE behavioral cloning step: MLPMSE(training=True) with '
                'dropout, tf.losses.mse per example, aggregate_losses, '
                'gradients, legacy Adam update at iteration 0')
  b = st.cfg.train_batch
  seed = st.noise_seed('mse_train_step')
  obs, act = ms.normalized_batch(b)
  agent = ms.fresh_agent()
  ms.set_weights(ms.init_weights)
  opt = agent._optimizer  # pylint: disable=protected-access
  taps = {'mlp': ms.net._mlp, 'head': ms.net._project_action}  # pylint: disable=protected-access
  with captured_update(opt) as applied, st.gin_mse(), \
      RandomTape(seed) as tape, Stash.scope() as s, \
      layer_taps(taps) as log:
    loss_info = agent.train((obs, act))
  assert applied['iterations'] == 0
  updated, m, v_ = adam_state(opt, ms.variables)
  ((_, agg_k, agg_out),) = s['aggregate']
  check_equal('mse total loss', agg_out.total_loss, loss_info.loss)
  draws = tape.of_kind('uniform')
  assert len(draws) == len(tape.draws) == len(mse_dropout_layers(ms.net))
  x = log['mlp'][0].numpy()
  predictions = log['head'][1].numpy()
  c.params(batch=b, learning_rate=1e-3, decay_steps=100, decay_rate=0.99,
           adam_epsilon=1e-7, adam_beta_1=0.9, adam_beta_2=0.999,
           optimizer='tf.keras.optimizers.legacy.Adam', **ms.params())
  c.seeds(weights=st.cfg.mse_weights_seed, dropout=seed)
  c.note('weights before the step are IBC\'s init (MSE needs no scaling: '
         'its loss is active everywhere); the optimizer is fresh')
  c.note('agent.train ran eagerly, as TFAgent.train does in TF2 outside '
         'the tf-agents Learner')
  c.note('experience = the first %d normalized windows (obs per key [B,T,d], '
         'target action [B,A])' % b)
  ms.add_weights(c, out, 'mse_init', ms.init_weights)
  add_obs(c, 'obs', obs, 'input')
  c.add('obs_flat', x, 'input', note='network input [B, T*sum(d)]')
  c.add('true_actions', act, 'input', note='normalized target actions')
  for i, u in enumerate(draws):
    c.add('dropout%d_uniform' % i, u, 'noise',
          note='raw U[0,1) draw of Dropout layer %d in call order' % i)
  c.add('predictions', predictions, 'output',
        note='bc_action = MLPMSE(obs, training=True) [B, A]')
  c.add('per_example_loss', agg_k['per_example_loss'], 'output',
        note='tf.losses.mse(actions, bc_action): mean over A [B]')
  c.add('total_loss', loss_info.loss, 'output',
        note='aggregate_losses: sum / B (Losses/mse_total_loss)')
  c.add('learning_rate', applied['lr'], 'output', note='lr at iteration 0')
  add_update_outputs(c, applied, m, v_, updated, ms.short_names,
                     grad_prefix='grad_')
  ms.set_weights(ms.init_weights)
  return c


def comp_mse_policy_action(out, st):
  ms = st.mse()
  c = Component(out, 'mse_policy_action', st.case,
                'ibc/agents/mse_policy.py:MsePolicyWrapper + '
                'tf_agents GreedyPolicy.action',
                'agent.policy.action on raw observations: obs_norm_layer, '
                'MLPMSE(training=False) with act_denorm_layer, greedy '
                '(Deterministic mode), clip to the action spec')
  scale = st.cfg.mse_policy_weight_scale
  weights = [(w * F32(scale)).astype(F32) for w in ms.init_weights]
  ms.set_weights(weights)
  b = st.cfg.fwd_examples
  raw_obs, _ = st.raw_batch(b)
  time_step = ts_lib.restart(raw_obs, batch_size=b)
  seed = st.noise_seed('mse_policy_action')
  with RandomTape(seed) as tape:
    action = ms.agent.policy.action(time_step).action.numpy()
    mode = ms.agent.collect_policy.distribution(
        time_step).action.mode().numpy()
  assert not tape.draws  # nothing random at inference
  lo, hi = F32(st.act_spec.minimum), F32(st.act_spec.maximum)
  check_equal('policy clip', np.clip(mode, lo, hi), action)
  norm_obs, _ = ms.norm_info.obs_norm_layer(raw_obs)
  c.params(batch=b, weight_scale=scale,
           action_min=float(lo), action_max=float(hi),
           clipped_elements=int(np.sum((mode < lo) | (mode > hi))),
           **ms.params())
  c.seeds(weights=st.cfg.mse_weights_seed)
  c.note('weights are IBC\'s init x %g so that some actions leave the '
         'action spec and the clip acts' % scale)
  c.note('observations: the first %d windows of the raw (unnormalized) '
         'stream, as a batched restart TimeStep' % b)
  ms.add_weights(c, out, 'mse_policy', weights)
  add_obs(c, 'raw_obs', raw_obs, 'input')
  layers = obs_norm_layers(ms.norm_info)
  for k in sorted(raw_obs.keys()):
    c.add('obs_mean_' + k, layers[k]._mean, 'input')  # pylint: disable=protected-access
    c.add('obs_std_' + k, layers[k]._std, 'input')  # pylint: disable=protected-access
  ms.add_act_norm(c)
  add_obs(c, 'norm_obs', norm_obs, 'output')
  c.add('mode_action', mode, 'output',
        note='MsePolicyWrapper distribution mode: denormalized, not clipped')
  c.add('action', action, 'output', note='GreedyPolicy action, clipped')
  ms.set_weights(ms.init_weights)
  return c
