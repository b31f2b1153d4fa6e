package ibc4j.gin;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.antlr.v4.runtime.Token;

/** Builds gin values from parse trees: gin's _maybe_parse_container and the delegate's reference/macro hooks. */
final class GinValues extends GinBaseVisitor<Object> {
    private final GinParserBase parser;

    GinValues(GinParserBase parser) {
        this.parser = parser;
    }

    @Override
    public Object visitContainerValue(GinParser.ContainerValueContext ctx) {
        return visit(ctx.container());
    }

    @Override
    public Object visitLiteralValue(GinParser.LiteralValueContext ctx) {
        return ctx.literal().result;
    }

    @Override
    public Object visitReferenceValue(GinParser.ReferenceValueContext ctx) {
        GinParser.ReferenceContext r = ctx.reference();
        return new ConfigurableReference(r.selector().getText(), r.evaluate != null,
                parser.location(r.getStart(), true));
    }

    @Override
    public Object visitMacroValue(GinParser.MacroValueContext ctx) {
        GinParser.MacroContext m = ctx.macro();
        return new MacroReference(m.selector().getText(), parser.location(m.getStart(), true));
    }

    /** {@code (x)} is just x; a comma or emptiness makes a tuple. */
    @Override
    public Object visitTupleOrParens(GinParser.TupleOrParensContext ctx) {
        List<Object> items = values(ctx.value());
        if (items.size() == 1 && ctx.COMMA().isEmpty()) {
            return items.get(0);
        }
        return new Tuple(items);
    }

    @Override
    public Object visitList(GinParser.ListContext ctx) {
        return values(ctx.value());
    }

    @Override
    public Object visitDict(GinParser.DictContext ctx) {
        List<Map.Entry<Object, Object>> pairs = new ArrayList<>();
        for (GinParser.DictItemContext item : ctx.dictItem()) {
            pairs.add(new AbstractMap.SimpleImmutableEntry<>(visit(item.value(0)), visit(item.value(1))));
        }
        return Dict.of(pairs);
    }

    /** Python's dict() raises TypeError on an unhashable key; gin is then at the token after the '}'. */
    void checkHashableKeys(GinParser.DictContext ctx, Token next) {
        for (GinParser.DictItemContext item : ctx.dictItem()) {
            Object key = visit(item.value(0));
            if (!PyValues.isHashable(key)) {
                throw parser.error(next, "unhashable type: '" + PyValues.typeName(key) + "'");
            }
        }
    }

    private List<Object> values(List<GinParser.ValueContext> ctxs) {
        List<Object> out = new ArrayList<>(ctxs.size());
        for (GinParser.ValueContext v : ctxs) {
            out.add(visit(v));
        }
        return out;
    }
}
