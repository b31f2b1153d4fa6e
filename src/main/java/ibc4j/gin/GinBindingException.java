package ibc4j.gin;

/** The text is gin, but it does not bind: unknown configurable or parameter, ambiguous selector, unbound macro. */
public class GinBindingException extends GinException {
    public GinBindingException(Location location, String rawMessage, String hint, int span) {
        super(location, rawMessage, hint, span);
    }

    public GinBindingException(Location location, String rawMessage) {
        super(location, rawMessage);
    }
}
