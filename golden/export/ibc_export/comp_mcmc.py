"""MCMC components: Langevin chain, iterative DFO, IbcPolicy inference."""

import numpy as np
import tensorflow as tf
import tensorflow_probability as tfp
from tf_agents.specs import tensor_spec
from tf_agents.utils import nest_utils

from ibc.environments.particle import particle_oracles  # pylint: disable=g-bad-import-order
from ibc.ibc.agents import mcmc
from ibc.ibc.eval import eval_env as eval_env_module
from ibc_export.helpers import add_obs
from ibc_export.helpers import add_weights
from ibc_export.helpers import batched_time_step
from ibc_export.helpers import check_equal
from ibc_export.helpers import common_params
from ibc_export.helpers import langevin_outputs
from ibc_export.helpers import run_langevin
from ibc_export.helpers import stack_records
from ibc_export.randomness import RandomTape
from ibc_export.records import Component
from ibc_export.taps import LANGEVIN_STEP_FIELDS
from ibc_export.taps import Log
from ibc_export.taps import Stash
from ibc_export.taps import layer_taps


def comp_langevin_chain(out, st):
  c = Component(out, 'langevin_chain', st.case,
                'ibc/agents/mcmc.py:langevin_actions_given_obs',
                'Langevin chain as ImplicitBCAgent runs it for counter '
                'examples (uniform init via sample_spec_nest, K steps, '
                'return_chain=True), every step recorded')
  st.set_weights(st.init_weights)
  b, n = st.cfg.chain_batch, st.num_counter
  obs, _ = st.normalized_batch(b)
  obs_n = nest_utils.tile_batch(obs, n)
  with st.gin(), RandomTape(st.noise_seed('langevin_chain')) as tape:
    with Log.collect() as log:
      init = tensor_spec.sample_spec_nest(st.sampling_spec, outer_dims=(b, n))
      init = tf.reshape(init, (b * n, -1))
      final, chain = run_langevin(st, obs_n, init, n)
      records = list(log['langevin_step'])
  with layer_taps({'projection': st.net._mlp._projection_layer}) as tlog:  # pylint: disable=protected-access
    st.net((obs_n, init), training=False)
  x = tlog['projection'][0].numpy()
  obs_dim = x.shape[1] - st.cfg.n_dim
  k = len(records)
  assert k == st.langevin_k, (k, st.langevin_k)
  arr = {f: stack_records(records, f) for f in LANGEVIN_STEP_FIELDS}
  check_equal('chain energies', arr['energies'], chain.energies)
  check_equal('chain grad norms', arr['grad_norms'], chain.grad_norms)
  check_equal('chain actions', arr['actions_out'], chain.actions)
  check_equal('final', arr['actions_out'][-1], final)
  check_equal('init', arr['actions_in'][0], init)
  (kind, u), = [d for d in tape.draws if d[0] == 'uniform']
  check_equal('noise order', np.stack(tape.of_kind('normal')), arr['noise'])
  c.params(batch=b, num_counter_examples=n, rows=b * n, num_iterations=k,
           sampler_stepsize_init=0.1, sampler_stepsize_final=1e-5,
           sampler_stepsize_power=2.0, noise_scale=1.0,
           delta_action_clip=0.1, grad_clip=None, training=False,
           sampling_lo=float(st.sampling_lo),
           sampling_hi=float(st.sampling_hi), **common_params(st))
  c.seeds(weights=st.cfg.weights_seed, noise=st.noise_seed('langevin_chain'))
  c.note('uniform init = tf.random.uniform(lo, hi) = U*(hi-lo)+lo with U the '
         'recorded init_uniform [B, n, A], reshaped to [B*n, A]')
  c.note('ChainData (actions, energies, grad_norms) equals step_actions, '
         'step_energies, step_grad_norms bitwise (checked at export)')
  if st.case == 'particle2d':
    c.note('B*n = %d chain rows instead of the 4096 of a 512-batch, to keep '
           'the per-step dumps small; K is the configured %d' % (b * n, k))
  add_weights(c, out, st, 'init')
  c.add('obs', x[:, :obs_dim], 'input', note='obs tiled n times [B*n, obs]')
  c.add('sampling_lo', st.sampling_lo, 'input')
  c.add('sampling_hi', st.sampling_hi, 'input')
  c.add('init_uniform', u, 'noise', note='raw U[0,1) draw [B, n, A]')
  langevin_outputs(c, records)
  c.add('final_actions', final, 'output')
  return c


def comp_iterative_dfo(out, st):
  c = Component(out, 'iterative_dfo', st.case,
                'ibc/agents/mcmc.py:iterative_dfo',
                'derivative-free optimizer as IbcPolicy calls it (uniform '
                'init, 3 iterations, std 0.33 halved, temperature 1)')
  st.set_weights(st.init_weights)
  b, n = st.cfg.dfo_batch, st.cfg.dfo_samples
  obs, _ = st.normalized_batch(b)
  obs_n = nest_utils.tile_batch(obs, n)
  seed = st.noise_seed('iterative_dfo')
  with st.gin(), RandomTape(seed) as tape:
    with Log.collect() as log:
      init = tensor_spec.sample_spec_nest(st.sampling_spec,
                                          outer_dims=(b * n,))
      probs, samples, _ = mcmc.iterative_dfo(
          st.net, b, obs_n, init, policy_state=(), num_action_samples=n,
          min_actions=st.sampling_spec.minimum,
          max_actions=st.sampling_spec.maximum, training=False,
          late_fusion=False, tfa_step_type=())
      first = list(log['dfo_first'])
      iters = list(log['dfo_iter'])
  assert len(first) == 1 and len(iters) == 2, (len(first), len(iters))
  recs = first + iters
  check_equal('dfo final', recs[-1]['resampled'], samples)
  (u,) = tape.of_kind('uniform')
  with layer_taps({'projection': st.net._mlp._projection_layer}) as tlog:  # pylint: disable=protected-access
    st.net((obs_n, init), training=False)
  x = tlog['projection'][0].numpy()
  obs_dim = x.shape[1] - st.cfg.n_dim
  c.params(batch=b, num_action_samples=n, num_iterations=3,
           iteration_std=0.33, temperature=1.0, training=False,
           sampling_lo=float(st.sampling_lo),
           sampling_hi=float(st.sampling_hi), **common_params(st))
  c.seeds(weights=st.cfg.weights_seed, noise=seed)
  c.note('iteration i = 0 scores the uniform init; i = 1, 2 first perturb '
         'the resampled set with noise*std (std = fl32(0.33), then halved), '
         'clip to [lo, hi], then score and resample')
  c.note('categorical draws: [B, n] int32 indices per resampling (what '
         'tf.random.categorical returned); counts = bincount per row')
  c.note('returned probs are softmax of the LAST scored set (before its '
         'resampling); returned samples are after it')
  add_weights(c, out, st, 'init')
  c.add('obs', x[:, :obs_dim], 'input', note='obs tiled n times')
  c.add('init_uniform', u, 'noise', note='raw U[0,1) draw [B*n, A]')
  cats = tape.of_kind('categorical')
  assert len(cats) == 3
  for i, rec in enumerate(recs):
    c.add('iter%d_categorical' % i, cats[i], 'noise', dtype='<i4')
    if i > 0:
      c.add('iter%d_noise' % i, rec['noise'], 'noise')
      c.add('iter%d_perturbed_pre_clip' % i, rec['perturbed_pre_clip'],
            'output')
    c.add('iter%d_samples' % i, rec['samples_scored'], 'output')
    c.add('iter%d_log_probs' % i, rec['log_probs'], 'output', note='[B, n]')
    c.add('iter%d_counts' % i, rec['counts'], 'output', dtype='<i4')
    c.add('iter%d_resampled' % i, rec['resampled'], 'output')
  c.add('probs', probs, 'output', note='[B*n]')
  c.add('final_samples', samples, 'output')
  return c


def comp_ibc_policy_inference(out, st):
  c = Component(out, 'ibc_policy_inference', st.case,
                'ibc/agents/ibc_policy.py:IbcPolicy._distribution',
                'one eval action: normalize obs, tile N, uniform init, K '
                'Langevin steps (noise 1.0), softmax over f, greedy argmax, '
                'denormalize, clip to the action spec')
  st.set_weights(st.init_weights)
  cfg = st.cfg
  # Observation: eval env (HistoryWrapper T=2) seeded with the eval rule,
  # three oracle steps in, so the two frames differ.
  with st.gin():
    env = eval_env_module.get_eval_env('Particle-v0', 2, 0.02, 1)
    env.seed(cfg.policy_seed_episode)
    ts = env.reset()
    oracle = particle_oracles.ParticleOracle(env)
    for _ in range(3):
      ts = env.step(oracle.action(ts).action)
  time_step = batched_time_step(ts)
  seed = st.noise_seed('ibc_policy_inference')
  runs = {}
  for which in ['greedy', 'collect']:
    with st.gin(), RandomTape(seed) as tape:
      with Log.collect() as log, Stash.scope() as s:
        if which == 'greedy':
          action = st.agent.policy.action(time_step).action
          runs[which] = dict(action=action.numpy())
        else:
          dist = st.agent.collect_policy.distribution(time_step).action
          idx = tfp.distributions.Categorical.mode(dist)
          runs[which] = dict(
              mapped=dist._mapped_values.numpy(),  # pylint: disable=protected-access
              probs=dist.probs_parameter().numpy(),
              mode_index=idx.numpy(), mode=dist.mode().numpy())
        runs[which]['records'] = list(log['langevin_step'])
        runs[which]['uniform'] = tape.of_kind('uniform')
        runs[which]['probs_tap'] = s['get_probabilities']
  g, col = runs['greedy'], runs['collect']
  for f in LANGEVIN_STEP_FIELDS:
    check_equal('policy runs ' + f, stack_records(g['records'], f),
                stack_records(col['records'], f))
  _, _, logits, probs = col['probs_tap']
  check_equal('probs', probs, col['probs'])
  norm_obs, _ = st.norm_info.obs_norm_layer(time_step.observation)
  n_samples = st.policy_samples
  tiled = nest_utils.tile_batch(norm_obs, n_samples)
  (u,) = col['uniform']
  c.params(num_action_samples=int(n_samples),
           num_iterations=len(g['records']), noise_scale=1.0,
           use_langevin=True, use_dfo=False, optimize_again=False,
           sampling_lo=float(st.sampling_lo),
           sampling_hi=float(st.sampling_hi), **common_params(st))
  c.seeds(weights=st.cfg.weights_seed, noise=seed,
          env_episode_seed=cfg.policy_seed_episode)
  c.note('observation: eval env (suite_gym Particle-v0 + HistoryWrapper(2, '
         'tile_first_step_obs)) after env.seed(%d), reset and 3 oracle steps' %
         cfg.policy_seed_episode)
  c.note('agent.policy.action (GreedyPolicy) and '
         'agent.collect_policy.distribution were run with the same injected '
         'noise; their chains are bitwise equal (checked at export)')
  add_weights(c, out, st, 'init')
  add_obs(c, 'raw_obs', time_step.observation, 'input')
  mm = st.norm_info.act_norm_layer
  c.add('act_mid', np.asarray(mm._mean_range), 'input')  # pylint: disable=protected-access
  c.add('act_half', np.asarray(mm._half_range), 'input')  # pylint: disable=protected-access
  c.add('sampling_lo', st.sampling_lo, 'input')
  c.add('sampling_hi', st.sampling_hi, 'input')
  add_obs(c, 'norm_obs', norm_obs, 'output')
  add_obs(c, 'tiled_obs', tiled, 'output')
  c.add('init_uniform', u, 'noise', note='raw U[0,1) draw [N, A]')
  langevin_outputs(c, g['records'])
  c.add('logits', tf.reshape(logits, [-1]), 'output',
        note='f at the final samples [N]')
  c.add('probs', col['probs'], 'output', note='softmax(logits) [N]')
  c.add('argmax_index', np.asarray(col['mode_index']).reshape([]), 'output',
        dtype='<i4')
  c.add('denormalized_samples', col['mapped'], 'output',
        note='act_denorm_layer(final samples) [N, A]')
  c.add('mode_action', col['mode'], 'output', note='before the spec clip')
  c.add('action', g['action'], 'output',
        note='GreedyPolicy action clipped to [0,1] [1, A]')
  return c
