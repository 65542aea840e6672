package dev.cxq.udf.interaction;

/**
 * The state of one interaction as the interaction function last saw it. A new version is emitted
 * whenever it changes: once its customer is known (still open, for first-contact resolution), at
 * its end, and when its recording status changes afterwards (a late upload, or {@code missing} when
 * the recording SLA passes). Consumers keep the highest version per interaction.
 *
 * @param interactionId the session id
 * @param version increases with every emission of this interaction
 * @param status {@code completed}, {@code abandoned}, {@code missed}, {@code partial}, or null
 *     while the interaction is open
 * @param startMillis event time of its first interaction event
 * @param endMillis event time of its terminal event (its last event when partial); null while open
 * @param talkMs time connected (platform-measured when the terminal event carried it)
 * @param holdMs time on hold
 * @param wrapMs time in wrap-up
 * @param queueWaitMs time from queued to the first connect (to the end when never connected)
 * @param platformMetrics whether any duration came from the terminal event's {@code metrics}
 * @param adjustedAhtExclusion why it is left out of adjusted AHT ({@code ivr_disposition}, {@code
 *     outside_business_hours}), or null when it counts
 * @param recordingRequired whether a recording is required for it
 * @param recordingStatus {@code uploaded}, {@code failed}, {@code pending}, {@code missing} or
 *     {@code not_required}
 */
public record InteractionSummary(
        String interactionId,
        int version,
        String status,
        long startMillis,
        Long endMillis,
        String agentId,
        String queueId,
        String customerId,
        String disposition,
        long talkMs,
        long holdMs,
        long wrapMs,
        long queueWaitMs,
        boolean platformMetrics,
        String adjustedAhtExclusion,
        boolean recordingRequired,
        String recordingStatus) {

    public static final String COMPLETED = "completed";
    public static final String PARTIAL = "partial";

    public boolean isEnded() {
        return status != null;
    }

    public boolean isCompleted() {
        return COMPLETED.equals(status);
    }

    /** Talk + hold + wrap: it never depends on the recording. */
    public long handleTimeMs() {
        return talkMs + holdMs + wrapMs;
    }
}
