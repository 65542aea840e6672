package dev.cxq.udf.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;

/**
 * The one strict JSON reader of the input path. Limits are far above any real event but low enough
 * that a hostile payload (megabytes of string, thousands of nested arrays) is refused cheaply
 * instead of costing memory or a stack overflow.
 */
public final class Json {

    /** Payloads longer than this (in chars) are rejected before parsing. */
    public static final int MAX_PAYLOAD_CHARS = 1 << 20;

    private static final ObjectMapper MAPPER =
            JsonMapper.builder()
                    // Duplicate keys are refused while the tree is built (the map says when a key
                    // is already there), not by the parser: its detector fills a set per object.
                    .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                    // Same doubles as Double.parseDouble (both round correctly), at a fraction of
                    // the cost; metrics are mostly fractional numbers.
                    .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                    .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .build();

    static {
        MAPPER.getFactory()
                .setStreamReadConstraints(
                        StreamReadConstraints.builder()
                                .maxNestingDepth(64)
                                .maxStringLength(MAX_PAYLOAD_CHARS)
                                .maxNumberLength(64)
                                .build());
    }

    private Json() {}

    /**
     * Parses one JSON value, or throws a rejection ({@code payload_too_large}, {@code
     * invalid_json}).
     */
    public static JsonNode readTree(String payload) {
        checkLength(payload);
        try {
            JsonNode node = MAPPER.readTree(payload);
            if (node == null || node.isMissingNode()) {
                throw new RejectedRecordException("invalid_json");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new RejectedRecordException("invalid_json");
        }
    }

    /**
     * A streaming parser over one payload, with the settings and limits {@link #readTree} reads
     * with; refuses the payloads {@link #readTree} refuses before parsing. What the tree refuses
     * beyond the parser (duplicate keys, trailing tokens) is the caller's to refuse.
     */
    public static JsonParser createParser(String payload) throws IOException {
        checkLength(payload);
        return MAPPER.createParser(payload);
    }

    private static void checkLength(String payload) {
        if (payload == null) {
            throw new RejectedRecordException("invalid_json");
        }
        if (payload.length() > MAX_PAYLOAD_CHARS) {
            throw new RejectedRecordException("payload_too_large");
        }
    }
}
