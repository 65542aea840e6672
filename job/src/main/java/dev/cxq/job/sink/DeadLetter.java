package dev.cxq.job.sink;

import dev.cxq.udf.rows.LateEvent;
import dev.cxq.udf.rows.RejectedEvent;

/**
 * A record of the dead-letter topic: an input that was rejected, or a valid event that came too
 * late to be applied. It carries what an operator needs to find and replay it.
 *
 * @param kind {@code rejected} or {@code late}
 * @param reason the reject reason code, or {@code late}
 * @param source {@code topic/partition/offset} (or {@code file:line}); {@code null} for late events
 * @param eventId the event id of a late event; {@code null} for rejected records
 * @param payload the rejected payload (truncated) or the late event in canonical JSON
 */
public record DeadLetter(
        String kind, String reason, String source, String eventId, String payload) {

    public static DeadLetter rejected(RejectedEvent row) {
        return new DeadLetter("rejected", row.reason(), row.source(), null, row.payload());
    }

    public static DeadLetter late(LateEvent row) {
        return new DeadLetter("late", "late", null, row.eventId(), row.payload());
    }
}
