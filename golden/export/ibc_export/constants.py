"""Fixed lists of the exporter: component order and what it changes in IBC."""

EXPECTED_IBC_COMMIT = 'db89ddbb852603fe9b64cf0f502b1fd3d6037d33'
FORMAT_VERSION = 1

COMPONENT_ORDER = [
    'normalizer_stats', 'sampling_bounds', 'obs_flatten', 'mlp_ebm_forward',
    'mlp_ebm_action_grad', 'info_nce', 'ebm_loss_types', 'grad_penalty',
    'grad_penalty_chain', 'langevin_chain',
    'iterative_dfo', 'ibc_policy_inference', 'adam_schedule', 'train_step',
    'spectral_norm', 'mlp_mse_forward', 'mse_train_step', 'mse_policy_action',
    'mlp_mdn_forward', 'mdn_train_step', 'mdn_policy_action',
    'particle_env', 'particle_oracle', 'tfrecord_dataset', 'dataset_windows',
    'pixel_ebm_forward', 'conv_mlp_mse_forward', 'spatial_attention_forward',
    'conv_mlp_mdn_forward', 'pixel_grad_penalty', 'pixel_ebm_train_step',
    'resnet_normalizers', 'jpeg_image_records'
]
# Order in which the exporter produces them (priority order).
PRODUCE_ORDER = [
    'mlp_ebm_forward', 'mlp_ebm_action_grad', 'info_nce', 'grad_penalty',
    'langevin_chain', 'train_step', 'adam_schedule', 'ibc_policy_inference',
    'obs_flatten', 'normalizer_stats', 'sampling_bounds', 'iterative_dfo',
    'particle_env', 'particle_oracle', 'tfrecord_dataset', 'dataset_windows',
    # Last, so that they cannot shift any earlier component's state.
    'mlp_mse_forward', 'mse_train_step', 'mse_policy_action', 'ebm_loss_types',
    'grad_penalty_chain', 'spectral_norm',
    'mlp_mdn_forward', 'mdn_train_step', 'mdn_policy_action',
    'pixel_ebm_forward', 'conv_mlp_mse_forward', 'spatial_attention_forward',
    'conv_mlp_mdn_forward', 'pixel_grad_penalty', 'pixel_ebm_train_step',
    'resnet_normalizers', 'jpeg_image_records'
]
# The cases the Java side knows by name (GoldenManifest.CASE_ORDER); other
# cases sort after these, in definition order.
BUILTIN_CASE_ORDER = ['particle2d', 'small3d']

RUNTIME_FIXES = [
    'pybullet, pybullet_data and pybullet_utils.bullet_client are stubbed as '
    'empty modules in sys.modules: ibc/eval/eval_env.py and '
    'data/policy_eval.py import the block-pushing envs at module level; the '
    'particle path never calls pybullet',
    'ibc/train/get_agent.py:get_agent builds tf.keras.optimizers.Adam; on TF '
    '2.15 that name is the new Keras optimizer, so during get_agent it is '
    'pointed at tf.keras.optimizers.legacy.Adam (same defaults and formula, '
    'fused ResourceApplyAdam kernel as on TF 2.6)',
    'tf.config.run_functions_eagerly(False) is set explicitly (train_eval '
    'calls the removed tf.config.experimental_run_functions_eagerly(False)); '
    'IBC tf.functions run as graphs, mcmc.my_range stays tf.range',
    'ibc/agents/mcmc.py:langevin_actions_given_obs is @tf.function over '
    '@gin.configurable. TF 2.15 builds the tf.function signature with '
    'inspect.signature, which follows the gin wrapper\'s __wrapped__ and '
    'fills in the undecorated defaults (num_iterations=25, ...) as explicit '
    'arguments, so gin bindings are silently ignored; TF 2.6 used '
    'getfullargspec (no __wrapped__) and gin applied. The exporter deletes '
    '__wrapped__ from the gin wrapper and re-wraps it in tf.function, '
    'restoring the TF 2.6 behaviour (gin-bound num_iterations=100)',
    'matplotlib tostring_rgb (ParticleEnv.render) is not needed: nothing is '
    'rendered',
    'data/policy_eval.py:evaluate never closes its TFRecordObserver; the '
    'exporter wraps TFRecordObserver.__init__ to remember the observers and '
    'closes them after evaluate returns (the file content is unchanged)',
]
INSTRUMENTATION = [
    'tensorflow gen_random_ops.random_uniform / random_standard_normal / '
    'multinomial are replaced while a RandomTape is active: raw U[0,1) and '
    'N(0,1) float32 draws come from numpy PCG64(seed) and categorical draws '
    'from tf.random.stateless_categorical(seed=[seed, draw_index]); TF\'s own '
    'affine parts (U*(hi-lo)+lo, rnd*stddev+mean) still run',
    'ibc.ibc.agents.mcmc: langevin_step, gradient_wrt_act, '
    'categorical_bincount, compute_grad_norm and get_probabilities are wrapped '
    'and the module-level name tf is a proxy that observes tf.clip_by_value, '
    'tf.gather and tf.nn.softmax; in graph mode the per-step record is a '
    'tf.py_function that passes the step output through unchanged',
    'Keras sub-layers of MLPEBM get an instance-level call wrapper while the '
    'forward intermediates are recorded',
]
