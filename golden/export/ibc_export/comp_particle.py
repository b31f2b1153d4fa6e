"""Particle components: env, oracle, the collected TFRecord shard and its
sequence windows."""

import numpy as np
from tf_agents.environments import suite_gym

from ibc.data import dataset as ibc_dataset  # pylint: disable=g-bad-import-order
from ibc.environments.particle import particle
from ibc.environments.particle import particle_oracles
from ibc.ibc.eval import eval_env as eval_env_module
from ibc_export.helpers import check_equal
from ibc_export.records import Component
from ibc_export.records import F32


OBS_KEYS = ['pos_agent', 'pos_first_goal', 'pos_second_goal', 'vel_agent']


def comp_particle_env(out, st):
  c = Component(out, 'particle_env', st.case,
                'environments/particle/particle.py:ParticleEnv',
                'ParticleEnv reset/step trajectories: seeding, PD dynamics, '
                'reward, done, min distances, success')
  nd = st.cfg.n_dim
  seeds = st.cfg.env_seeds
  n_steps = 50
  with st.gin():
    env = particle.ParticleEnv()
  rng = st.component_rng('particle_env')
  obs_all = {k: [] for k in OBS_KEYS}
  actions, rewards, dones, min1, min2, succ, final_d2 = [], [], [], [], [], [], []
  kinds = []
  for e, seed in enumerate(seeds):
    env.seed(seed)
    o = env.reset()
    # Episode 0: random setpoints (incl. some outside [0,1]); others: goal 1
    # for 25 steps then goal 2 (so rewards/success become 1).
    if e == 0:
      acts = rng.uniform(-0.2, 1.2, size=(n_steps, nd)).astype(F32)
      kinds.append('random_setpoints')
    else:
      g1, g2 = o['pos_first_goal'], o['pos_second_goal']
      acts = np.stack([g1] * 25 + [g2] * 25).astype(F32)
      kinds.append('goal1_x25_then_goal2_x25')
    ep = {k: [o[k]] for k in OBS_KEYS}
    r_, d_, m1, m2 = [], [], [], []
    for t in range(n_steps):
      o, r, d, _ = env.step(acts[t])
      for k in OBS_KEYS:
        ep[k].append(o[k])
      r_.append(r)
      d_.append(d)
      m1.append(env.min_dist_to_first_goal)
      m2.append(env.min_dist_to_second_goal)
    for k in OBS_KEYS:
      obs_all[k].append(np.stack(ep[k]))
    actions.append(acts)
    rewards.append(r_)
    dones.append(d_)
    min1.append(m1)
    min2.append(m2)
    succ.append(env.succeeded)
    final_d2.append(env.dist(env.obs_log[0]['pos_second_goal']))
  # Constructor seeding: ParticleEnv(seed=s) resets once in __init__.
  with st.gin():
    env2 = particle.ParticleEnv(seed=seeds[0])
    ctor_first = env2._get_state()  # pylint: disable=protected-access
    ctor_second = env2.reset()
  # tf-agents eval path: suite_gym + HistoryWrapper, env.seed(k) then reset.
  hist = {k: [] for k in OBS_KEYS}
  with st.gin():
    genv = eval_env_module.get_eval_env('Particle-v0', 2, 0.02, 1)
    step_types = []
    for seed in seeds:
      genv.seed(seed)
      ts0 = genv.reset()
      ts1 = genv.step(np.full((nd,), 0.5, F32))
      for k in OBS_KEYS:
        hist[k].append(np.stack([ts0.observation[k], ts1.observation[k]]))
      step_types.append([int(ts0.step_type), int(ts1.step_type)])
  c.params(n_dim=nd, n_steps=n_steps, dt=0.005, repeat_actions=10, k_p=10.0,
           k_v=5.0, goal_distance=0.05, episode_seeds=seeds,
           episode_actions=kinds)
  c.seeds(episodes=seeds, random_actions=st.noise_seed('particle_env'))
  c.note('episode e: env.seed(seeds[e]); reset(); 50 x step(actions[e, t]) '
         '(the eval seeding rule: episode k starts from RandomState(k))')
  c.note('obs_<key>: [E, 51, N], index 0 = reset; min_dist_*: value after '
         'each step; reward/done per step')
  c.note('ctor_*: ParticleEnv(seed=%d): the state reset() made inside '
         '__init__ and the next reset()' % seeds[0])
  c.note('history_*: suite_gym.load + HistoryWrapper(2, tile_first_step_obs)'
         ', env.seed(k), reset -> [o0,o0], then one step with setpoint 0.5 '
         '-> [o0,o1]; shape [E, 2 time steps, T=2, N]')
  c.add('actions', np.stack(actions), 'input', note='[E, 50, N]')
  for k in OBS_KEYS:
    c.add('obs_' + k, np.stack(obs_all[k]), 'output')
  c.add('rewards', np.asarray(rewards, F32), 'output')
  c.add('dones', np.asarray(dones, np.int32), 'output', dtype='<i4')
  c.add('min_dist_first_goal', np.asarray(min1, F32), 'output')
  c.add('min_dist_second_goal', np.asarray(min2, F32), 'output')
  c.add('succeeded', np.asarray(succ, np.int32), 'output', dtype='<i4')
  c.add('final_dist_second_goal', np.asarray(final_d2, F32), 'output')
  for k in OBS_KEYS:
    c.add('ctor_first_' + k, ctor_first[k], 'output')
    c.add('ctor_second_' + k, ctor_second[k], 'output')
  for k in OBS_KEYS:
    c.add('history_' + k, np.stack(hist[k]), 'output')
  c.add('history_step_types', np.asarray(step_types, np.int32), 'output',
        dtype='<i4')
  return c


def comp_particle_oracle(out, st):
  c = Component(out, 'particle_oracle', st.case,
                'environments/particle/particle_oracles.py:ParticleOracle',
                'green-then-blue oracle actions along full episodes '
                '(suite_gym env, env.seed(k), reset, act until LAST)')
  nd = st.cfg.n_dim
  seeds = st.cfg.oracle_seeds
  with st.gin():
    env = suite_gym.load('Particle-v0')
    oracle = particle_oracles.ParticleOracle(env)
    obs = {k: [] for k in OBS_KEYS}
    acts, types, rewards, switch = [], [], [], []
    for seed in seeds:
      env.seed(seed)
      ts = env.reset()
      ep = {k: [] for k in OBS_KEYS}
      ea, et, er = [], [], []
      while True:
        a = oracle.action(ts).action
        for k in OBS_KEYS:
          ep[k].append(ts.observation[k])
        ea.append(a)
        et.append(int(ts.step_type))
        if ts.is_last():
          break
        ts = env.step(a)
        er.append(float(ts.reward))
      for k in OBS_KEYS:
        obs[k].append(np.stack(ep[k]))
      acts.append(np.stack(ea))
      types.append(et)
      rewards.append(er)
      g2 = ep['pos_second_goal'][0]
      sw = [t for t, x in enumerate(ea) if np.array_equal(x, g2)]
      switch.append(sw[0] if sw else -1)
  c.params(n_dim=nd, wait_at_first_goal=1, goal_threshold=0.01,
           multimodal=False, episode_seeds=seeds, records_per_episode=51)
  c.seeds(episodes=seeds)
  c.note('record t of episode e: observation o_t and oracle action a_t, '
         't = 0..50 (the oracle also acts on the LAST observation, as in '
         'data collection); rewards[e, t] is the reward of step t -> t+1')
  c.note('switch_index: first t whose action is goal 2')
  for k in OBS_KEYS:
    c.add('obs_' + k, np.stack(obs[k]), 'input', note='[E, 51, N]')
  c.add('actions', np.stack(acts), 'output', note='[E, 51, N]')
  c.add('step_types', np.asarray(types, np.int32), 'output', dtype='<i4')
  c.add('rewards', np.asarray(rewards, F32), 'output', note='[E, 50]')
  c.add('switch_index', np.asarray(switch, np.int32), 'output', dtype='<i4')
  return c


def comp_tfrecord_dataset(out, st):
  c = Component(out, 'tfrecord_dataset', st.case,
                'data/policy_eval.py:evaluate + tf_agents TFRecordObserver',
                'a small oracle dataset written by IBC\'s own collection code '
                '(files copied as-is) and its decoded records')
  cfg = st.cfg
  r = st.records
  c.params(n_dim=cfg.n_dim, num_episodes=cfg.collect_episodes,
           num_records=st.num_records, task='PARTICLE',
           policy='particle_green_then_blue')
  c.seeds(env=cfg.collect_env_seed)
  c.note('collected with gin binding ParticleEnv.seed = %d (policy_eval.py '
         'otherwise seeds from OS entropy): the constructor reset uses draws '
         '0..3N-1, the driver\'s first reset draws 3N..6N-1' %
         cfg.collect_env_seed)
  c.note('decoded_*: every record in file order, decoded with '
         'tf_agents example_encoding.get_example_decoder(spec)')
  c.add_file('tfrecord', st.tfrecord, 'input', 'tfrecord')
  c.add_file('spec', st.tfrecord + '.spec', 'input', 'tfrecord-structured-value-spec')
  c.add('decoded_step_type', r.step_type, 'output', dtype='<i4')
  for k in OBS_KEYS:
    c.add('decoded_obs_' + k, r.observation[k], 'output')
  c.add('decoded_action', r.action, 'output')
  c.add('decoded_next_step_type', r.next_step_type, 'output', dtype='<i4')
  c.add('decoded_reward', r.reward, 'output')
  c.add('decoded_discount', r.discount, 'output')
  return c


def comp_dataset_windows(out, st):
  c = Component(out, 'dataset_windows', st.case,
                'data/dataset.py:load_tfrecord_dataset_sequence + '
                'ibc/train/get_data.py:get_data_fns',
                'sequence_length-2 windows of the tfrecord_dataset shard: '
                'frames, source record indices, step types, target actions')
  nrec = st.num_records
  w = nrec + 2
  ds = ibc_dataset.load_tfrecord_dataset_sequence([st.tfrecord], seq_len=2,
                                                  deterministic=True)
  wins = list(ds.take(w))
  raw = st.raw_batch(w)
  (raw_obs, raw_target) = raw
  r = st.records

  def find_record(frame_obs, frame_act, frame_type):
    hits = [
        i for i in range(nrec) if all(
            np.array_equal(r.observation[k][i], frame_obs[k])
            for k in OBS_KEYS) and np.array_equal(r.action[i], frame_act) and
        int(r.step_type[i]) == int(frame_type)
    ]
    assert len(hits) == 1, hits
    return hits[0]

  idx = np.array([[
      find_record({k: win.observation[k][t].numpy() for k in OBS_KEYS},
                  win.action[t].numpy(), win.step_type[t].numpy())
      for t in range(2)
  ] for win in wins], np.int32)
  obs = {k: np.stack([win.observation[k].numpy() for win in wins])
         for k in OBS_KEYS}
  for k in OBS_KEYS:
    check_equal('get_data obs ' + k, raw_obs[k], obs[k])
  act = np.stack([win.action.numpy() for win in wins])
  check_equal('target = newest action', raw_target, act[:, -1])
  boundary = [i for i in range(w) if idx[i, 0] == idx[i, 1]]
  c.params(sequence_length=2, num_windows=w, num_records=nrec,
           boundary_windows=boundary)
  c.note('window i is the i-th element of load_tfrecord_dataset_sequence('
         '[shard], seq_len=2, deterministic=True); the training stream '
         '(get_data_fns, no shuffle) yields the same windows with target = '
         'action[:, -1] (checked at export)')
  c.note('record_index: source record of each frame (unique match on obs, '
         'action, step type); windows at an episode start are [FIRST, FIRST]; '
         'the stream wraps from the last record back to record 0')
  c.add('record_index', idx, 'output', dtype='<i4', note='[W, 2]')
  c.add('step_type', np.stack([win.step_type.numpy() for win in wins]),
        'output', dtype='<i4')
  for k in OBS_KEYS:
    c.add('obs_' + k, obs[k], 'output', note='[W, 2, N]')
  c.add('actions', act, 'output', note='[W, 2, N]')
  c.add('target_action', raw_target, 'output', note='[W, N]')
  return c
