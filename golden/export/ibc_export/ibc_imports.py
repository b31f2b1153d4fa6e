"""Imports TensorFlow's and IBC's modules in the exporter's fixed order.

runner imports this first, so every module registers its gin configurables
(and particle.py the gym env Particle-v0) in the same order on every run,
whichever exporter module happens to use it. Needs procenv's setup first
(IBC on sys.path, pybullet stubbed, TF configured).
"""
# pylint: disable=unused-import,g-bad-import-order

import numpy as np
import tensorflow as tf
import gin
import tensorflow_probability as tfp
import tf_agents
from tf_agents.environments import suite_gym
from tf_agents.specs import tensor_spec
from tf_agents.train.utils import spec_utils
from tf_agents.train.utils import train_utils
from tf_agents.trajectories import time_step as ts_lib
from tf_agents.utils import common
from tf_agents.utils import example_encoding
from tf_agents.utils import example_encoding_dataset
from tf_agents.utils import nest_utils
from tensorflow.python.ops import gen_random_ops  # pylint: disable=g-direct-tensorflow-import

from ibc.data import dataset as ibc_dataset
from ibc.data import policy_eval
from ibc.environments.particle import particle
from ibc.environments.particle import particle_oracles
from ibc.ibc.agents import ibc_agent
from ibc.ibc.agents import ibc_policy
from ibc.ibc.agents import mcmc
from ibc.ibc.eval import eval_env as eval_env_module
from ibc.ibc.losses import ebm_loss
from ibc.ibc.losses import gradient_loss
from ibc.ibc.train import get_agent as get_agent_module
from ibc.ibc.train import get_cloning_network as cloning_network_module
from ibc.ibc.train import get_data as data_module
from ibc.ibc.train import get_normalizers as normalizers_module
from ibc.ibc.train import get_sampling_spec as sampling_spec_module
from ibc.ibc.train import stats as stats_module
from ibc.networks import mlp_ebm
from ibc.networks import mlp_mse
from ibc.networks.layers import resnet
from ibc.networks.layers import spectral_norm
