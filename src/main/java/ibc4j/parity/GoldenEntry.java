package ibc4j.parity;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One (component, case) of the manifest: what IBC function produced it, with which parameters and seeds, and its
 * tensors in manifest order.
 *
 * @param component  component name, e.g. {@code mlp_ebm_forward}
 * @param caseName   case name, e.g. {@code particle2d}
 * @param ibcSource  the IBC function, e.g. {@code ibc/networks/mlp_ebm.py:MLPEBM.call}
 * @param params     exporter parameters (JSON values as Jackson maps them: Integer/Long/Double/String/List/Map)
 * @param seeds      seeds of the injected randomness, by purpose
 * @param notes      free-text notes from the exporter (may be empty)
 */
public record GoldenEntry(String component, String caseName, String ibcSource, String description,
                          Map<String, Object> params, Map<String, Object> seeds, List<TensorSpec> tensors,
                          List<String> notes) {

    /** The tensor called {@code name}, if declared. */
    public Optional<TensorSpec> tensor(String name) {
        return tensors.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** {@code component/case}, the prefix of every tensor path in reports. */
    public String key() {
        return component + "/" + caseName;
    }
}
