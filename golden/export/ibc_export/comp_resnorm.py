"""ResNet normalizers: IBC's MLPMSE with ResNetLayer.normalizer bound."""

import gin
import numpy as np
import tensorflow as tf
from tf_agents.specs import tensor_spec

from ibc.networks import mlp_mse  # pylint: disable=g-bad-import-order
from ibc_export.helpers import check_equal
from ibc_export.records import Component
from ibc_export.records import F32
from ibc_export.taps import layer_taps

# Small sizes: two residual blocks so that block0 / block1 naming shows.
SHAPES = {'small3d': dict(b=12, obs=6, act=3, width=16, depth=4),
          'odd5d': dict(b=7, obs=5, act=2, width=9, depth=4)}
WEIGHTS_SEED = {'small3d': 21, 'odd5d': 22}
NOISE_SEED = {'small3d': 3021, 'odd5d': 3022}
VARIANTS = [('preact_batch', 'ResNetPreActivation', 'Batch'),
            ('preact_layer', 'ResNetPreActivation', 'Layer'),
            ('orig_batch', 'ResNetOrig', 'Batch'),
            ('orig_layer', 'ResNetOrig', 'Layer')]


def _named_layers(net):
  """(ibc4j name, Keras layer) of MLPMSE's trunk and head."""
  mlp = net._mlp  # pylint: disable=protected-access
  blocks = len(mlp._weight_layers)  # pylint: disable=protected-access
  out = [('proj', mlp._projection_layer)]  # pylint: disable=protected-access
  for l in range(blocks):
    p = 'block' if blocks == 1 else 'block%d' % l
    out += [(p + '_dense1', mlp._weight_layers[l]),  # pylint: disable=protected-access
            (p + '_norm1', mlp._norm_layers[l]),  # pylint: disable=protected-access
            (p + '_dense2', mlp._weight_layers_2[l]),  # pylint: disable=protected-access
            (p + '_norm2', mlp._norm_layers_2[l])]  # pylint: disable=protected-access
  out.append(('head', net._project_action))  # pylint: disable=protected-access
  return out


def _var_names(net):
  by_ref = {}
  for name, layer in _named_layers(net):
    for v in layer.weights:
      short = v.name.split('/')[-1].split(':')[0]
      by_ref[v.ref()] = name + '_' + short
  return by_ref


def _variant(c, st, tag, layers, normalizer, rng):
  s = SHAPES[st.case]
  gin.clear_config()
  gin.parse_config("ResNetLayer.normalizer = '%s'" % normalizer)
  try:
    tf.keras.utils.set_random_seed(WEIGHTS_SEED[st.case])
    net = mlp_mse.MLPMSE(tensor_spec.TensorSpec([s['obs']], tf.float32),
                         tensor_spec.TensorSpec([s['act']], tf.float32),
                         width=s['width'], depth=s['depth'], rate=0.0,
                         act_denorm_layer=tf.identity, layers=layers)
  finally:
    gin.clear_config()
  obs = (rng.normal(size=(s['b'], s['obs'])) * 2.0 + 0.5).astype(F32)
  upstream = rng.normal(size=(s['b'], s['act'])).astype(F32)
  net(obs, training=False)  # builds every variable; moves nothing
  by_ref = _var_names(net)
  # Away from Keras' 1 / 0 / 0 / 1 so that a mix-up of gamma, beta or the
  # moving statistics shows.
  for v in net.weights:
    n = by_ref[v.ref()]
    shape = v.shape.as_list()
    if n.endswith('_gamma'):
      v.assign((1.0 + 0.3 * rng.normal(size=shape)).astype(F32))
    elif n.endswith('_beta') or n.endswith('_moving_mean'):
      v.assign((0.3 * rng.normal(size=shape)).astype(F32))
    elif n.endswith('_moving_variance'):
      v.assign(rng.uniform(0.5, 2.0, size=shape).astype(F32))
  for v in net.weights:
    c.add(tag + '.' + by_ref[v.ref()], v.numpy(), 'weight')
  before = {by_ref[v.ref()]: v.numpy() for v in net.non_trainable_weights}
  eval_before, _ = net(obs, training=False)
  for v in net.non_trainable_weights:
    check_equal('%s: training=False leaves %s' % (tag, by_ref[v.ref()]),
                before[by_ref[v.ref()]], v.numpy())
  norms = {n: l for n, l in _named_layers(net) if '_norm' in n}
  with layer_taps(norms) as log, tf.GradientTape() as tape:
    train_out, _ = net(obs, training=True)
    loss = tf.reduce_sum(train_out * upstream)
  grads = tape.gradient(loss, net.trainable_variables)
  eval_after, _ = net(obs, training=False)
  c.add(tag + '.obs', obs, 'input')
  c.add(tag + '.upstream', upstream, 'input',
        note='dL/d(training output): L = sum(upstream * MLPMSE(obs, '
        'training=True))')
  c.add(tag + '.eval_before', eval_before, 'output',
        note='MLPMSE(obs, training=False) with the given moving statistics '
        '(act_denorm_layer = tf.identity)')
  c.add(tag + '.train', train_out, 'output',
        note='MLPMSE(obs, training=True): batch statistics (Batch)')
  for n in norms:
    c.add(tag + '.train_' + n, log[n][1], 'output',
          note='the normalizer\'s output in the training call')
  for v, g in zip(net.trainable_variables, grads):
    c.add(tag + '.grad_' + by_ref[v.ref()], g, 'output',
          note='dL/d' + by_ref[v.ref()])
  for v in net.non_trainable_weights:
    c.add(tag + '.after_' + by_ref[v.ref()], v.numpy(), 'output',
          note='after the one training call (assign_sub, momentum 0.99)')
  c.add(tag + '.eval_after', eval_after, 'output',
        note='MLPMSE(obs, training=False) after the training call')
  return len(net.trainable_variables), len(net.non_trainable_weights)


def comp_resnet_normalizers(out, st):
  if st.case not in SHAPES:
    raise ValueError('resnet_normalizers is defined for cases %s, not %s' %
                     (sorted(SHAPES), st.case))
  s = SHAPES[st.case]
  c = Component(out, 'resnet_normalizers', st.case,
                'ibc/networks/layers/resnet.py:ResNetLayer (normalizer)',
                'IBC\'s MLPMSE with ResNetLayer.normalizer = \'Batch\' / '
                '\'Layer\' (Keras BatchNormalization() / LayerNormalization('
                'epsilon=1e-6)) in ResNetPreActivation and ResNetOrig: '
                'training=False, one training=True call under a gradient '
                'tape (its output, each normalizer\'s output, the parameter '
                'gradients, the moving statistics after it), training=False '
                'again')
  rng = np.random.default_rng(NOISE_SEED[st.case])
  counts = {}
  for tag, layers, normalizer in VARIANTS:
    counts[tag] = _variant(c, st, tag, layers, normalizer, rng)
  c.params(rows=s['b'], obs_dim=s['obs'], action_dim=s['act'],
           width=s['width'], depth=s['depth'], rate=0.0,
           variants=[dict(tag=t, layers=l, normalizer=n,
                          trainable=counts[t][0],
                          non_trainable=counts[t][1])
                     for t, l, n in VARIANTS],
           batch_epsilon=1e-3, batch_momentum=0.99, layer_epsilon=1e-6)
  c.seeds(weights=WEIGHTS_SEED[st.case], inputs=NOISE_SEED[st.case])
  c.note('MLPMSE built directly (no config binds a normalizer), rate 0; '
         'obs is a plain [B, D] tensor (MLPMSE concatenates and reshapes it '
         'to itself)')
  c.note('gamma, beta and the moving statistics are set away from Keras\' '
         'init (gamma 1 + 0.3 N, beta and moving_mean 0.3 N, '
         'moving_variance U[0.5, 2)) after the build; tensors are named '
         '<variant>.<ibc4j layer>_<Keras variable>')
  return c
