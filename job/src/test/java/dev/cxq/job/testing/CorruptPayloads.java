package dev.cxq.job.testing;

import dev.cxq.udf.ingest.PayloadDecoder;
import dev.cxq.udf.json.Json;

import java.util.List;
import java.util.Random;

/**
 * Corrupts valid payloads in the ways a broken producer does: truncations, byte flips on structural
 * characters, wrong types, huge strings and deep nesting. Every result is checked against the job's
 * own decoder and replaced by another corruption until it is rejected, so a corrupted record can
 * never be a valid event of the same stream.
 */
public final class CorruptPayloads {

    /** Characters whose change breaks the JSON structure (or a string's boundaries). */
    private static final String STRUCTURAL = "{}:\",";

    /** What a flipped structural character becomes: printable, never whitespace or a newline. */
    private static final String FLIPPED_TO = "#;x]'{";

    private static final List<String[]> WRONG_TYPES =
            List.of(
                    new String[] {"\"ts\":\"", "\"ts\":true,\"was\":\""},
                    new String[] {"\"session_id\":\"", "\"session_id\":[1],\"was\":\""},
                    new String[] {"\"kind\":\"", "\"kind\":42,\"was\":\""},
                    new String[] {"\"event_id\":\"", "\"event_id\":{},\"was\":\""},
                    new String[] {"\"mos\":", "\"mos\":\"low\",\"was\":"},
                    new String[] {"\"packet_loss_pct\":", "\"packet_loss_pct\":[],\"was\":"});

    private static final List<Kind> COMMON_KINDS =
            List.of(Kind.TRUNCATION, Kind.STRUCTURAL_FLIP, Kind.WRONG_TYPE, Kind.DEEP_NESTING);

    private final Random random;

    public CorruptPayloads(long seed) {
        this.random = new Random(seed);
    }

    /** The kinds of corruption, for the counts the test reports. */
    public enum Kind {
        TRUNCATION,
        STRUCTURAL_FLIP,
        WRONG_TYPE,
        HUGE_STRING,
        DEEP_NESTING
    }

    /** A corrupted payload and how it was made. */
    public record Corrupted(Kind kind, String payload) {}

    /**
     * A corruption of {@code valid} that the decoder rejects. Huge strings are rare (one in 500):
     * each costs more than 1 MiB of input.
     */
    public Corrupted corrupt(String valid) {
        while (true) {
            Kind kind =
                    random.nextInt(500) == 0
                            ? Kind.HUGE_STRING
                            : COMMON_KINDS.get(random.nextInt(COMMON_KINDS.size()));
            String payload = apply(kind, valid);
            if (payload != null && !payload.isBlank() && isRejected(payload)) {
                return new Corrupted(kind, payload);
            }
        }
    }

    private String apply(Kind kind, String valid) {
        return switch (kind) {
            case TRUNCATION -> valid.substring(0, 1 + random.nextInt(valid.length() - 1));
            case STRUCTURAL_FLIP -> flipStructural(valid);
            case WRONG_TYPE -> wrongType(valid);
            case HUGE_STRING ->
                    // A string value longer than the 1 MiB payload limit.
                    insertField(
                            valid, "\"note\":\"" + "x".repeat(Json.MAX_PAYLOAD_CHARS + 1) + "\"");
            case DEEP_NESTING -> {
                int depth = 65 + random.nextInt(100);
                yield insertField(valid, "\"extra\":" + "[".repeat(depth) + "]".repeat(depth));
            }
        };
    }

    private String flipStructural(String valid) {
        int[] positions = valid.chars().map(c -> STRUCTURAL.indexOf(c) >= 0 ? 1 : 0).toArray();
        int count = 0;
        for (int p : positions) {
            count += p;
        }
        int target = random.nextInt(count);
        for (int i = 0; i < valid.length(); i++) {
            if (positions[i] == 1 && target-- == 0) {
                char replacement;
                do {
                    replacement = FLIPPED_TO.charAt(random.nextInt(FLIPPED_TO.length()));
                } while (replacement == valid.charAt(i));
                return valid.substring(0, i) + replacement + valid.substring(i + 1);
            }
        }
        throw new IllegalStateException("unreachable");
    }

    private String wrongType(String valid) {
        String[] change = WRONG_TYPES.get(random.nextInt(WRONG_TYPES.size()));
        int at = valid.indexOf(change[0]);
        return at < 0
                ? null
                : valid.substring(0, at) + change[1] + valid.substring(at + change[0].length());
    }

    private static String insertField(String valid, String field) {
        return "{" + field + "," + valid.substring(1);
    }

    private static boolean isRejected(String payload) {
        return !PayloadDecoder.decode(payload, "corruption-check").isValid();
    }
}
