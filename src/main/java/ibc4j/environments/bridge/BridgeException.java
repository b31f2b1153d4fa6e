package ibc4j.environments.bridge;

/**
 * A bridge call that failed: the server crashed, hung past its timeout, broke the protocol or answered with an
 * error. {@link #isSetup()} marks what the user must install or pass (missing interpreter, package, IBC checkout,
 * wrong IBC commit): commands report those and exit 2 before training starts.
 */
public final class BridgeException extends RuntimeException {
    private final boolean setup;

    public BridgeException(String message, boolean setup) {
        super(message);
        this.setup = setup;
    }

    public boolean isSetup() {
        return setup;
    }
}
