package dev.cxq.udf.json;

import java.time.Duration;
import java.time.Instant;

/**
 * What an accepted value may hold, so that every value the parser lets through can be computed with
 * and stored in every sink (PostgreSQL {@code text}, {@code timestamptz} and {@code jsonb}, JSON
 * Lines, Kafka) without overflow or refusal. docs/design.md lists the same bounds.
 */
public final class InputBounds {

    /**
     * Earliest accepted event time. Clocks that lost their setting report 1970 or 2000; no contact
     * center event predates 2000.
     */
    public static final long MIN_TS_MILLIS = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();

    /**
     * Latest accepted event time: the last instant with a four-digit year, which PostgreSQL's
     * {@code timestamptz}, ISO-8601 text and epoch milliseconds all hold, with room to add any
     * accepted duration without overflow.
     */
    public static final long MAX_TS_MILLIS =
            Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();

    /** Longest id or free-text value, in chars ({@code too_long:<field>} beyond). */
    public static final int MAX_TEXT_CHARS = 256;

    /**
     * Longest duration (talk, hold, wrap-up, queue wait, a NICE contact's length): far above any
     * real interaction, small enough that sums of durations and event times cannot overflow.
     */
    public static final long MAX_DURATION_MS = Duration.ofDays(30).toMillis();

    private InputBounds() {}

    /**
     * Refuses a text value that a sink could not store or would store altered: one longer than
     * {@link #MAX_TEXT_CHARS} ({@code too_long:<field>}), or holding a control character (NUL above
     * all, which PostgreSQL refuses in {@code text} and {@code jsonb}) or half a surrogate pair,
     * which UTF-8 cannot encode ({@code invalid_characters:<field>}).
     */
    public static String checkText(String value, String field) {
        if (value.length() > MAX_TEXT_CHARS) {
            throw new RejectedRecordException("too_long:" + field);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                throw new RejectedRecordException("invalid_characters:" + field);
            }
            if (Character.isSurrogate(c)) {
                boolean paired =
                        Character.isHighSurrogate(c)
                                && i + 1 < value.length()
                                && Character.isLowSurrogate(value.charAt(i + 1));
                if (!paired) {
                    throw new RejectedRecordException("invalid_characters:" + field);
                }
                i++;
            }
        }
        return value;
    }

    /** Refuses an event time outside [{@link #MIN_TS_MILLIS}, {@link #MAX_TS_MILLIS}]. */
    public static long checkTimestamp(long epochMillis) {
        if (epochMillis < MIN_TS_MILLIS || epochMillis > MAX_TS_MILLIS) {
            throw new RejectedRecordException("timestamp_out_of_range");
        }
        return epochMillis;
    }
}
