package ibc4j.parity.checks;

import ibc4j.parity.ParityCheck;
import ibc4j.parity.PendingCheck;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of parity checks: one per IBC component, in report order.
 *
 * <p>To register a check, replace its {@code pending("name")} line in {@link #all()} with an instance, e.g.
 * {@code new MlpEbmForwardCheck()}; the slot's name must equal the check's {@link ParityCheck#component()}
 * ({@code ParityChecksTest} enforces order and names).
 */
public final class ParityChecks {
    private ParityChecks() {}

    /** Component → the IBC function the golden comes from (google-research/ibc @ db89ddb). Order = report order. */
    private static final Map<String, String> IBC_SOURCES = new LinkedHashMap<>();

    static {
        IBC_SOURCES.put("normalizer_stats", "ibc/train/stats.py:compute_dataset_statistics");
        IBC_SOURCES.put("sampling_bounds", "ibc/train/get_sampling_spec.py:get_sampling_spec");
        IBC_SOURCES.put("obs_flatten", "ibc/networks/mlp_ebm.py:MLPEBM.call (obs flatten)");
        IBC_SOURCES.put("mlp_ebm_forward", "ibc/networks/mlp_ebm.py:MLPEBM.call");
        IBC_SOURCES.put("mlp_ebm_action_grad", "ibc/agents/mcmc.py:gradient_wrt_act");
        IBC_SOURCES.put("info_nce", "ibc/losses/ebm_loss.py:info_nce");
        IBC_SOURCES.put("ebm_loss_types", "ibc/losses/ebm_loss.py:cd, clipped_cd (ImplicitBCAgent._compute_ebm_loss)");
        IBC_SOURCES.put("grad_penalty", "ibc/losses/gradient_loss.py:grad_penalty");
        IBC_SOURCES.put("grad_penalty_chain", "ibc/losses/gradient_loss.py:grad_penalty (along the chain)");
        IBC_SOURCES.put("langevin_chain", "ibc/agents/mcmc.py:langevin_actions_given_obs");
        IBC_SOURCES.put("iterative_dfo", "ibc/agents/mcmc.py:iterative_dfo");
        IBC_SOURCES.put("ibc_policy_inference", "ibc/agents/ibc_policy.py:IbcPolicy._distribution");
        IBC_SOURCES.put("adam_schedule", "ibc/train/get_agent.py (Keras Adam + ExponentialDecay)");
        IBC_SOURCES.put("train_step", "ibc/agents/ibc_agent.py:ImplicitBCAgent._loss");
        IBC_SOURCES.put("spectral_norm", "ibc/networks/layers/spectral_norm.py:DenseSN (MLPEBM + training step)");
        IBC_SOURCES.put("mlp_mse_forward", "ibc/networks/mlp_mse.py:MLPMSE.call");
        IBC_SOURCES.put("mse_train_step", "ibc/agents/mse_agent.py:MseBehavioralCloningAgent._loss");
        IBC_SOURCES.put("mse_policy_action", "ibc/agents/mse_policy.py:MsePolicyWrapper (GreedyPolicy.action)");
        IBC_SOURCES.put("mlp_mdn_forward", "ibc/networks/mlp_mdn.py:MLPMDN.call");
        IBC_SOURCES.put("mdn_train_step", "ibc/agents/mdn_agent.py:MdnBehavioralCloningAgent._loss");
        IBC_SOURCES.put("mdn_policy_action", "ibc/agents/mdn_policy.py:MdnPolicyWrapper.action (samples)");
        IBC_SOURCES.put("particle_env", "ibc/environments/particle/particle.py:ParticleEnv");
        IBC_SOURCES.put("particle_oracle", "ibc/environments/particle/particle_oracles.py:ParticleOracle");
        IBC_SOURCES.put("tfrecord_dataset", "ibc/data/policy_eval.py + TFRecordObserver");
        IBC_SOURCES.put("dataset_windows", "ibc/data/dataset.py");
        IBC_SOURCES.put("pixel_ebm_forward", "ibc/networks/pixel_ebm.py:PixelEBM.call (+ mcmc.py:gradient_wrt_act)");
        IBC_SOURCES.put("conv_mlp_mse_forward", "ibc/networks/pixel_mse.py:ConvMLPMSE.call");
        IBC_SOURCES.put("spatial_attention_forward",
                "ibc/networks/layers/spatial_attention_encoder.py:SpatialAttentionEncoder.call (in PixelEBM)");
        IBC_SOURCES.put("conv_mlp_mdn_forward", "ibc/networks/pixel_mdn.py:ConvMLPMDN.call");
        IBC_SOURCES.put("pixel_grad_penalty", "ibc/losses/gradient_loss.py:grad_penalty (PixelEBM, double backprop)");
        IBC_SOURCES.put("pixel_ebm_train_step",
                "ibc/agents/ibc_agent.py:ImplicitBCAgent._loss (PixelEBM, pixel_ebm_langevin.gin)");
        IBC_SOURCES.put("resnet_normalizers",
                "ibc/networks/layers/resnet.py:ResNetLayer (normalizer 'Batch' / 'Layer', in MLPMSE)");
        IBC_SOURCES.put("jpeg_image_records", "ibc/data/policy_eval.py (compress_image=True) + ibc/data/dataset.py");
    }

    /** The component names in report order (the exporter's COMPONENT_ORDER). */
    public static final List<String> COMPONENTS = List.copyOf(IBC_SOURCES.keySet());

    /**
     * Every component's check in report order: a real check where ibc4j has one, {@link PendingCheck} otherwise.
     * Edit this list to register a check (one line per component; keep the order).
     */
    public static List<ParityCheck> all() {
        return List.of(
                new NormalizerStatsCheck(),
                new SamplingBoundsCheck(),
                new ObsFlattenCheck(),
                new MlpEbmForwardCheck(),
                new MlpEbmActionGradCheck(),
                new InfoNceCheck(),
                new EbmLossTypesCheck(),
                new GradPenaltyCheck(),
                new GradPenaltyChainCheck(),
                new LangevinChainCheck(),
                new IterativeDfoCheck(),
                new IbcPolicyInferenceCheck(),
                new AdamScheduleCheck(),
                new TrainStepCheck(),
                new SpectralNormCheck(),
                new MlpMseForwardCheck(),
                new MseTrainStepCheck(),
                new MsePolicyActionCheck(),
                new MlpMdnForwardCheck(),
                new MdnTrainStepCheck(),
                new MdnPolicyActionCheck(),
                new ParticleEnvCheck(),
                new ParticleOracleCheck(),
                new TfrecordDatasetCheck(),
                new DatasetWindowsCheck(),
                new PixelEbmForwardCheck(),
                new ConvMlpMseForwardCheck(),
                new SpatialAttentionForwardCheck(),
                new ConvMlpMdnForwardCheck(),
                new PixelGradPenaltyCheck(),
                new PixelEbmTrainStepCheck(),
                new ResNetNormalizersCheck(),
                new JpegImageRecordsCheck());
    }

    /** The IBC function mirrored by {@code component}; throws for a name not in {@link #COMPONENTS}. */
    public static String ibcSourceOf(String component) {
        String s = IBC_SOURCES.get(component);
        if (s == null) {
            throw new IllegalArgumentException("unknown parity component '" + component + "'; known: " + COMPONENTS);
        }
        return s;
    }

    /** A placeholder for {@code component} (⏳ in the report). */
    public static PendingCheck pending(String component) {
        return new PendingCheck(component, ibcSourceOf(component));
    }
}
