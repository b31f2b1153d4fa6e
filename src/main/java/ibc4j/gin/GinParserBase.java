package ibc4j.gin;

import java.util.List;
import java.util.regex.Pattern;
import org.antlr.v4.runtime.BufferedTokenStream;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;

/**
 * The checks gin's ConfigParser makes on token text, one method per grammar action: selector format
 * (_parse_selector), identifiers (_parse_identifier), {@code literal_eval} of glued literal text
 * (_maybe_parse_basic_type), and the places where gin does not skip comments and newline tokens.
 */
public abstract class GinParserBase extends Parser {
    /** gin's IDENTIFIER_RE; {@code \w} is Unicode-aware in Python 3. */
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_]\\w*", Pattern.UNICODE_CHARACTER_CLASS);
    /** gin's MODULE_RE / SELECTOR_RE: dotted identifiers. */
    private static final Pattern MODULE = Pattern.compile("([a-zA-Z_]\\w*\\.)*[a-zA-Z_]\\w*",
            Pattern.UNICODE_CHARACTER_CLASS);

    private String fileName = "<string>";
    private List<String> lines = List.of();
    private String statementKey = "";

    protected GinParserBase(TokenStream input) {
        super(input);
    }

    void setSource(String fileName, List<String> lines) {
        this.fileName = fileName;
        this.lines = lines;
    }

    /** The location of a token, with a 1-based column. */
    Location location(Token t, boolean withColumn) {
        return new Location(fileName, t.getLine(), withColumn ? t.getCharPositionInLine() + 1 : 0,
                sourceLine(t.getLine()));
    }

    String sourceLine(int line) {
        return line >= 1 && line <= lines.size() ? lines.get(line - 1) : "";
    }

    GinSyntaxException error(Token at, String message) {
        return new GinSyntaxException(location(at, true), message, Math.max(1, at.getText().length()));
    }

    // ---------------------------------------------------------------------------------- statement keywords

    protected void setStatementKey(ParserRuleContext key) {
        statementKey = key.getText();
    }

    protected boolean keyIs(String word) {
        return statementKey.equals(word);
    }

    String statementKey() {
        return statementKey;
    }

    protected boolean atEndOfInput() {
        return _input.LA(1) == Token.EOF;
    }

    protected boolean nextWordIs(String word) {
        return _input.LT(1).getType() == GinLexer.NAME && _input.LT(1).getText().equals(word);
    }

    protected void expectWord(String word) {
        Token t = _input.LT(-1);
        if (!t.getText().equals(word)) {
            throw error(t, "Expected '" + word + "'.  Got NAME = " + t.getText() + ".");
        }
    }

    protected void checkIdentifier() {
        Token t = _input.LT(-1);
        if (!IDENTIFIER.matcher(t.getText()).matches()) {
            throw error(t, "Invalid identifier name.");
        }
    }

    // ------------------------------------------------------------------------------------------ selectors

    /** No comment or newline token between the last consumed token and the next one. */
    protected boolean joined() {
        return firstHiddenBefore(_input.LT(1)) == null;
    }

    /** After '@' or '%' gin reads the very next token, even a comment or a newline inside brackets. */
    protected void requireJoined() {
        Token gap = firstHiddenBefore(_input.LT(1));
        if (gap != null) {
            throw error(gap, "Unexpected token.");
        }
    }

    private Token firstHiddenBefore(Token next) {
        if (next.getTokenIndex() < 0) {
            return null;
        }
        List<Token> hidden = ((BufferedTokenStream) _input).getHiddenTokensToLeft(next.getTokenIndex());
        return hidden == null || hidden.isEmpty() ? null : hidden.get(0);
    }

    /**
     * gin compares the joined token texts with the raw line text they span (so no whitespace inside), then
     * checks scopes against IDENTIFIER_RE (MODULE_RE where references allow periods) and the name against
     * MODULE_RE. Errors point at the selector's first character.
     */
    protected void checkSelector(ParserRuleContext ctx, boolean scoped, boolean periodsInScope) {
        Token first = ctx.getStart();
        Token last = _input.LT(-1);
        String joined = ctx.getText();
        String line = sourceLine(first.getLine());
        int from = Math.min(first.getCharPositionInLine(), line.length());
        // gin slices the selector's first line with the last token's end column, even across a backslash.
        int to = last.getCharPositionInLine() + last.getText().length();
        String untokenized = line.substring(from, Math.max(from, Math.min(to, line.length())));
        String[] parts = joined.split("/", -1);
        boolean valid = untokenized.equals(joined) && (scoped || parts.length == 1);
        for (int i = 0; i < parts.length - 1 && valid; i++) {
            valid = (periodsInScope ? MODULE : IDENTIFIER).matcher(parts[i]).matches();
        }
        valid = valid && MODULE.matcher(parts[parts.length - 1]).matches();
        if (!valid) {
            throw new GinSyntaxException(location(first, true), "Malformatted scope or selector.",
                    Math.max(1, joined.length()));
        }
    }

    // ------------------------------------------------------------------------------------------- literals

    protected void checkDictKeys(ParserRuleContext ctx) {
        new GinValues(this).checkHashableKeys((GinParser.DictContext) ctx, _input.LT(1));
    }

    /** Appends the token just matched and literal-evaluates the glued text, failing at that token. */
    protected Object evalLiteral(StringBuilder text) {
        Token t = _input.LT(-1);
        text.append(t.getText());
        try {
            return PyLiteral.eval(text.toString());
        } catch (PyLiteral.LiteralError e) {
            String hint = t.getType() == GinLexer.NAME
                    ? "a string needs quotes ('" + t.getText() + "'); a configurable is referenced as @"
                            + t.getText() + " or @" + t.getText() + "()"
                    : null;
            throw new GinSyntaxException(location(t, true),
                    e.getMessage() + "\n    Failed to parse token '" + text + "'", hint, t.getText().length());
        }
    }
}
