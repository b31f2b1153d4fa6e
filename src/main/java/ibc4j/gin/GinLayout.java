package ibc4j.gin;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.antlr.v4.runtime.CharStream;
import org.antlr.v4.runtime.CommonToken;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenFactory;
import org.antlr.v4.runtime.TokenSource;

/**
 * The line structure of Python 3.11's {@code tokenize.generate_tokens}, on top of {@link GinLexer}'s raw tokens:
 * gin's parser sees exactly the token stream tokenize would give it.
 *
 * <ul>
 *   <li>At the start of a logical line (outside brackets, not after a backslash) the indentation is measured
 *       (tab to the next multiple of 8, form feed resets) and INDENT/DEDENT are emitted; blank and comment-only
 *       lines are skipped; a dedent to a width never pushed is tokenize's IndentationError.</li>
 *   <li>A newline ends a statement (NEWLINE) only outside brackets; otherwise it is a hidden NL. Comments are
 *       hidden too: gin skips both almost everywhere, and {@link GinParserBase#joined()} checks the few places
 *       it does not.</li>
 *   <li>At EOF: an implicit NEWLINE when the last line has no line end, DEDENTs for open indents, and
 *       tokenize's TokenErrors ("EOF in multi-line statement" one line past the end, "EOF in multi-line string"
 *       at the string's start) as {@code LAYOUT_ERROR} tokens, which fail the parse only when it reaches them,
 *       because tokenize, too, raises them lazily.</li>
 * </ul>
 */
final class GinLayout implements TokenSource {
    private static final int TAB_SIZE = 8;

    private final GinLexer lexer;
    private final String text;
    private final Deque<Token> pending = new ArrayDeque<>();
    private final Deque<Integer> indents = new ArrayDeque<>(List.of(0));
    private final Deque<Token> openBrackets = new ArrayDeque<>();
    private boolean atLineStart = true;
    private boolean continued;
    private int parenLevel;
    private boolean finished;

    GinLayout(GinLexer lexer, String text) {
        this.lexer = lexer;
        this.text = text;
    }

    @Override
    public Token nextToken() {
        while (pending.isEmpty()) {
            if (finished) {
                return make(Token.EOF, "<EOF>", physicalLines() + 1, 0);
            }
            step();
        }
        return pending.poll();
    }

    /** Consumes raw tokens until at least one token is pending for the parser. */
    private void step() {
        if (atLineStart && parenLevel == 0 && !continued) {
            startLogicalLine();
            return;
        }
        Token t = raw();
        if (atLineStart) {
            // tokenize's "continued statement" branch: no indentation processing for this line.
            if (t.getType() == Token.EOF) {
                fail(eofInStatement(), physicalLines() + 1, 0);
                return;
            }
            continued = false;
            atLineStart = false;
        }
        handle(t);
    }

    private void startLogicalLine() {
        Token t = raw();
        int column = 0;
        if (t.getType() == GinLexer.WS) {
            for (char c : t.getText().toCharArray()) {
                column = c == ' ' ? column + 1 : c == '\t' ? (column / TAB_SIZE + 1) * TAB_SIZE : 0;
            }
            t = raw();
        }
        if (t.getType() == Token.EOF) {
            endOfInput(false);
            return;
        }
        if (t.getType() == GinLexer.COMMENT || t.getType() == GinLexer.NEWLINE) {
            if (t.getType() == GinLexer.COMMENT) {
                pending.add(hidden(t, GinLexer.COMMENT));
                t = raw();
            }
            if (t.getType() == Token.EOF) {
                endOfInput(false);
            } else {
                pending.add(hidden(t, GinParser.NL));
            }
            return;
        }
        if (column > indents.peek()) {
            indents.push(column);
            pending.add(make(GinParser.INDENT, "<INDENT>", t.getLine(), 0));
        }
        while (column < indents.peek()) {
            if (!indents.contains(column)) {
                fail("unindent does not match any outer indentation level", t.getLine(), t.getCharPositionInLine());
                return;
            }
            indents.pop();
            pending.add(make(GinParser.DEDENT, "<DEDENT>", t.getLine(), t.getCharPositionInLine()));
        }
        atLineStart = false;
        handle(t);
    }

    private void handle(Token t) {
        switch (t.getType()) {
            case GinLexer.WS -> { }
            case Token.EOF -> endOfInput(true);
            case GinLexer.LINE_JOINING -> {
                continued = true;
                atLineStart = true;
            }
            case GinLexer.NEWLINE -> {
                atLineStart = true;
                pending.add(parenLevel > 0 ? hidden(t, GinParser.NL) : t);
            }
            case GinLexer.COMMENT -> pending.add(hidden(t, GinLexer.COMMENT));
            case GinLexer.UNTERMINATED_LONG_STRING ->
                    fail("EOF in multi-line string", t.getLine(), t.getCharPositionInLine());
            case GinLexer.LPAREN, GinLexer.LBRACK, GinLexer.LBRACE -> {
                parenLevel++;
                openBrackets.push(t);
                pending.add(t);
            }
            case GinLexer.RPAREN, GinLexer.RBRACK, GinLexer.RBRACE -> {
                parenLevel--;
                openBrackets.poll();
                pending.add(t);
            }
            default -> pending.add(t);
        }
    }

    /** tokenize's end: implicit NEWLINE if the last line had none, then DEDENTs, then EOF. */
    private void endOfInput(boolean midLine) {
        if (midLine && (parenLevel != 0 || continued)) {
            fail(eofInStatement(), physicalLines() + 1, 0);
            return;
        }
        if (midLine) {
            pending.add(make(GinLexer.NEWLINE, "", physicalLines(), 0));
        }
        while (indents.peek() > 0) {
            indents.pop();
            pending.add(make(GinParser.DEDENT, "<DEDENT>", physicalLines() + 1, 0));
        }
        finished = true;
    }

    /** tokenize's message, plus the bracket that was never closed (tokenize only says where the file ended). */
    private String eofInStatement() {
        Token open = parenLevel > 0 ? openBrackets.peek() : null;
        return open == null ? "EOF in multi-line statement (after a backslash continuation)"
                : "EOF in multi-line statement: '" + open.getText() + "' at line " + open.getLine() + ", column "
                        + (open.getCharPositionInLine() + 1) + " is never closed";
    }

    private void fail(String message, int line, int column) {
        pending.add(make(GinParser.LAYOUT_ERROR, message, line, column));
        finished = true;
    }

    private Token raw() {
        return lexer.nextToken();
    }

    private Token hidden(Token t, int type) {
        CommonToken c = new CommonToken(t);
        c.setType(type);
        c.setChannel(Token.HIDDEN_CHANNEL);
        return c;
    }

    private Token make(int type, String tokenText, int line, int column) {
        CommonToken c = new CommonToken(type, tokenText);
        c.setLine(line);
        c.setCharPositionInLine(column);
        c.setStartIndex(-1);
        c.setStopIndex(-2);
        return c;
    }

    /** Lines as tokenize counts them: a last line without a line end still counts. */
    private int physicalLines() {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                n++;
            }
        }
        return (!text.isEmpty() && text.charAt(text.length() - 1) != '\n') ? n + 1 : n;
    }

    @Override
    public int getLine() {
        return lexer.getLine();
    }

    @Override
    public int getCharPositionInLine() {
        return lexer.getCharPositionInLine();
    }

    @Override
    public CharStream getInputStream() {
        return lexer.getInputStream();
    }

    @Override
    public String getSourceName() {
        return lexer.getSourceName();
    }

    @Override
    public void setTokenFactory(TokenFactory<?> factory) {
        lexer.setTokenFactory(factory);
    }

    @Override
    public TokenFactory<?> getTokenFactory() {
        return lexer.getTokenFactory();
    }
}
