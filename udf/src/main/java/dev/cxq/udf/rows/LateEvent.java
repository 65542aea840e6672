package dev.cxq.udf.rows;

/**
 * A row of {@code late_events}: a valid event that arrived after event time had moved past it
 * (behind the watermark, or after a window's allowed lateness), so it could not be applied.
 *
 * @param eventId the event's id (the key: several operators may report the same event)
 * @param sessionId its session
 * @param tsMillis its event time
 * @param kind its kind, by wire name
 * @param payload the event in canonical JSON
 */
public record LateEvent(
        String eventId, String sessionId, long tsMillis, String kind, String payload) {}
