package dev.cxq.udf.adapter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** A JSON tree written with sorted keys: the input of derived event ids. */
final class CanonicalTrees {

    /** Sorted keys, so a derived event id does not depend on how a redelivery orders its fields. */
    private static final ObjectMapper SORTED =
            JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    private CanonicalTrees() {}

    static String sortedJson(JsonNode tree) {
        try {
            return SORTED.writeValueAsString(SORTED.treeToValue(tree, Object.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree is always serializable", e);
        }
    }
}
