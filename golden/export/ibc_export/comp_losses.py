"""Loss components: info_nce, the other ebm_loss_types, grad_penalty and
grad_penalty over the whole Langevin chain."""

import numpy as np
import tensorflow as tf
from tf_agents.specs import tensor_spec
from tf_agents.train.utils import train_utils
from tf_agents.utils import nest_utils

from ibc.ibc.losses import ebm_loss  # pylint: disable=g-bad-import-order
from ibc.ibc.losses import gradient_loss
from ibc_export import taps
from ibc_export.helpers import WEIGHT_SHORT_NAMES
from ibc_export.helpers import add_weights
from ibc_export.helpers import check_equal
from ibc_export.helpers import combined_actions
from ibc_export.helpers import common_params
from ibc_export.helpers import run_langevin
from ibc_export.helpers import stack_records
from ibc_export.helpers import uniform_counter_actions
from ibc_export.randomness import RandomTape
from ibc_export.records import Component
from ibc_export.records import F32
from ibc_export.taps import LANGEVIN_STEP_FIELDS
from ibc_export.taps import Log
from ibc_export.taps import Stash
from ibc_export.taps import layer_taps


def comp_info_nce(out, st):
  c = Component(out, 'info_nce', st.case, 'ibc/losses/ebm_loss.py:info_nce',
                'InfoNCE over [B, n+1] logits (true action last) with the '
                'agent\'s Keras KLDivergence(reduction=NONE)')
  b, n = st.cfg.train_batch, st.num_counter
  rng = st.component_rng('info_nce')
  scales = np.geomspace(1e-3, 40.0, b).astype(F32)
  pred = (rng.standard_normal((b, n + 1), dtype=F32) * scales[:, None])
  # A few rows where the true action is far below / above the rest, to hit
  # the Keras probability clip at 1e-7 and the saturated case.
  pred[0, n] = -30.0
  pred[1, n] = 30.0
  pred[2, :] = 0.0
  pred = pred.astype(F32)
  with Stash.scope() as s:
    per_example, _ = ebm_loss.info_nce(
        tf.constant(pred), b, n, 1.0, st.agent._kl)  # pylint: disable=protected-access
  _, probs, _ = s['info_nce']
  c.params(batch=b, num_counter_examples=n, softmax_temperature=1.0,
           kl_epsilon=1e-7)
  c.seeds(predictions=st.noise_seed('info_nce'))
  c.note('rows use logit scales geomspace(1e-3, 40); row 0 has the true '
         'logit at -30, row 1 at +30, row 2 is all zeros')
  c.add('predictions', pred, 'input')
  c.add('softmax', probs, 'output')
  c.add('per_example_loss', per_example, 'output')
  return c


EBM_LOSS_TYPES = ['cd', 'clipped_cd', 'soft_clipped_cd']


def comp_ebm_loss_types(out, st):
  c = Component(out, 'ebm_loss_types', st.case,
                'ibc/agents/ibc_agent.py:ImplicitBCAgent._compute_ebm_loss '
                '(ibc/losses/ebm_loss.py:cd, clipped_cd)',
                'the ebm_loss_types other than info_nce (cd_kl cannot be '
                'built: ImplicitBCAgent.__init__ raises AttributeError), each '
                'through an agent built with ImplicitBCAgent.ebm_loss_type, '
                'with d(aggregate_losses total)/d predictions')
  b, n, a = st.cfg.train_batch, st.num_counter, st.cfg.n_dim
  rng = st.component_rng('ebm_loss_types')
  scales = np.geomspace(1e-2, 10.0, b).astype(F32)
  pred = (rng.standard_normal((b, n + 1), dtype=F32) * scales[:, None])
  pred = pred.astype(F32)
  _, true_act = st.normalized_batch(b)
  true_act = np.asarray(true_act, F32)
  # Counter examples at squared distances spread over [0, 0.5] from the true
  # action, so that clipped_cd's 0.2 threshold splits them.
  direction = rng.standard_normal((b, n, a), dtype=F32)
  direction /= np.linalg.norm(direction, axis=-1, keepdims=True)
  dist2 = rng.random((b, n), dtype=F32) * F32(0.5)
  counter = (true_act[:, None, :] +
             direction * np.sqrt(dist2)[..., None]).astype(F32)
  expanded = tf.constant(true_act[:, None, :])
  c.params(batch=b, num_counter_examples=n, action_dim=a,
           loss_types=EBM_LOSS_TYPES, clipped_cd_threshold=0.2)
  c.seeds(inputs=st.noise_seed('ebm_loss_types'))
  c.note('predictions: N(0,1) x geomspace(1e-2, 10) per row; counter '
         'examples: the first %d normalized target actions plus a random '
         'direction times sqrt(U[0, 0.5)), so their squared distances '
         'straddle the 0.2 threshold' % b)
  c.note('grad_predictions = d aggregate_losses(per_example).total_loss / '
         'd predictions (upstream 1/B), by tf.GradientTape')
  c.add('predictions', pred, 'input', note='[B, n+1], true action last')
  c.add('counter_example_actions', counter, 'input', note='[B, n, A]')
  c.add('true_actions', true_act, 'input', note='[B, A]')
  for loss_type in EBM_LOSS_TYPES:
    extra = ["ImplicitBCAgent.ebm_loss_type = '%s'" % loss_type]
    with st.gin(extra):
      agent = st._make_agent(train_utils.create_train_step())  # pylint: disable=protected-access
    assert agent.ebm_loss_type == loss_type
    p = tf.constant(pred)
    with tf.GradientTape() as tape:
      tape.watch(p)
      per_example, debug = agent._compute_ebm_loss(  # pylint: disable=protected-access
          b, p, tf.constant(counter), expanded, None)
      total = taps.ORIG_AGGREGATE(per_example_loss=per_example).total_loss
    grad = tape.gradient(total, p)
    c.add(loss_type + '_per_example_loss', per_example, 'output')
    c.add(loss_type + '_total_loss', total, 'output')
    c.add(loss_type + '_grad_predictions', grad, 'output')
    for key in debug:
      c.add('%s_debug_%s' % (loss_type, key), debug[key], 'output',
            note='debug_dict entry, logged as Losses/%s' % key)
  return c


def comp_grad_penalty(out, st):
  c = Component(out, 'grad_penalty', st.case,
                'ibc/losses/gradient_loss.py:grad_penalty',
                'gradient penalty at the final (combined) actions: inf-norm '
                'of dE/da, margin 1, squared, mean over n+1')
  st.set_weights(st.scaled_weights)
  b, n = st.cfg.train_batch, st.num_counter
  obs, act = st.normalized_batch(b)
  rng = st.component_rng('grad_penalty')
  actions = combined_actions(uniform_counter_actions(rng, st, b, n), act)
  tiled = nest_utils.tile_batch(obs, n + 1)
  with st.gin():
    with Stash.scope() as s:
      penalty = gradient_loss.grad_penalty(st.net, 'inf', b, None, tiled,
                                           tf.constant(actions), True)
  inner, _ = s['grad_penalty']
  (_, _, de_dact, _), = inner['gwa']
  (_, norms), = inner['grad_norms']
  with layer_taps({'projection': st.net._mlp._projection_layer}) as log:  # pylint: disable=protected-access
    st.net((tiled, tf.constant(actions)), training=True)
  x = log['projection'][0].numpy()
  obs_dim = x.shape[1] - st.cfg.n_dim
  norms = norms.numpy().reshape(b, n + 1)
  c.params(batch=b, num_counter_examples=n, grad_norm_type='inf',
           only_apply_final_grad_penalty=True, grad_margin=1.0,
           square_grad_penalty=True, grad_loss_weight=1.0, training=True,
           rows_above_margin=int(np.sum(norms > 1.0)), **common_params(st))
  c.seeds(weights=st.cfg.weights_seed,
          actions=st.noise_seed('grad_penalty'))
  c.note('weights are IBC\'s init x %g so that some norms exceed the margin '
         '(with the plain init every norm is << 1 and the penalty is 0)' %
         st.cfg.weight_scale)
  add_weights(c, out, st, 'scaled')
  c.add('obs', x[:, :obs_dim], 'input')
  c.add('combined_actions', actions, 'input')
  c.add('de_dact', de_dact, 'output', note='= -df/da at combined actions')
  c.add('grad_norms', norms, 'output', note='[B, n+1]')
  c.add('per_example_penalty', penalty, 'output')
  return c


def comp_grad_penalty_chain(out, st):
  c = Component(out, 'grad_penalty_chain', st.case,
                'ibc/losses/gradient_loss.py:grad_penalty '
                '(only_apply_final_grad_penalty=False)',
                'the penalty on the gradient norms at the input of every '
                'Langevin step, the chain run under the GradientTape '
                '(run_full_chain_under_gradient=True, stop_chain_grad after '
                'each step), and its gradient w.r.t. the weights')
  st.set_weights(st.scaled_weights)
  b, n = st.cfg.chain_batch, st.num_counter
  obs, act = st.normalized_batch(b)
  obs_n = nest_utils.tile_batch(obs, n)
  obs_n1 = nest_utils.tile_batch(obs, n + 1)
  seed = st.noise_seed('grad_penalty_chain')
  extra = ['grad_penalty.only_apply_final_grad_penalty = False']
  with st.gin(extra), RandomTape(seed) as tape_rng, \
      Log.collect() as log:
    with tf.GradientTape(watch_accessed_variables=False) as tape:
      tape.watch(st.variables)
      init = tensor_spec.sample_spec_nest(st.sampling_spec, outer_dims=(b, n))
      init = tf.reshape(init, (b * n, -1))
      final, chain = run_langevin(st, obs_n, init, n)
      combined = combined_actions(
          tf.reshape(final, (b, n, -1)).numpy(), act)
      penalty = gradient_loss.grad_penalty(st.net, 'inf', b, chain, obs_n1,
                                           tf.constant(combined), True)
      total = taps.ORIG_AGGREGATE(per_example_loss=penalty).total_loss
    records = list(log['langevin_step'])
  grads = tape.gradient(total, st.variables)
  k = len(records)
  arr = {f: stack_records(records, f) for f in LANGEVIN_STEP_FIELDS}
  check_equal('chain grad norms', arr['grad_norms'], chain.grad_norms)
  check_equal('init', arr['actions_in'][0], init)
  (u,) = tape_rng.of_kind('uniform')
  with layer_taps({'projection': st.net._mlp._projection_layer}) as tlog:  # pylint: disable=protected-access
    st.net((obs_n, init), training=False)
  x = tlog['projection'][0].numpy()
  obs_dim = x.shape[1] - st.cfg.n_dim
  norms = chain.grad_norms.numpy()
  c.params(batch=b, num_counter_examples=n, rows=b * n, num_iterations=k,
           grad_norm_type='inf', only_apply_final_grad_penalty=False,
           grad_margin=1.0, square_grad_penalty=True, grad_loss_weight=1.0,
           run_full_chain_under_gradient=True,
           norms_above_margin=int(np.sum(norms > 1.0)),
           sampling_lo=float(st.sampling_lo),
           sampling_hi=float(st.sampling_hi), **common_params(st))
  c.seeds(weights=st.cfg.weights_seed, noise=seed)
  c.note('weights are IBC\'s init x %g so that some norms exceed the margin'
         % st.cfg.weight_scale)
  c.note('IBC\'s chain stops the gradient of the actions after every step, so '
         'each step\'s norm is a function of the weights at fixed input '
         'actions (init_actions for step 0, chain_actions[k-1] for step k)')
  c.note('grads: d aggregate_losses(per_example_penalty).total_loss / d '
         'weights by the outer tf.GradientTape through the chain\'s '
         'tf.function')
  add_weights(c, out, st, 'scaled')
  c.add('obs', x[:, :obs_dim], 'input', note='obs tiled n times [B*n, obs]')
  c.add('init_uniform', u, 'noise', note='raw U[0,1) draw [B, n, A]')
  c.add('step_noise', arr['noise'], 'noise', note='[K, B*n, A]')
  c.add('init_actions', arr['actions_in'][0], 'output', note='[B*n, A]')
  c.add('chain_actions', chain.actions, 'output',
        note='ChainData.actions: after step k [K, B*n, A]')
  c.add('chain_grad_norms', chain.grad_norms, 'output',
        note='ChainData.grad_norms: at the input of step k [K, B*n]')
  c.add('per_example_penalty', penalty, 'output', note='[B]')
  c.add('total_penalty', total, 'output')
  for short, gr in zip(WEIGHT_SHORT_NAMES, grads):
    c.add('grad_' + short, gr, 'output')
  st.set_weights(st.init_weights)
  return c
