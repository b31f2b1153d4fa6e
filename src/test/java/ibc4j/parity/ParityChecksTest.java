package ibc4j.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.parity.checks.ParityChecks;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry lists all 33 IBC components once, in report order, each with its IBC source. */
class ParityChecksTest {
    @Test
    void registryHasEveryComponentInReportOrder() {
        List<String> expected = List.of("normalizer_stats", "sampling_bounds", "obs_flatten", "mlp_ebm_forward",
                "mlp_ebm_action_grad", "info_nce", "ebm_loss_types", "grad_penalty",
                "grad_penalty_chain", "langevin_chain", "iterative_dfo",
                "ibc_policy_inference", "adam_schedule", "train_step", "spectral_norm", "mlp_mse_forward", "mse_train_step",
                "mse_policy_action", "mlp_mdn_forward", "mdn_train_step", "mdn_policy_action", "particle_env",
                "particle_oracle",
                "tfrecord_dataset", "dataset_windows", "pixel_ebm_forward", "conv_mlp_mse_forward",
                "spatial_attention_forward", "conv_mlp_mdn_forward", "pixel_grad_penalty", "pixel_ebm_train_step",
                "resnet_normalizers", "jpeg_image_records");
        assertEquals(expected, ParityChecks.COMPONENTS);
        assertEquals(expected, ParityChecks.all().stream().map(ParityCheck::component).toList(),
                "a check registered in the wrong slot, or twice");
    }

    @Test
    void everyCheckNamesAnIbcSource() {
        for (ParityCheck c : ParityChecks.all()) {
            assertTrue(c.ibcSource().startsWith("ibc/") && c.ibcSource().contains(".py"), c.ibcSource());
        }
        assertThrows(IllegalArgumentException.class, () -> ParityChecks.ibcSourceOf("mlp_ebm_foward"));
    }

    @Test
    void pendingChecksDoNotRun() {
        PendingCheck p = ParityChecks.pending("info_nce");
        assertEquals(false, p.implemented());
        assertThrows(UnsupportedOperationException.class, () -> p.run(null));
    }
}
