"""The component functions by name: each takes (out_dir, CaseState) and
returns the records.Component it wrote."""

from ibc_export import comp_losses
from ibc_export import comp_images
from ibc_export import comp_mdn
from ibc_export import comp_mcmc
from ibc_export import comp_mse
from ibc_export import comp_network
from ibc_export import comp_particle
from ibc_export import comp_pixel
from ibc_export import comp_pixel_langevin
from ibc_export import comp_pixel_mdn
from ibc_export import comp_resnorm
from ibc_export import comp_training
from ibc_export import constants

COMPONENTS = {
    'mlp_ebm_forward': comp_network.comp_mlp_ebm_forward,
    'mlp_ebm_action_grad': comp_network.comp_mlp_ebm_action_grad,
    'info_nce': comp_losses.comp_info_nce,
    'ebm_loss_types': comp_losses.comp_ebm_loss_types,
    'grad_penalty_chain': comp_losses.comp_grad_penalty_chain,
    'grad_penalty': comp_losses.comp_grad_penalty,
    'langevin_chain': comp_mcmc.comp_langevin_chain,
    'train_step': comp_training.comp_train_step,
    'spectral_norm': comp_training.comp_spectral_norm,
    'adam_schedule': comp_training.comp_adam_schedule,
    'ibc_policy_inference': comp_mcmc.comp_ibc_policy_inference,
    'obs_flatten': comp_network.comp_obs_flatten,
    'normalizer_stats': comp_network.comp_normalizer_stats,
    'sampling_bounds': comp_network.comp_sampling_bounds,
    'iterative_dfo': comp_mcmc.comp_iterative_dfo,
    'particle_env': comp_particle.comp_particle_env,
    'particle_oracle': comp_particle.comp_particle_oracle,
    'tfrecord_dataset': comp_particle.comp_tfrecord_dataset,
    'dataset_windows': comp_particle.comp_dataset_windows,
    'mlp_mse_forward': comp_mse.comp_mlp_mse_forward,
    'mse_train_step': comp_mse.comp_mse_train_step,
    'mse_policy_action': comp_mse.comp_mse_policy_action,
    'mlp_mdn_forward': comp_mdn.comp_mlp_mdn_forward,
    'mdn_train_step': comp_mdn.comp_mdn_train_step,
    'mdn_policy_action': comp_mdn.comp_mdn_policy_action,
    'pixel_ebm_forward': comp_pixel.comp_pixel_ebm_forward,
    'conv_mlp_mse_forward': comp_pixel.comp_conv_mlp_mse_forward,
    'spatial_attention_forward': comp_pixel.comp_spatial_attention_forward,
    'conv_mlp_mdn_forward': comp_pixel_mdn.comp_conv_mlp_mdn_forward,
    'pixel_grad_penalty': comp_pixel_langevin.comp_pixel_grad_penalty,
    'pixel_ebm_train_step': comp_pixel_langevin.comp_pixel_ebm_train_step,
    'resnet_normalizers': comp_resnorm.comp_resnet_normalizers,
    'jpeg_image_records': comp_images.comp_jpeg_image_records,
}
assert (sorted(COMPONENTS) == sorted(constants.COMPONENT_ORDER) ==
        sorted(constants.PRODUCE_ORDER))
