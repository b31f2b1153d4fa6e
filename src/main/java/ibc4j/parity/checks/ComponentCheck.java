package ibc4j.parity.checks;

import ibc4j.parity.ParityCheck;

/** A parity check of one of the components {@link ParityChecks} lists; its IBC source comes from that list. */
public interface ComponentCheck extends ParityCheck {
    @Override
    default String ibcSource() {
        return ParityChecks.ibcSourceOf(component());
    }
}
