package ibc4j.parity;

/**
 * A golden directory, manifest or tensor file that cannot be used; the message always names the file (and field).
 *
 * <p>Unchecked on purpose: a broken golden is not something a parity check can recover from, and the runner and CLI
 * catch it at the top to print the message and exit 2.
 */
public class GoldenException extends RuntimeException {
    public GoldenException(String message) {
        super(message);
    }

    public GoldenException(String message, Throwable cause) {
        super(message, cause);
    }
}
