"""Pixel network components: PixelEBM (ConvMaxpoolEncoder + DenseResnetValue,
late fusion) forward and action gradient, ConvMLPMSE forward.

Small images, as the block-pushing pixel configs' shapes cannot be dumped: a
case-dependent raw size (small3d: 32x40 raw -> 24x32 target, IBC's 0.75 ratio
of 240x320 -> 180x240; odd5d: 27x37 -> 19x29) with IBC's sequence_length 2
(6 stacked channels). The conv widths (32/64/128/256) are IBC's, fixed.
"""

import gin
import numpy as np
import tensorflow as tf
from tf_agents.specs import tensor_spec
from tf_agents.utils import nest_utils

from ibc.ibc.train import get_cloning_network as cloning_network  # pylint: disable=g-bad-import-order
from ibc.ibc.train import stats as stats_module
from ibc.networks import pixel_ebm
from ibc.networks import pixel_mse
from ibc.networks.layers import resnet
from ibc_export import taps
from ibc_export.helpers import check_equal
from ibc_export.records import Component
from ibc_export.records import F32
from ibc_export.taps import layer_taps

# Per case: raw (H, W), target (H, W), observations B, samples per obs N.
PIXEL_SHAPES = {
    'small3d': dict(raw=(32, 40), target=(24, 32), b=3, n=5),
    'odd5d': dict(raw=(27, 37), target=(19, 29), b=2, n=4),
}
SEQUENCE_LENGTH = 2
ACTION_DIM = 2
VALUE_BINDINGS = ['DenseResnetValue.width = 64',
                  'DenseResnetValue.num_blocks = 2']
MSE_ARGS = dict(width=32, depth=4, rate=0.1, layers='ResNetPreActivation',
                coord_conv=True)
WEIGHTS_SEED = {'small3d': 11, 'odd5d': 12}
NOISE_SEED = {'small3d': 2011, 'odd5d': 2012}
CONV_NAMES = ['conv1', 'conv2', 'conv3', 'conv4']


def _shapes(st):
  if st.case not in PIXEL_SHAPES:
    raise ValueError('pixel components are defined for cases %s, not %s' %
                     (sorted(PIXEL_SHAPES), st.case))
  return PIXEL_SHAPES[st.case]


def _specs(shape):
  h, w = shape['raw']
  obs_spec = {'rgb': tensor_spec.BoundedTensorSpec(
      [SEQUENCE_LENGTH, h, w, 3], tf.uint8, 0, 255)}
  act_spec = tensor_spec.BoundedTensorSpec([ACTION_DIM], tf.float32, -1., 1.)
  # As get_cloning_network hands it to the network: images as float32.
  return cloning_network.adjust_img_spec_to_float(obs_spec), act_spec


def _inputs(st, shape, name):
  """uint8 frames, per-pixel z-score statistics, normalized float obs."""
  rng = np.random.Generator(np.random.PCG64(NOISE_SEED[st.case] +
                                            {'ebm': 0, 'mse': 100, 'spatial': 200,
                                             'mdn': 300}[name]))
  h, w = shape['raw']
  b = shape['b']
  rgb = rng.integers(0, 256, size=(b, SEQUENCE_LENGTH, h, w, 3),
                     dtype=np.uint8)
  frames = tf.image.convert_image_dtype(tf.constant(rgb), tf.float32)
  flat = frames.numpy().reshape((-1, h, w, 3))
  mean = flat.mean(axis=0).astype(F32)
  std = flat.std(axis=0).astype(F32)
  layer = stats_module.StdNormalizationLayer(mean=mean, std=std)
  normalized = layer(frames)
  return rng, rgb, frames, mean, std, normalized


def _named_weights(named_layers, variables):
  """[(short name, value)] in Keras' trainable-variable order."""
  by_ref = {}
  for name, layer in named_layers:
    if not layer.built:
      continue  # never called (ResNetDenseBlock.dense3): no variables
    by_ref[layer.kernel.ref()] = name + '_kernel'
    by_ref[layer.bias.ref()] = name + '_bias'
  return [(by_ref[v.ref()], v.numpy()) for v in variables]


def _value_layers(value):
  out = [('dense0', value.dense0)]
  for i, blk in enumerate(value.blocks):
    out += [('block%d_dense0' % i, blk.dense0), ('block%d_dense1' % i, blk.dense1),
            ('block%d_dense2' % i, blk.dense2), ('block%d_dense3' % i, blk.dense3)]
  out.append(('dense1', value.dense1))
  return out


def _encoder_taps(encoder, images):
  """Every layer output of get_conv_maxpool's Keras model."""
  names = [l.name for l in encoder.layers[1:]]
  tap = tf.keras.Model(encoder.input, [l.output for l in encoder.layers[1:]])
  return list(zip(names, tap(images, training=False)))


def _add_raw(c, rgb, frames, mean, std, normalized):
  c.add('rgb_uint8', rgb.astype(np.int32), 'input',
        note='uint8 frames [B, T, H, W, 3] (stored as int32)')
  c.add('rgb_float', frames, 'output', note='tf.image.convert_image_dtype')
  c.add('obs_mean', mean, 'input', note='per-pixel mean [H, W, 3]')
  c.add('obs_std', std, 'input', note='per-pixel std [H, W, 3]')
  c.add('rgb', normalized, 'output',
        note='StdNormalizationLayer: (x - mean) / max(std, eps), the '
        'network input')


def comp_pixel_ebm_forward(out, st):
  shape = _shapes(st)
  c = Component(out, 'pixel_ebm_forward', st.case,
                'ibc/networks/pixel_ebm.py:PixelEBM.call',
                'PixelEBM (ConvMaxpoolEncoder, DenseResnetValue) forward, '
                'training=False: image preprocessing, every encoder layer, '
                'the late-fusion value pass and -df/da (gradient_wrt_act '
                'with obs_encoding, as the Langevin chain runs it)')
  obs_spec, act_spec = _specs(shape)
  th, tw = shape['target']
  gin.clear_config()
  gin.parse_config(VALUE_BINDINGS)
  try:
    tf.keras.utils.set_random_seed(WEIGHTS_SEED[st.case])
    net = pixel_ebm.PixelEBM(obs_spec, act_spec,
                             encoder_network='ConvMaxpoolEncoder',
                             value_network='DenseResnetValue',
                             target_height=th, target_width=tw)
  finally:
    gin.clear_config()
  rng, rgb, frames, mean, std, normalized = _inputs(st, shape, 'ebm')
  b, n = shape['b'], shape['n']
  actions = rng.uniform(-1., 1., size=(b * n, ACTION_DIM)).astype(F32)
  obs = {'rgb': normalized}
  energy, _ = net((obs, tf.constant(actions)), training=False)
  encoding = net.encode(obs, training=False)
  tiled = nest_utils.tile_batch(encoding, n)
  with layer_taps(dict(_value_layers(net._value))) as log:  # pylint: disable=protected-access
    late, _ = net((obs, tf.constant(actions)), training=False,
                  observation_encoding=tiled)
  check_equal('late fusion equals the tiling call', late, energy)
  de_dact, energies = taps.ORIG_MCMC['gradient_wrt_act'](
      net, obs, tf.constant(actions), training=False, network_state=(),
      tfa_step_type=(), apply_exp=False, obs_encoding=tiled)
  from ibc.networks.utils import image_prepro  # pylint: disable=g-import-not-at-top
  pre = image_prepro.preprocess(normalized, target_height=th, target_width=tw)
  stacked = image_prepro.stack_images_channelwise(normalized, b)
  layers = [(nm, net._encoder.get_layer(nm)) for nm in CONV_NAMES]  # pylint: disable=protected-access
  weights = _named_weights(layers + _value_layers(net._value),  # pylint: disable=protected-access
                           net.trainable_variables)
  c.params(batch=b, num_action_samples=n, sequence_length=SEQUENCE_LENGTH,
           raw_height=shape['raw'][0], raw_width=shape['raw'][1],
           target_height=th, target_width=tw, action_dim=ACTION_DIM,
           encoder_network='ConvMaxpoolEncoder',
           value_network='DenseResnetValue', value_width=64,
           value_num_blocks=2, training=False, eps=float(stats_module.EPS))
  c.seeds(weights=WEIGHTS_SEED[st.case], inputs=NOISE_SEED[st.case])
  c.note('small images (the configs use 240x320 raw, 180x240 target); conv '
         'widths are IBC\'s. Weights: Keras init after '
         'tf.keras.utils.set_random_seed (glorot_uniform/zeros for the convs, '
         'RandomNormal(0.05) kernels and biases for the dense layers)')
  c.note('actions: %d uniform samples in [-1, 1] per observation, tiled as '
         'nest_utils.tile_batch (row r belongs to observation r // %d)' %
         (n, n))
  c.note('dense3 of every ResNetDenseBlock is never called (x and y have the '
         'same width), so Keras never builds it: it has no variables')
  for name, value in weights:
    c.add(name, value, 'weight')
  _add_raw(c, rgb, frames, mean, std, normalized)
  c.add('actions', actions, 'input')
  c.add('stacked', stacked, 'output',
        note='image_prepro.stack_images_channelwise: a reshape [B,H,W,T*3]')
  c.add('images', pre, 'output', note='image_prepro.preprocess: stacked, '
        'tf.image.resize bilinear (half-pixel centers) to the target')
  for name, value in _encoder_taps(net._encoder, pre):  # pylint: disable=protected-access
    c.add('enc_' + name, value, 'output')
  c.add('encoding', encoding, 'output', note='PixelEBM.encode [B, 256]')
  c.add('value_input', log['dense0'][0], 'output',
        note='concat([tiled encoding, actions], -1)')
  for name, _ in _value_layers(net._value):  # pylint: disable=protected-access
    if name in log:
      c.add('value_' + name, log[name][1], 'output')
  c.add('energy', energy, 'output', note='squeezed value output [B*N]')
  c.add('de_dact', de_dact, 'output', note='= -df/da (IBC sign)')
  c.add('grad_energies', energies, 'output',
        note='the energies gradient_wrt_act returns (under the tape they '
        'may differ from energy in the last bit)')
  return c


def _mse_layers(net):
  return conv_mlp_layers(net) + [('head', net._project_action)]  # pylint: disable=protected-access


def conv_mlp_layers(net):
  """The convs and the ResNet MLP's Dense layers of ConvMLPMSE / ConvMLPMDN."""
  layers = [(nm, net.cnn.get_layer(nm)) for nm in CONV_NAMES]
  mlp = net._mlp  # pylint: disable=protected-access
  assert isinstance(mlp, resnet.ResNetLayer)
  nb = len(mlp._weight_layers)  # pylint: disable=protected-access
  prefix = lambda l: 'block' if nb == 1 else 'block%d' % l
  layers.append(('proj', mlp._projection_layer))  # pylint: disable=protected-access
  for l, d in enumerate(mlp._weight_layers):  # pylint: disable=protected-access
    layers.append((prefix(l) + '_dense1', d))
  for l, d in enumerate(mlp._weight_layers_2):  # pylint: disable=protected-access
    layers.append((prefix(l) + '_dense2', d))
  return layers


def comp_conv_mlp_mse_forward(out, st):
  shape = _shapes(st)
  c = Component(out, 'conv_mlp_mse_forward', st.case,
                'ibc/networks/pixel_mse.py:ConvMLPMSE.call',
                'ConvMLPMSE (ResNetPreActivation, coord_conv) forward, '
                'training=False: stacked, resized, coord-conv image, the cnn '
                'features, the MLP and the head, act_denorm_layer applied')
  obs_spec, act_spec = _specs(shape)
  th, tw = shape['target']
  rng, rgb, frames, mean, std, normalized = _inputs(st, shape, 'mse')
  act_mean = rng.normal(size=ACTION_DIM).astype(F32) * F32(0.1)
  act_std = rng.uniform(0.2, 0.5, size=ACTION_DIM).astype(F32)
  denorm = stats_module.StdDenormalizationLayer(mean=act_mean, std=act_std)
  gin.clear_config()
  tf.keras.utils.set_random_seed(WEIGHTS_SEED[st.case] + 100)
  net = pixel_mse.ConvMLPMSE(obs_spec, act_spec, act_denorm_layer=denorm,
                             target_height=th, target_width=tw, **MSE_ARGS)
  b = shape['b']
  obs = {'rgb': normalized}
  mlp = net._mlp  # pylint: disable=protected-access
  with layer_taps({'mlp': mlp, 'head': net._project_action}) as log:  # pylint: disable=protected-access
    action, _ = net(obs, training=False)
  x = net._stack_images_channelwise(normalized, b)  # pylint: disable=protected-access
  x = tf.image.resize(x, [th, tw])
  cnn_input = net._concat_coordconv(x, b)  # pylint: disable=protected-access
  features = net.cnn(cnn_input)
  check_equal('cnn features feed the mlp', features, log['mlp'][0])
  weights = _named_weights(_mse_layers(net), net.trainable_variables)
  c.params(batch=b, sequence_length=SEQUENCE_LENGTH,
           raw_height=shape['raw'][0], raw_width=shape['raw'][1],
           target_height=th, target_width=tw, action_dim=ACTION_DIM,
           training=False, eps=float(stats_module.EPS), **MSE_ARGS)
  c.seeds(weights=WEIGHTS_SEED[st.case] + 100,
          inputs=NOISE_SEED[st.case] + 100)
  c.note('small images; conv widths are IBC\'s. Weights: Keras init after '
         'tf.keras.utils.set_random_seed (convs glorot_uniform/zeros, MLP and '
         'head RandomNormal(0.05)); act_denorm_layer: StdDenormalizationLayer '
         'with act_mean/act_std')
  for name, value in weights:
    c.add(name, value, 'weight')
  _add_raw(c, rgb, frames, mean, std, normalized)
  c.add('act_mean', act_mean, 'input')
  c.add('act_std', act_std, 'input')
  c.add('cnn_input', cnn_input, 'output',
        note='stacked, resized, then the coord-conv channels (y, x)')
  c.add('features', features, 'output', note='get_conv_maxpool output')
  c.add('mlp', log['mlp'][1], 'output', note='ResNetPreActivation output')
  c.add('head', log['head'][1], 'output', note='normalized action')
  c.add('action', action, 'output', note='act_denorm_layer(head)')
  return c


SPATIAL_BINDINGS = ['SpatialAttentionEncoder.filters = 16',
                    'SpatialAttentionEncoder.num_blocks = 2',
                    'SpatialAttentionEncoder.num_heads = 8',
                    'DenseResnetValue.width = 32',
                    'DenseResnetValue.num_blocks = 1']
SPATIAL_TEMPERATURE = 0.7


def _spatial_layers(enc):
  out = [('sa_conv0', enc.conv0)]
  for i, blk in enumerate(enc.blocks):
    out += [('sa_block%d_conv0' % i, blk.conv0), ('sa_block%d_conv1' % i, blk.conv1),
            ('sa_block%d_conv2' % i, blk.conv2), ('sa_block%d_conv3' % i, blk.conv3)]
  out.append(('sa_conv1', enc.conv1))
  return out


def comp_spatial_attention_forward(out, st):
  shape = _shapes(st)
  c = Component(out, 'spatial_attention_forward', st.case,
                'ibc/networks/layers/spatial_attention_encoder.py:'
                'SpatialAttentionEncoder.call (in PixelEBM)',
                'PixelEBM with encoder_network=\'SpatialAttentionEncoder\', '
                'training=False: the coord-conv input, every conv of the '
                'encoder, the spatial soft-argmax keypoints, the energies '
                'and -df/da')
  obs_spec, act_spec = _specs(shape)
  th, tw = shape['target']
  gin.clear_config()
  gin.parse_config(SPATIAL_BINDINGS)
  try:
    tf.keras.utils.set_random_seed(WEIGHTS_SEED[st.case] + 200)
    net = pixel_ebm.PixelEBM(obs_spec, act_spec,
                             encoder_network='SpatialAttentionEncoder',
                             value_network='DenseResnetValue',
                             target_height=th, target_width=tw)
  finally:
    gin.clear_config()
  rng, rgb, frames, mean, std, normalized = _inputs(st, shape, 'spatial')
  b, n = shape['b'], shape['n']
  actions = rng.uniform(-1., 1., size=(b * n, ACTION_DIM)).astype(F32)
  obs = {'rgb': normalized}
  enc = net._encoder  # pylint: disable=protected-access
  net((obs, tf.constant(actions)), training=False)  # builds every variable
  enc.spatial_softmax.temperature.assign(SPATIAL_TEMPERATURE)
  taps_map = dict(_spatial_layers(enc))
  taps_map['spatial_softmax'] = enc.spatial_softmax
  with layer_taps(taps_map) as log:
    energy, _ = net((obs, tf.constant(actions)), training=False)
  encoding = net.encode(obs, training=False)
  tiled = nest_utils.tile_batch(encoding, n)
  de_dact, energies = taps.ORIG_MCMC['gradient_wrt_act'](
      net, obs, tf.constant(actions), training=False, network_state=(),
      tfa_step_type=(), apply_exp=False, obs_encoding=tiled)
  named = _spatial_layers(enc) + _value_layers(net._value)  # pylint: disable=protected-access
  by_ref = {}
  for name, layer in named:
    if layer.built:
      by_ref[layer.kernel.ref()] = name + '_kernel'
      by_ref[layer.bias.ref()] = name + '_bias'
  by_ref[enc.spatial_softmax.temperature.ref()] = 'temperature'
  weights = [(by_ref[v.ref()], v.numpy()) for v in net.trainable_variables]
  c.params(batch=b, num_action_samples=n, sequence_length=SEQUENCE_LENGTH,
           raw_height=shape['raw'][0], raw_width=shape['raw'][1],
           target_height=th, target_width=tw, action_dim=ACTION_DIM,
           filters=16, num_blocks=2, num_heads=8, value_width=32,
           value_num_blocks=1, temperature=SPATIAL_TEMPERATURE,
           training=False, eps=float(stats_module.EPS))
  c.seeds(weights=WEIGHTS_SEED[st.case] + 200,
          inputs=NOISE_SEED[st.case] + 200)
  c.note('small images and widths (no IBC config uses this encoder; filters '
         'has no default). The softmax temperature (a trainable variable, '
         'init 1) is set to %g so that a missing division shows' %
         SPATIAL_TEMPERATURE)
  c.note('conv3 of every ResNetConvBlock is never called (same shapes): no '
         'variables')
  for name, value in weights:
    c.add(name, value, 'weight')
  _add_raw(c, rgb, frames, mean, std, normalized)
  c.add('actions', actions, 'input')
  c.add('encoder_input', log['sa_conv0'][0], 'output',
        note='preprocessed images with the coord channels (x, y) appended')
  for name, _ in _spatial_layers(enc):
    if name in log:
      c.add('enc_' + name, log[name][1], 'output')
  c.add('encoding', encoding, 'output', note='keypoints [B, 2*num_heads]')
  c.add('energy', energy, 'output')
  c.add('de_dact', de_dact, 'output', note='= -df/da (IBC sign)')
  c.add('grad_energies', energies, 'output')
  return c
