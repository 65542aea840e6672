package dev.cxq.udf.ingest;

import dev.cxq.udf.adapter.GenesysAdapter;
import dev.cxq.udf.adapter.NiceAdapter;
import dev.cxq.udf.adapter.PayloadShape;
import dev.cxq.udf.json.Json;
import dev.cxq.udf.json.RejectedRecordException;
import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.Platform;
import dev.cxq.udf.parse.CanonicalEventParser;
import dev.cxq.udf.parse.CanonicalEventReader;
import dev.cxq.udf.parse.ParseResult;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns one input record of any accepted shape into canonical events. A canonical payload is read
 * by {@link CanonicalEventReader}; any other is read into a tree once, its {@link PayloadShape}
 * detected, and the platform adapter translates it into canonical JSON, validated by {@link
 * CanonicalEventParser}, so adapted events obey exactly the contract's rules. A record yields its
 * events, or one reason; never an exception.
 */
public final class PayloadDecoder {

    private PayloadDecoder() {}

    /**
     * The outcome for one record.
     *
     * @param events the valid events (empty when rejected)
     * @param rejectReason the reason code, when the record is rejected as a whole
     */
    public record Decoded(List<CanonicalEvent> events, String rejectReason) {

        public static Decoded rejected(String reason) {
            return new Decoded(List.of(), reason);
        }

        public boolean isValid() {
            return rejectReason == null;
        }
    }

    public static Decoded decode(String payload, String source) {
        // Canonical payloads, nearly all of the input, are read without a tree.
        ParseResult read = CanonicalEventReader.read(payload, source, PayloadShape.PLATFORM_KEYS);
        if (read != null) {
            return decoded(List.of(read), Platform.CANONICAL);
        }
        try {
            JsonNode root = Json.readTree(payload);
            PayloadShape shape = PayloadShape.detect(root);
            List<? extends JsonNode> canonical =
                    switch (shape) {
                        case CANONICAL -> List.of(root);
                        case GENESYS_NOTIFICATION -> List.of(GenesysAdapter.fromNotification(root));
                        case GENESYS_EVENTBRIDGE -> List.of(GenesysAdapter.fromEventBridge(root));
                        case NICE_CONTACT -> NiceAdapter.fromContact(root);
                        case NICE_CALL_QUALITY -> List.of(NiceAdapter.fromCallQuality(root));
                    };
            List<ParseResult> results = new ArrayList<>(canonical.size());
            for (JsonNode node : canonical) {
                results.add(CanonicalEventParser.parse(node, source));
            }
            return decoded(results, platformOf(shape));
        } catch (RejectedRecordException e) {
            return Decoded.rejected(e.reason());
        }
    }

    private static Decoded decoded(List<ParseResult> results, Platform platform) {
        List<CanonicalEvent> events = new ArrayList<>(results.size());
        for (ParseResult result : results) {
            if (!result.isValid()) {
                // All or nothing: half a NICE contact would skew its interaction metrics.
                return Decoded.rejected(result.rejectReason());
            }
            result.event().platform = platform;
            events.add(result.event());
        }
        return new Decoded(events, null);
    }

    private static Platform platformOf(PayloadShape shape) {
        return switch (shape) {
            case CANONICAL -> Platform.CANONICAL;
            case GENESYS_NOTIFICATION, GENESYS_EVENTBRIDGE -> Platform.GENESYS;
            case NICE_CONTACT, NICE_CALL_QUALITY -> Platform.NICE;
        };
    }
}
