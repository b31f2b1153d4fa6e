"""MDN components: MLPMDN forward, one MDN training step, the MDN policy."""

import contextlib

import numpy as np
from tensorflow_probability.python.internal import samplers
from tf_agents.trajectories import time_step as ts_lib

from ibc_export.comp_mse import mse_dropout_layers
from ibc_export.comp_training import adam_state
from ibc_export.comp_training import add_update_outputs
from ibc_export.comp_training import captured_update
from ibc_export.helpers import add_obs
from ibc_export.helpers import check_equal
from ibc_export.helpers import obs_norm_layers
from ibc_export.mdn_state import mdn
from ibc_export.randomness import RandomTape
from ibc_export.records import Component
from ibc_export.records import F32
from ibc_export.taps import Stash
from ibc_export.taps import layer_taps

HEADS = ('mu', 'logvar', 'pi')


def head_taps(md):
  taps = {'mlp': md.net._mlp}  # pylint: disable=protected-access
  taps.update(md.heads())
  return taps


def mixture_params(dist):
  """(logits [B,k], loc [B,k,A], scale_diag [B,k,A]) of MLPMDN's output."""
  comp = dist.components_distribution.parameters
  return (np.asarray(dist.mixture_distribution.logits), np.asarray(comp['loc']),
          np.asarray(comp['scale_diag']))


def add_mixture(c, prefix, dist, what):
  logits, loc, scale = mixture_params(dist)
  c.add(prefix + 'logits', logits, 'output',
        note='Categorical logits = pi / temperature [B, k] (%s)' % what)
  c.add(prefix + 'loc', loc, 'output', note='component means [B, k, A] (%s)'
        % what)
  c.add(prefix + 'scale', scale, 'output',
        note='MultivariateNormalDiag scale_diag [B, k, A] (%s)' % what)


def add_forward_outputs(c, eval_raw, eval_dist, draws, tlog, train_dist,
                        log_prob):
  """The outputs an MDN forward component records (MLPMDN and ConvMLPMDN).

  Both heads at training=False and True, their mixtures, the dropout draws in
  between and log_prob(true_actions) in training mode.
  """
  for h in HEADS:
    c.add('eval_' + h, eval_raw[h], 'output',
          note='Dense %s output, training=False' % h)
  add_mixture(c, 'eval_', eval_dist, 'training=False, denormalized')
  for i, u in enumerate(draws):
    c.add('dropout%d_uniform' % i, u, 'noise',
          note='raw U[0,1) draw of Dropout layer %d in call order' % i)
  for h in HEADS:
    c.add('train_' + h, tlog[h][1].numpy(), 'output',
          note='Dense %s output, training=True' % h)
  add_mixture(c, 'train_', train_dist, 'training=True, normalized units')
  c.add('train_log_prob', log_prob, 'output',
        note='MixtureSameFamily.log_prob(true_actions), training=True [B]')


@contextlib.contextmanager
def sampler_tape():
  """Records the outputs of TFP's samplers.normal / samplers.categorical."""
  rec = {'normal': [], 'categorical': []}
  orig = {k: getattr(samplers, k) for k in rec}

  def wrap(kind):
    def f(*a, **k):
      out = orig[kind](*a, **k)
      rec[kind].append(out.numpy())
      return out
    return f

  for k in rec:
    setattr(samplers, k, wrap(k))
  try:
    yield rec
  finally:
    for k, f in orig.items():
      setattr(samplers, k, f)


def comp_mlp_mdn_forward(out, st):
  md = mdn(st)
  c = Component(out, 'mlp_mdn_forward', st.case,
                'ibc/networks/mlp_mdn.py:MLPMDN.call',
                'MLPMDN forward on flattened normalized obs: the '
                'MixtureSameFamily parameters for training=False (test '
                'temperature and variance exponent, act_denorm_layer) and '
                'training=True (Keras dropout with injected U[0,1) draws), and '
                'log_prob of the batch\'s normalized actions (training=True)')
  md.set_weights(md.init_weights)
  b = st.cfg.train_batch
  obs, act = md.normalized_batch(b)
  seed = st.noise_seed('mlp_mdn_forward')
  with layer_taps(head_taps(md)) as log:
    eval_dist, _ = md.net(obs, training=False)
  x = log['mlp'][0].numpy()
  eval_raw = {h: log[h][1].numpy() for h in HEADS}
  drops = {'drop%d' % i: d for i, d in enumerate(mse_dropout_layers(md.net))}
  with RandomTape(seed) as tape, layer_taps(drops) as dlog, \
      layer_taps(head_taps(md)) as tlog:
    train_dist, _ = md.net(obs, training=True)
  draws = tape.of_kind('uniform')
  assert len(draws) == len(drops) and len(tape.draws) == len(draws)
  for i, u in enumerate(draws):
    inp, outp = dlog['drop%d' % i]
    check_equal('dropout %d mask' % i, (u >= F32(md.config['rate'])) |
                (inp.numpy() == 0), (outp.numpy() != 0) | (inp.numpy() == 0))
  log_prob = train_dist.log_prob(act).numpy()
  c.params(rows=b, training_modes=['eval', 'train'], **md.params())
  c.seeds(weights=st.cfg.mse_weights_seed, dropout=seed)
  c.note('obs: the first %d windows of the normalized, unshuffled stream '
         '(normalizers computed under mlp_mse.gin: z-scored actions)' % b)
  c.note('IBC has no particle MDN config: mlp_mse.gin with the MDN bindings '
         'in params.gin_bindings')
  md.add_weights(c, out, 'mdn_init', md.init_weights)
  md.add_act_norm(c)
  c.add('obs', x, 'input', note='flattened normalized obs [B, T*sum(d)]')
  c.add('true_actions', act, 'input', note='normalized actions [B, A]')
  add_forward_outputs(c, eval_raw, eval_dist, draws, tlog, train_dist,
                      log_prob)
  return c


def comp_mdn_train_step(out, st):
  md = mdn(st)
  c = Component(out, 'mdn_train_step', st.case,
                'ibc/agents/mdn_agent.py:MdnBehavioralCloningAgent._loss + '
                'ibc/agents/base_agent.py:BehavioralCloningAgent._train',
                'one MDN behavioral cloning step: MLPMDN(training=True) with '
                'dropout, -log_prob per example, aggregate_losses, gradients, '
                'legacy Adam update at iteration 0')
  b = st.cfg.train_batch
  seed = st.noise_seed('mdn_train_step')
  obs, act = md.normalized_batch(b)
  agent = md.fresh_agent()
  md.set_weights(md.init_weights)
  opt = agent._optimizer  # pylint: disable=protected-access
  with captured_update(opt) as applied, md.gin(), RandomTape(seed) as tape, \
      Stash.scope() as s, layer_taps(head_taps(md)) as log:
    loss_info = agent.train((obs, act))
  assert applied['iterations'] == 0
  updated, m, v_ = adam_state(opt, md.variables)
  ((_, agg_k, agg_out),) = s['aggregate']
  check_equal('mdn total loss', agg_out.total_loss, loss_info.loss)
  assert not list(agg_k.get('regularization_loss') or [])
  draws = tape.of_kind('uniform')
  assert len(draws) == len(tape.draws) == len(mse_dropout_layers(md.net))
  c.params(batch=b, learning_rate=1e-3, decay_steps=100, decay_rate=0.99,
           adam_epsilon=1e-7, adam_beta_1=0.9, adam_beta_2=0.999,
           optimizer='tf.keras.optimizers.legacy.Adam', **md.params())
  c.seeds(weights=st.cfg.mse_weights_seed, dropout=seed)
  c.note('weights before the step are IBC\'s init; the optimizer is fresh')
  c.note('agent.train ran eagerly, as TFAgent.train does in TF2 outside '
         'the tf-agents Learner')
  c.note('experience = the first %d normalized windows (obs per key [B,T,d], '
         'target action [B,A])' % b)
  md.add_weights(c, out, 'mdn_init', md.init_weights)
  add_obs(c, 'obs', obs, 'input')
  c.add('obs_flat', log['mlp'][0].numpy(), 'input',
        note='network input [B, T*sum(d)]')
  c.add('true_actions', act, 'input', note='normalized target actions')
  for i, u in enumerate(draws):
    c.add('dropout%d_uniform' % i, u, 'noise',
          note='raw U[0,1) draw of Dropout layer %d in call order' % i)
  for h in HEADS:
    c.add(h, log[h][1].numpy(), 'output',
          note='Dense %s output, training=True' % h)
  c.add('per_example_loss', agg_k['per_example_loss'], 'output',
        note='-MixtureSameFamily.log_prob(actions) [B]')
  c.add('total_loss', loss_info.loss, 'output',
        note='aggregate_losses: sum / B (Losses/mdn_total_loss)')
  c.add('learning_rate', applied['lr'], 'output', note='lr at iteration 0')
  add_update_outputs(c, applied, m, v_, updated, md.short_names,
                     grad_prefix='grad_')
  md.set_weights(md.init_weights)
  return c


def comp_mdn_policy_action(out, st):
  md = mdn(st)
  c = Component(out, 'mdn_policy_action', st.case,
                'ibc/agents/mdn_policy.py:MdnPolicyWrapper.action',
                'agent.policy.action on raw observations: obs_norm_layer, '
                'MLPMDN(training=False), one sample of the mixture (agent.policy '
                'is MdnPolicyWrapper itself, not a GreedyPolicy), clip to the '
                'action spec')
  md.set_weights(md.init_weights)
  b = st.cfg.fwd_examples
  raw_obs, _ = st.raw_batch(b)
  time_step = ts_lib.restart(raw_obs, batch_size=b)
  seed = st.noise_seed('mdn_policy_action')
  with sampler_tape() as rec:
    action = md.agent.policy.action(time_step, seed=seed).action.numpy()
  dist = md.agent.policy.distribution(time_step).action
  logits, loc, scale = mixture_params(dist)
  assert len(rec['normal']) == 1 and len(rec['categorical']) == 1, rec
  # tfd.Sample draws its sample dimension (A) first: [A, B, k] for n = 1.
  raw_z = rec['normal'][0]
  assert raw_z.shape == (loc.shape[2], b, loc.shape[1]), raw_z.shape
  z = np.transpose(raw_z, (1, 2, 0))
  idx = rec['categorical'][0]
  assert idx.shape == (b, 1), idx.shape
  rows = np.arange(b)
  sample = (scale * z + loc)[rows, idx[:, 0]]
  lo, hi = F32(st.act_spec.minimum), F32(st.act_spec.maximum)
  check_equal('mdn policy sample', np.clip(sample, lo, hi), action)
  norm_obs, _ = md.norm_info.obs_norm_layer(raw_obs)
  c.params(batch=b, action_min=float(lo), action_max=float(hi),
           clipped_elements=int(np.sum((sample < lo) | (sample > hi))),
           **md.params())
  c.seeds(weights=st.cfg.mse_weights_seed, policy_action=seed)
  c.note('observations: the first %d windows of the raw (unnormalized) '
         'stream, as a batched restart TimeStep' % b)
  c.note('policy.action(time_step, seed=%d): IBC\'s eval actor passes no '
         'seed; the seed only makes the export repeatable' % seed)
  md.add_weights(c, out, 'mdn_init', md.init_weights)
  add_obs(c, 'raw_obs', raw_obs, 'input')
  layers = obs_norm_layers(md.norm_info)
  for k in sorted(raw_obs.keys()):
    c.add('obs_mean_' + k, layers[k]._mean, 'input')  # pylint: disable=protected-access
    c.add('obs_std_' + k, layers[k]._std, 'input')  # pylint: disable=protected-access
  md.add_act_norm(c)
  add_obs(c, 'norm_obs', norm_obs, 'output')
  c.add('logits', logits, 'output', note='pi / test_temperature [B, k]')
  c.add('loc', loc, 'output', note='act_denorm_layer(mu) [B, k, A]')
  c.add('scale', scale, 'output', note='act_denorm_layer(exp(logvar) ** '
        'test_variance_exponent, mean_offset=False) [B, k, A]')
  c.add('component_normal', z, 'noise',
        note='samplers.normal draw of the components\' sample [B, k, A]')
  c.add('component_index', idx.astype(np.int32), 'noise',
        note='samplers.categorical draw: the chosen component [B, 1]')
  c.add('sample', sample, 'output', note='scale*z + loc of the chosen '
        'component, before the clip [B, A]')
  c.add('action', action, 'output', note='policy action, clipped to the spec')
  return c
