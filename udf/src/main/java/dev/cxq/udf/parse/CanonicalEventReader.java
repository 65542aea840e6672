package dev.cxq.udf.parse;

import dev.cxq.udf.json.Json;
import dev.cxq.udf.json.RejectedRecordException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a canonical payload with Jackson's streaming parser into the values {@link
 * CanonicalEventParser} validates, without building a tree: canonical payloads are nearly all of
 * the input, and their tree was 38 % of the parse's allocation (issue 17). It refuses what {@link
 * Json#readTree} refuses, with the same parser settings and limits, duplicate keys at any depth and
 * trailing tokens, so every payload gets the result it gets from its tree. Only the fields the
 * contract names are kept; other values are skipped.
 */
public final class CanonicalEventReader {

    private static final Map<String, Integer> TOP =
            indexes(
                    List.of(
                            "event_id",
                            "kind",
                            "session_id",
                            "ts",
                            "media",
                            "mos",
                            "jitter_ms",
                            "rtt_ms",
                            "packet_loss_pct",
                            "bitrate_kbps",
                            "peer_state",
                            "agent_id",
                            "state",
                            "queue_id",
                            "customer_id",
                            "agent_timezone",
                            "disposition",
                            "channel",
                            "recording_required",
                            "metrics",
                            "recording_id",
                            "status"));

    /** The one object the contract nests. */
    private static final String METRICS = "metrics";

    private static final Map<String, Integer> METRICS_FIELDS =
            indexes(List.of("talk_ms", "hold_ms", "wrap_ms", "queue_wait_ms"));

    /** A container where no field takes one: whatever field asks, it is of the wrong type. */
    private static final Object CONTAINER = new Object();

    private CanonicalEventReader() {}

    /**
     * Reads and validates a payload, or returns {@code null} as soon as a key of {@code stopKeys}
     * shows at its top level: the caller reads such a payload otherwise (a platform payload, from
     * its tree).
     */
    public static ParseResult read(String payload, String source, Set<String> stopKeys) {
        Captured root;
        try (JsonParser parser = Json.createParser(payload)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return ParseResult.rejected("invalid_json");
            }
            if (first == JsonToken.START_OBJECT) {
                root = readObject(parser, TOP, stopKeys);
                if (root == null) {
                    return null;
                }
            } else {
                skip(parser);
                root = null;
            }
            if (parser.nextToken() != null) {
                return ParseResult.rejected("invalid_json");
            }
        } catch (IOException e) {
            // Syntax and the parser's limits, as Json.readTree says.
            return ParseResult.rejected("invalid_json");
        } catch (RejectedRecordException e) {
            return ParseResult.rejected(e.reason());
        }
        return root == null
                ? ParseResult.rejected("not_a_json_object")
                : CanonicalEventParser.validate(root, source);
    }

    /**
     * Reads the object the parser is at the start of, keeping the values of {@code names}; {@code
     * null} at a key of {@code stopKeys}.
     */
    private static Captured readObject(
            JsonParser parser, Map<String, Integer> names, Set<String> stopKeys)
            throws IOException {
        Object[] values = new Object[names.size()];
        long seen = 0;
        Set<String> others = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            Integer index = names.get(name);
            if (index == null) {
                if (stopKeys.contains(name)) {
                    return null;
                }
                if (others == null) {
                    others = new HashSet<>();
                }
                if (!others.add(name)) {
                    throw duplicateKey();
                }
                parser.nextToken();
                skip(parser);
                continue;
            }
            if ((seen & (1L << index)) != 0) {
                throw duplicateKey();
            }
            seen |= 1L << index;
            JsonToken token = parser.nextToken();
            values[index] =
                    token == JsonToken.START_OBJECT && names == TOP && name.equals(METRICS)
                            ? readObject(parser, METRICS_FIELDS, Set.of())
                            : value(parser, token);
        }
        return new Captured(names, values);
    }

    /** A value as {@link CanonicalEventParser.Fields} holds it; a container is skipped. */
    private static Object value(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_STRING -> parser.getText();
            // As the tree holds them: an int, long or BigInteger, or a double.
            case VALUE_NUMBER_INT -> parser.getNumberValue().doubleValue();
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> {
                skip(parser);
                yield CONTAINER;
            }
        };
    }

    /**
     * Skips the value the parser is at, refusing a duplicate key in any object within it, as the
     * tree does. Recursion is bounded by the parser's nesting limit.
     */
    private static void skip(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_ARRAY) {
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                skip(parser);
            }
        } else if (token == JsonToken.START_OBJECT) {
            Set<String> names = new HashSet<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                if (!names.add(parser.currentName())) {
                    throw duplicateKey();
                }
                parser.nextToken();
                skip(parser);
            }
        }
    }

    private static RejectedRecordException duplicateKey() {
        return new RejectedRecordException("invalid_json");
    }

    private static Map<String, Integer> indexes(List<String> names) {
        Map<String, Integer> indexes = new HashMap<>();
        for (String name : names) {
            indexes.put(name, indexes.size());
        }
        return Map.copyOf(indexes);
    }

    /** The kept values of one object. */
    private record Captured(Map<String, Integer> names, Object[] values)
            implements CanonicalEventParser.Fields {

        @Override
        public Object get(String name) {
            Integer index = names.get(name);
            if (index == null) {
                // A field the validation reads must be in TOP or METRICS_FIELDS.
                throw new IllegalArgumentException(name + " is not kept by CanonicalEventReader");
            }
            return values[index];
        }
    }
}
