package ibc4j.gin;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.PredictionMode;

/**
 * Parses gin text into {@link Statement}s, as gin/config_parser.py's ConfigParser does: same statements, same
 * values, and on bad input the same 1-based line gin reports.
 */
public final class GinConfigParser {
    /**
     * The deepest nesting of brackets ({@code [ ( {}) a gin file may have. gin-config parses by recursive descent
     * and runs out of Python's default stack at 330 nested dicts (495 lists); ibc4j's parser and the passes over
     * parsed values recurse too, so deeper input is refused before parsing, at the first bracket too deep.
     */
    public static final int MAX_NESTING = 256;

    private GinConfigParser() {}

    /** Reads a file as gin does ({@code open(path)}: UTF-8, universal newlines) and parses it. */
    public static List<Statement> parseFile(Path path) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new GinSyntaxException(new Location(path.toString(), 1, 0, ""),
                    "file is not valid UTF-8: " + e.getMessage());
        }
        return parse(text, path.toString());
    }

    /** Parses gin text; {@code fileName} appears in locations ({@code "bindings"} for --gin_bindings). */
    public static List<Statement> parse(String text, String fileName) {
        String normalized = text.replace("\r\n", "\n").replace('\r', '\n');
        List<String> lines = Arrays.asList(normalized.split("\n", -1));
        GinLexer lexer = new GinLexer(CharStreams.fromString(normalized, fileName));
        lexer.removeErrorListeners();
        CommonTokenStream tokens = new CommonTokenStream(new GinLayout(lexer, normalized));
        GinParser parser = new GinParser(tokens);
        parser.setSource(fileName, lines);
        checkNesting(tokens, parser);
        parser.removeErrorListeners();
        parser.setErrorHandler(new GinErrorStrategy());
        parser.getInterpreter().setPredictionMode(PredictionMode.LL);
        GinParser.ConfigContext config = parser.config();
        return new StatementBuilder(parser).build(config);
    }

    /** Refuses brackets nested deeper than {@link #MAX_NESTING}, so no recursion below can overflow the stack. */
    private static void checkNesting(CommonTokenStream tokens, GinParser parser) {
        tokens.fill();
        int depth = 0;
        for (Token t : tokens.getTokens()) {
            switch (t.getType()) {
                case GinParser.LPAREN, GinParser.LBRACK, GinParser.LBRACE -> {
                    if (++depth > MAX_NESTING) {
                        throw parser.error(t, "Values nested deeper than " + MAX_NESTING + " levels (lists, tuples, "
                                + "dicts or parentheses).");
                    }
                }
                case GinParser.RPAREN, GinParser.RBRACK, GinParser.RBRACE -> depth = Math.max(0, depth - 1);
                case GinParser.LAYOUT_ERROR -> {
                    return;
                }
                default -> { }
            }
        }
    }

    /** Turns the parse tree into statements in gin's order (a block, then its bindings). */
    private static final class StatementBuilder {
        private final GinParser parser;
        private final GinValues values;
        private final List<Statement> out = new ArrayList<>();

        StatementBuilder(GinParser parser) {
            this.parser = parser;
            this.values = new GinValues(parser);
        }

        List<Statement> build(GinParser.ConfigContext config) {
            for (GinParser.StatementContext st : config.statement()) {
                add(st);
            }
            return out;
        }

        private void add(GinParser.StatementContext st) {
            Location loc = parser.location(st.getStart(), true);
            String key = st.key.getText();
            GinParser.StatementBodyContext body = st.statementBody();
            if (body instanceof GinParser.BindingBodyContext b) {
                out.add(binding(key, visitValue(b.value()), loc));
            } else if (body instanceof GinParser.BlockDeclarationContext b) {
                String[] ss = splitScope(key);
                out.add(new Statement.Block(ss[0], ss[1], loc));
                for (GinParser.BlockBindingContext bb : b.blockBody().blockBinding()) {
                    out.add(new Statement.Binding(ss[0], ss[1], bb.NAME().getText(), visitValue(bb.value()),
                            parser.location(bb.getStart(), true)));
                }
            } else if (body instanceof GinParser.ImportBodyContext b) {
                out.add(new Statement.Import(b.selector().getText(), false, alias(b.importAlias()), loc));
            } else if (body instanceof GinParser.FromImportBodyContext b) {
                String module = b.selector().getText() + "." + b.fromImport().NAME(1).getText();
                out.add(new Statement.Import(module, true, alias(b.importAlias()), loc));
            } else if (body instanceof GinParser.IncludeBodyContext b) {
                Object path = b.includePath().literal().result;
                if (!(path instanceof String s)) {
                    throw parser.error(b.includePath().getStart(), "Expected file path as string.");
                }
                out.add(new Statement.Include(s, loc));
            }
        }

        private Object visitValue(GinParser.ValueContext v) {
            return values.visit(v);
        }

        private static String alias(GinParser.ImportAliasContext a) {
            return a == null ? null : a.NAME(1).getText();
        }

        /** gin's parse_binding_key: scope before the last '/', param after the last '.' of the rest. */
        private static Statement.Binding binding(String key, Object value, Location loc) {
            String[] ss = splitScope(key);
            int dot = ss[1].lastIndexOf('.');
            String selector = dot < 0 ? ss[1] : ss[1].substring(0, dot);
            String param = dot < 0 ? "" : ss[1].substring(dot + 1);
            return new Statement.Binding(ss[0], selector, param, value, loc);
        }

        private static String[] splitScope(String key) {
            int slash = key.lastIndexOf('/');
            return slash < 0 ? new String[] {"", key} : new String[] {key.substring(0, slash), key.substring(slash + 1)};
        }
    }
}
