package ibc4j.parity;

import ibc4j.parity.checks.ParityChecks;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Stand-in checks for harness tests: one that reproduces the golden, one that is off, one that crashes. */
final class FakeChecks {
    private FakeChecks() {}

    /** Returns the golden output {@code y} scaled by {@code factor}, compared at rtol 1e-5. */
    static ParityCheck scaling(String component, double factor) {
        return new ParityCheck() {
            @Override
            public String ibcSource() {
                return ParityChecks.ibcSourceOf(component());
            }

            @Override
            public String component() {
                return component;
            }

            @Override
            public List<TensorResult> run(Golden g) {
                INDArray y = g.tensor("y").mul(factor);
                return List.of(TensorResult.compare(g, "y", y, Tolerance.of(1e-6, 1e-5, "fake: float32 identity")));
            }
        };
    }

    static ParityCheck throwing(String component) {
        return new ParityCheck() {
            @Override
            public String ibcSource() {
                return ParityChecks.ibcSourceOf(component());
            }

            @Override
            public String component() {
                return component;
            }

            @Override
            public List<TensorResult> run(Golden g) {
                throw new IllegalStateException("weights not loaded");
            }
        };
    }

    static ParityCheck empty(String component) {
        return new ParityCheck() {
            @Override
            public String ibcSource() {
                return ParityChecks.ibcSourceOf(component());
            }

            @Override
            public String component() {
                return component;
            }

            @Override
            public List<TensorResult> run(Golden g) {
                return List.of();
            }
        };
    }

    /**
     * An all-pending registry with {@code replacements} in their components' slots: the synthetic goldens here
     * have none of the real tensors, so real checks must not run on them.
     */
    static List<ParityCheck> registryWith(ParityCheck... replacements) {
        List<ParityCheck> out = new ArrayList<>();
        for (String c : ParityChecks.COMPONENTS) {
            out.add(ParityChecks.pending(c));
        }
        for (ParityCheck r : replacements) {
            out.set(ParityChecks.COMPONENTS.indexOf(r.component()), r);
        }
        return out;
    }
}
