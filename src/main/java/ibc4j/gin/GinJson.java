package ibc4j.gin;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * The {@code gin parse --json} schema: one object per file, {@code {"file", "statements": [...]}} or
 * {@code {"file", "error": {"line", "message"}}}, values tagged by Python type ({@code {"int": "12"}},
 * {@code {"float": 0.001}}, {@code {"ref": "scope/name", "evaluate": true}}, ...). Non-ASCII is escaped and floats
 * print as Python's repr, so the line equals Python's {@code json.dumps(..., ensure_ascii=True)}.
 */
public final class GinJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .build();

    private GinJson() {}

    public static ObjectNode statements(String file, List<Statement> statements) {
        ObjectNode root = str(NODES.objectNode(), "file", file);
        ArrayNode arr = root.putArray("statements");
        for (Statement s : statements) {
            arr.add(statement(s));
        }
        return root;
    }

    public static ObjectNode error(String file, GinException e) {
        ObjectNode root = str(NODES.objectNode(), "file", file);
        ObjectNode error = root.putObject("error").put("line", e.location() == null ? 0 : e.location().line());
        str(error, "message", e.rawMessage());
        return root;
    }

    /** One compact line, as Python's json.dumps with separators (",", ":"). */
    public static String line(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode statement(Statement s) {
        ObjectNode o = NODES.objectNode();
        if (s instanceof Statement.Binding b) {
            str(str(str(str(o, "type", "binding"), "scope", b.scope()), "selector", b.selector()), "param", b.param())
                    .set("value", value(b.value()));
        } else if (s instanceof Statement.Block b) {
            str(str(str(o, "type", "block"), "scope", b.scope()), "selector", b.selector());
        } else if (s instanceof Statement.Import i) {
            str(str(str(o, "type", "import"), "module", i.module()).put("from", i.isFrom()), "alias", i.alias());
        } else if (s instanceof Statement.Include i) {
            str(str(o, "type", "include"), "path", i.path());
        }
        return o.put("line", s.location().line());
    }

    public static com.fasterxml.jackson.databind.JsonNode value(Object v) {
        if (v == null) {
            return NODES.nullNode();
        }
        if (v instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (v instanceof BigInteger i) {
            return NODES.objectNode().put("int", i.toString());
        }
        if (v instanceof Double d) {
            return NODES.objectNode().set("float", number(d));
        }
        if (v instanceof Complex c) {
            return NODES.objectNode().set("complex", NODES.arrayNode().add(number(c.real())).add(number(c.imag())));
        }
        if (v instanceof String s) {
            return NODES.objectNode().set("str", string(s));
        }
        if (v instanceof Bytes b) {
            return NODES.objectNode().set("bytes", string(b.latin1()));
        }
        if (v instanceof List<?> l) {
            return NODES.objectNode().set("list", array(l));
        }
        if (v instanceof Tuple t) {
            return NODES.objectNode().set("tuple", array(t.items()));
        }
        if (v instanceof Dict d) {
            ArrayNode pairs = NODES.arrayNode();
            for (Map.Entry<Object, Object> e : d.entries()) {
                pairs.add(NODES.arrayNode().add(value(e.getKey())).add(value(e.getValue())));
            }
            return NODES.objectNode().set("dict", pairs);
        }
        if (v instanceof ConfigurableReference r) {
            return str(NODES.objectNode(), "ref", r.name()).put("evaluate", r.evaluate());
        }
        if (v instanceof MacroReference m) {
            return NODES.objectNode().set("macro", string(m.name()));
        }
        throw new IllegalArgumentException("not a gin value: " + v.getClass());
    }

    private static ArrayNode array(List<?> items) {
        ArrayNode a = NODES.arrayNode();
        for (Object o : items) {
            a.add(value(o));
        }
        return a;
    }

    private static ObjectNode str(ObjectNode o, String key, String value) {
        o.set(key, string(value));
        return o;
    }

    /** A string escaped as Python's json.dumps(ensure_ascii=True) does: lowercase hex, DEL escaped too. */
    private static com.fasterxml.jackson.databind.JsonNode string(String s) {
        if (s == null) {
            return NODES.nullNode();
        }
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c >= 0x7f) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return NODES.rawValueNode(new com.fasterxml.jackson.databind.util.RawValue(sb.append('"').toString()));
    }

    /** A float as Python's json prints it (its repr); non-finite values as the strings inf, -inf, nan. */
    private static com.fasterxml.jackson.databind.JsonNode number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return NODES.textNode(PyValues.floatRepr(d));
        }
        return NODES.rawValueNode(new com.fasterxml.jackson.databind.util.RawValue(PyValues.floatRepr(d)));
    }
}
