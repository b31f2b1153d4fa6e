package ibc4j.parity;

import java.util.List;

/**
 * A Java-side check of one IBC component against its golden: given a (component, case), run the ibc4j code on the
 * golden inputs and compare every output.
 *
 * <p>To add one: implement {@link #component()} and {@link #run(Golden)}, then put an instance in its slot in
 * {@code ParityChecks.all()} (package checks) in place of {@code pending("...")}. Example:
 * <pre>{@code
 * public final class InfoNceCheck implements ComponentCheck {
 *     public String component() { return "info_nce"; }
 *     public List<TensorResult> run(Golden g) {
 *         INDArray loss = EbmLoss.infoNce(g.tensor("predictions"), g.intParam("batch"),
 *                 g.intParam("num_counter_examples"), g.doubleParam("softmax_temperature"));
 *         return List.of(TensorResult.compare(g, "per_example_loss", loss,
 *                 Tolerance.of(1e-6, 1e-5, "log-softmax over 256 float32 logits: ~1e-6 relative; 10x headroom")));
 *     }
 * }
 * }</pre>
 */
public interface ParityCheck {
    /** The component name as in the manifest, e.g. {@code mlp_ebm_forward}. */
    String component();

    /** The IBC function mirrored, e.g. {@code networks/mlp_ebm.py:MLPEBM.call}. */
    String ibcSource();

    /** False only for placeholders: the report then shows ⏳ and never runs it. */
    default boolean implemented() {
        return true;
    }

    /**
     * Runs ibc4j on {@code g}'s inputs and compares with its outputs; one result per compared tensor (at least one).
     * An exception is reported as a failure of this (component, case), with its message.
     */
    List<TensorResult> run(Golden g) throws Exception;
}
