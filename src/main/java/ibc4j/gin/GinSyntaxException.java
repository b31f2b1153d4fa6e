package ibc4j.gin;

/** The text is not gin: reported at the line gin-config itself reports (its messages kept, so they grep alike). */
public class GinSyntaxException extends GinException {
    public GinSyntaxException(Location location, String rawMessage) {
        super(location, rawMessage);
    }

    public GinSyntaxException(Location location, String rawMessage, int span) {
        super(location, rawMessage, null, span);
    }

    public GinSyntaxException(Location location, String rawMessage, String hint, int span) {
        super(location, rawMessage, hint, span);
    }
}
