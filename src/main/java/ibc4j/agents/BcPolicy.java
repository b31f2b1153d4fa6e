package ibc4j.agents;

import ibc4j.runtime.NoiseSource;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An evaluation policy as tf-agents' {@code policy.action(time_step).action} gives it to IBC's eval actor:
 * raw observations in, actions in env units (clipped to the action spec) out. Implemented by {@link IbcPolicy}
 * and {@link MsePolicy}.
 */
public interface BcPolicy {
    /**
     * @param observations raw (unnormalized) observations per key, {@code [B, T, d]}
     * @param noise        where any random draws come from (unused by deterministic policies)
     * @return {@code [B, A]}
     */
    INDArray action(Map<String, INDArray> observations, NoiseSource noise);
}
