package ibc4j.gin;

import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.InputMismatchException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Token;

/**
 * Stops at the first error, as gin does, with gin's message for the place the parser was in. No recovery and
 * no early sync: the error surfaces at the token gin's recursive descent would fail on.
 */
final class GinErrorStrategy extends DefaultErrorStrategy {

    @Override
    public void recover(Parser recognizer, RecognitionException e) {
        throw toSyntaxError((GinParserBase) recognizer, e.getOffendingToken(), e.getCtx());
    }

    @Override
    public Token recoverInline(Parser recognizer) {
        InputMismatchException e = new InputMismatchException(recognizer);
        throw toSyntaxError((GinParserBase) recognizer, e.getOffendingToken(), recognizer.getContext());
    }

    @Override
    public void sync(Parser recognizer) {
        // Errors are reported where a token is matched, never ahead of it.
    }

    @Override
    public void reportError(Parser recognizer, RecognitionException e) {
        throw toSyntaxError((GinParserBase) recognizer, e.getOffendingToken(), e.getCtx());
    }

    private static GinSyntaxException toSyntaxError(GinParserBase p, Token at, org.antlr.v4.runtime.RuleContext ctx) {
        if (at.getType() == GinParser.LAYOUT_ERROR) {
            // tokenize's own errors: gin lets them through with tokenize's position.
            return new GinSyntaxException(p.location(at, at.getCharPositionInLine() > 0), at.getText());
        }
        Token previous = p.getInputStream().LT(-1);
        String message = messageFor(p, ctx instanceof ParserRuleContext prc ? prc : null, at, previous);
        return p.error(at, message);
    }

    private static String messageFor(GinParserBase p, ParserRuleContext ctx, Token at, Token previous) {
        int rule = ctx == null ? -1 : ctx.getRuleIndex();
        int prev = previous == null ? -1 : previous.getType();
        return switch (rule) {
            case GinParser.RULE_statementEnd -> "Expected newline.";
            case GinParser.RULE_statementBody -> p.statementKey().equals("include")
                    ? "Expected file path as string."
                    : "Couldn't parse statement, expected ':' or '='.";
            case GinParser.RULE_blockBody -> prev == GinParser.COLON ? "Expected newline."
                    : prev == GinParser.NEWLINE ? "Expected indentation." : "Invalid identifier name.";
            case GinParser.RULE_blockBinding -> prev == GinParser.NAME ? "Expected '='." : "Expected newline.";
            case GinParser.RULE_fromImport -> prev == GinParser.NAME && "import".equals(previous.getText())
                    ? "Invalid identifier name." : "Expected 'import'.";
            case GinParser.RULE_importAlias -> "Invalid identifier name.";
            case GinParser.RULE_includePath -> "Expected file path as string.";
            case GinParser.RULE_dictItem -> prev == GinParser.COLON ? "Unable to parse value." : "Expected ':'.";
            case GinParser.RULE_container -> containerMessage(prev, ctx);
            case GinParser.RULE_reference -> "Expected ')'.";
            case GinParser.RULE_value, GinParser.RULE_literal -> "Unable to parse value.";
            default -> "Unexpected token.";
        } + got(at);
    }

    private static String containerMessage(int prev, ParserRuleContext ctx) {
        if (prev == GinParser.LPAREN || prev == GinParser.LBRACK || prev == GinParser.LBRACE
                || prev == GinParser.COMMA) {
            return "Unable to parse value.";
        }
        String close = ctx instanceof GinParser.ListContext ? "]"
                : ctx instanceof GinParser.DictContext ? "}" : ")";
        return "Expected ',' or '" + close + "'.";
    }

    private static String got(Token at) {
        String text = at.getType() == Token.EOF ? "end of input"
                : at.getType() == GinParser.NEWLINE ? "end of line"
                : "'" + at.getText() + "'";
        return " Got " + text + ".";
    }
}
