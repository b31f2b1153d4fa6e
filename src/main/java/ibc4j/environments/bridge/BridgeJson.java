package ibc4j.environments.bridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** The small JSON arguments of bridge calls. */
final class BridgeJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private BridgeJson() {}

    static Map<String, Object> parse(String json, String what) {
        if (json == null || json.isEmpty()) {
            return new LinkedHashMap<>();
        }
        try {
            return MAPPER.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new BridgeException("environment bridge: " + what + " is not JSON: " + e.getOriginalMessage(), false);
        }
    }

    static String write(Map<String, Object> value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
