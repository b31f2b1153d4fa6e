package ibc4j.gin;

/**
 * A gin error with its location. The location, the raw message and an optional hint ("did you mean ...") are
 * kept apart so callers can inspect them; {@link #getMessage()} assembles the text users see:
 * <pre>
 * configs/particle/mlp_ebm_langevin.gin:44:8: unknown parameter 'widht' for configurable 'MLPEBM'
 *     MLPEBM.widht = 256
 *            ^~~~~
 *   did you mean 'width'?
 * </pre>
 */
public class GinException extends RuntimeException {
    private final Location location;
    private final String rawMessage;
    private final String hint;
    private final int span;

    public GinException(Location location, String rawMessage, String hint, int span) {
        super(rawMessage);
        this.location = location;
        this.rawMessage = rawMessage;
        this.hint = hint;
        this.span = Math.max(1, span);
    }

    public GinException(Location location, String rawMessage) {
        this(location, rawMessage, null, 1);
    }

    public Location location() {
        return location;
    }

    public String rawMessage() {
        return rawMessage;
    }

    public String hint() {
        return hint;
    }

    @Override
    public String getMessage() {
        StringBuilder sb = new StringBuilder();
        if (location != null) {
            sb.append(location.prefix()).append(": ");
        }
        sb.append(rawMessage);
        if (location != null) {
            String excerpt = location.excerpt(span);
            if (!excerpt.isEmpty()) {
                sb.append('\n').append(excerpt);
            }
        }
        if (hint != null) {
            sb.append("\n  ").append(hint);
        }
        return sb.toString();
    }
}
