"""Pixel MDN component: ConvMLPMDN (networks/pixel_mdn.py) forward.

The same small images, conv encoder and ResNetPreActivation MLP as
conv_mlp_mse_forward, with the mixture head of pixel_mdn_best.gin at a small
size (3 components instead of 26; its training temperature and variance
exponent; the test temperature differs so that a mix-up of the two shows).
"""

import gin
import numpy as np
import tensorflow as tf

from ibc.ibc.train import stats as stats_module
from ibc.networks import pixel_mdn
from ibc_export import comp_pixel
from ibc_export.comp_mdn import HEADS
from ibc_export.comp_mdn import add_forward_outputs
from ibc_export.comp_mse import mse_dropout_layers
from ibc_export.helpers import check_equal
from ibc_export.randomness import RandomTape
from ibc_export.records import Component
from ibc_export.records import F32
from ibc_export.taps import layer_taps

MDN_ARGS = dict(width=32, depth=4, rate=0.1, layers='ResNetPreActivation',
                coord_conv=True, num_components=3, training_temperature=2.0,
                test_temperature=1.5, test_variance_exponent=4.0)
SEED_OFFSET = 300  # weights and inputs: WEIGHTS_SEED / NOISE_SEED + 300
DROPOUT_SEED_OFFSET = 350


def _mdn_layers(net):
  """conv1..4, the MLP's Dense layers (as ConvMLPMSE's), mu, logvar, pi."""
  return comp_pixel.conv_mlp_layers(net) + [
      ('mu', net.mu), ('logvar', net.logvar), ('pi', net.pi)]


def comp_conv_mlp_mdn_forward(out, st):
  shape = comp_pixel._shapes(st)  # pylint: disable=protected-access
  c = Component(out, 'conv_mlp_mdn_forward', st.case,
                'ibc/networks/pixel_mdn.py:ConvMLPMDN.call',
                'ConvMLPMDN (ResNetPreActivation, coord_conv) forward: the '
                'cnn input and features, the MLP, the Dense heads and the '
                'MixtureSameFamily parameters for training=False (test '
                'temperature and variance exponent, act_denorm_layer) and '
                'training=True (Keras dropout with injected U[0,1) draws), '
                'and log_prob of normalized actions (training=True)')
  obs_spec, act_spec = comp_pixel._specs(shape)  # pylint: disable=protected-access
  th, tw = shape['target']
  rng, rgb, frames, mean, std, normalized = comp_pixel._inputs(  # pylint: disable=protected-access
      st, shape, 'mdn')
  act_mean = rng.normal(size=comp_pixel.ACTION_DIM).astype(F32) * F32(0.1)
  act_std = rng.uniform(0.2, 0.5, size=comp_pixel.ACTION_DIM).astype(F32)
  denorm = stats_module.StdDenormalizationLayer(mean=act_mean, std=act_std)
  gin.clear_config()
  weights_seed = comp_pixel.WEIGHTS_SEED[st.case] + SEED_OFFSET
  tf.keras.utils.set_random_seed(weights_seed)
  net = pixel_mdn.ConvMLPMDN(obs_spec, act_spec, act_denorm_layer=denorm,
                             target_height=th, target_width=tw, **MDN_ARGS)
  b = shape['b']
  obs = {'rgb': normalized}
  taps = {'mlp': net._mlp, 'mu': net.mu, 'logvar': net.logvar,  # pylint: disable=protected-access
          'pi': net.pi}
  with layer_taps(taps) as log:
    eval_dist, _ = net(obs, training=False)
  x = net._stack_images_channelwise(normalized, b)  # pylint: disable=protected-access
  x = tf.image.resize(x, [th, tw])
  cnn_input = net._concat_coordconv(x, b)  # pylint: disable=protected-access
  features = net.cnn(cnn_input)
  check_equal('cnn features feed the mlp', features, log['mlp'][0])
  eval_raw = {h: log[h][1].numpy() for h in HEADS}
  drops = {'drop%d' % i: d for i, d in enumerate(mse_dropout_layers(net))}
  dropout_seed = comp_pixel.NOISE_SEED[st.case] + DROPOUT_SEED_OFFSET
  with RandomTape(dropout_seed) as tape, layer_taps(drops) as dlog, \
      layer_taps(taps) as tlog:
    train_dist, _ = net(obs, training=True)
  draws = tape.of_kind('uniform')
  assert len(draws) == len(drops) and len(tape.draws) == len(draws)
  for i, u in enumerate(draws):
    inp, outp = dlog['drop%d' % i]
    check_equal('dropout %d mask' % i, (u >= F32(MDN_ARGS['rate'])) |
                (inp.numpy() == 0), (outp.numpy() != 0) | (inp.numpy() == 0))
  true_actions = rng.normal(size=(b, comp_pixel.ACTION_DIM)).astype(F32)
  log_prob = train_dist.log_prob(true_actions).numpy()
  weights = comp_pixel._named_weights(_mdn_layers(net),  # pylint: disable=protected-access
                                      net.trainable_variables)
  c.params(batch=b, sequence_length=comp_pixel.SEQUENCE_LENGTH,
           raw_height=shape['raw'][0], raw_width=shape['raw'][1],
           target_height=th, target_width=tw,
           action_dim=comp_pixel.ACTION_DIM,
           training_modes=['eval', 'train'], eps=float(stats_module.EPS),
           **MDN_ARGS)
  c.seeds(weights=weights_seed,
          inputs=comp_pixel.NOISE_SEED[st.case] + SEED_OFFSET,
          dropout=dropout_seed)
  c.note('small images; conv widths are IBC\'s. Weights: Keras init after '
         'tf.keras.utils.set_random_seed (convs glorot_uniform/zeros, MLP and '
         'heads RandomNormal(0.05)); act_denorm_layer: StdDenormalizationLayer '
         'with act_mean/act_std')
  for name, value in weights:
    c.add(name, value, 'weight')
  comp_pixel._add_raw(c, rgb, frames, mean, std, normalized)  # pylint: disable=protected-access
  c.add('act_mean', act_mean, 'input')
  c.add('act_std', act_std, 'input')
  c.add('true_actions', true_actions, 'input',
        note='normalized actions [B, A] for log_prob')
  c.add('cnn_input', cnn_input, 'output',
        note='stacked, resized, then the coord-conv channels (y, x)')
  c.add('features', features, 'output', note='get_conv_maxpool output')
  c.add('mlp', log['mlp'][1], 'output',
        note='ResNetPreActivation output, training=False')
  add_forward_outputs(c, eval_raw, eval_dist, draws, tlog, train_dist,
                      log_prob)
  return c
