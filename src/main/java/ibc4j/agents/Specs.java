package ibc4j.agents;

import ibc4j.agents.mcmc.Mcmc;
import ibc4j.data.TensorSpec;
import ibc4j.normalizers.SamplingSpec;

/** Bounds out of the spec objects IBC passes around, as per-dimension floats. */
final class Specs {
    private Specs() {}

    /**
     * {@code {minimum, maximum}} of a bounded spec: a tf-agents style {@link TensorSpec} (scalar or per-dimension
     * bounds), ibc4j's {@link SamplingSpec} (IBC's scalar normalized bounds), or {@code float[][] {min, max}}.
     */
    static float[][] bounds(Object spec, int actionDim, String what) {
        if (spec instanceof SamplingSpec s) {
            return new float[][] {Mcmc.bounds(s.normalizedMin(), actionDim), Mcmc.bounds(s.normalizedMax(), actionDim)};
        }
        if (spec instanceof TensorSpec t) {
            if (!t.isBounded()) {
                throw new IllegalArgumentException(what + ": spec '" + t.name() + "' has no bounds");
            }
            return new float[][] {Mcmc.bounds(t.minimum().asDoubles(), actionDim),
                    Mcmc.bounds(t.maximum().asDoubles(), actionDim)};
        }
        if (spec instanceof float[][] mm && mm.length == 2) {
            return new float[][] {Mcmc.bounds(mm[0], actionDim), Mcmc.bounds(mm[1], actionDim)};
        }
        throw new IllegalArgumentException(what + ": expected a bounded TensorSpec, a SamplingSpec or float[][] "
                + "{min, max}, got " + (spec == null ? "None" : spec.getClass().getName()));
    }
}
