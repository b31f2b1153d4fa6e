package ibc4j.parity;

import java.util.List;

/**
 * A registry placeholder for a component whose Java side does not exist yet; the report shows it as ⏳.
 *
 * @param component component name
 * @param ibcSource the IBC function it will mirror
 */
public record PendingCheck(String component, String ibcSource) implements ParityCheck {
    @Override
    public boolean implemented() {
        return false;
    }

    @Override
    public List<TensorResult> run(Golden g) {
        throw new UnsupportedOperationException(component + ": no Java implementation yet (pending)");
    }
}
