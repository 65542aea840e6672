package dev.cxq.udf.rows;

/**
 * A row of {@code rejected_events}: an input record that is not a valid event.
 *
 * @param eventKey SHA-256 (hex) of the source position and payload: the same record replayed maps
 *     to the same row
 * @param reason reason code, e.g. {@code out_of_range:packet_loss_pct}
 * @param source {@code file:line} or {@code topic/partition/offset}
 * @param payload the payload, truncated to {@link #MAX_PAYLOAD_CHARS}
 * @param receivedAtMillis processing time of the first receipt (epoch ms)
 */
public record RejectedEvent(
        String eventKey, String reason, String source, String payload, long receivedAtMillis) {

    public static final int MAX_PAYLOAD_CHARS = 4096;
}
