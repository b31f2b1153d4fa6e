package ibc4j.configurables;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ibc4j.gin.ConfigurableSpec;
import ibc4j.gin.Dict;
import ibc4j.gin.GinRegistry;
import ibc4j.gin.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code ibc_configurables.json}, IBC's gin registry as its Python decorators would build it (every
 * {@code @gin.configurable} with its signature, and the {@code constants_from_enum} constants).
 */
final class IbcConfigurablesJson {
    static final String RESOURCE = "/ibc4j/configurables/ibc_configurables.json";

    private IbcConfigurablesJson() {}

    /** Registers every IBC configurable (as "registered, not implemented") and constant into {@code registry}. */
    static void load(GinRegistry registry) {
        JsonNode root;
        try (InputStream in = IbcConfigurablesJson.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            root = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (JsonNode c : root.get("configurables")) {
            List<ConfigurableSpec.ParamSpec> params = new ArrayList<>();
            for (JsonNode p : c.get("params")) {
                boolean has = p.has("default");
                Object dflt = has ? value(p.get("default")) : null;
                params.add(new ConfigurableSpec.ParamSpec(p.get("name").asText(), dflt, has,
                        has && !(dflt instanceof ConfigurableSpec.NonLiteral), null, ""));
            }
            registry.registerUpstream(new ConfigurableSpec(c.get("name").asText(), c.get("module").asText(), params,
                    c.path("varkw").asBoolean(false), names(c.get("allowlist")), names(c.get("denylist")),
                    c.get("source").asText(), c.path("line").asInt(0), params, null, null));
        }
        for (JsonNode k : root.get("constants")) {
            String name = k.get("name").asText();
            String module = k.get("module").asText();
            Object value;
            if (k.has("enum_value")) {
                int dot = name.lastIndexOf('.');
                value = new GinRegistry.EnumConstant(module + "." + name.substring(0, dot),
                        name.substring(dot + 1), value(k.get("enum_value")));
            } else {
                value = value(k.get("value"));
            }
            registry.constant(module + "." + name, value);
        }
    }

    private static List<String> names(JsonNode list) {
        if (list == null || list.isNull()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The JSON value schema: null, booleans, {"int"}, {"float"}, {"str"}, {"list"}, {"tuple"}, {"dict"}, {"expr"}. */
    static Object value(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        Map.Entry<String, JsonNode> e = v.fields().next();
        JsonNode x = e.getValue();
        return switch (e.getKey()) {
            case "int" -> new BigInteger(x.asText());
            case "float" -> x.isTextual() ? pyFloat(x.asText()) : x.asDouble();
            case "str" -> x.asText();
            case "list" -> items(x);
            case "tuple" -> new Tuple(items(x));
            case "dict" -> {
                List<Map.Entry<Object, Object>> pairs = new ArrayList<>();
                x.forEach(kv -> pairs.add(new AbstractMap.SimpleImmutableEntry<>(value(kv.get(0)), value(kv.get(1)))));
                yield Dict.of(pairs);
            }
            case "expr" -> new ConfigurableSpec.NonLiteral(x.asText());
            default -> throw new IllegalStateException("unknown value kind in " + RESOURCE + ": " + v);
        };
    }

    private static List<Object> items(JsonNode x) {
        List<Object> out = new ArrayList<>();
        x.forEach(n -> out.add(value(n)));
        return out;
    }

    private static double pyFloat(String s) {
        return switch (s) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.NaN;
        };
    }
}
