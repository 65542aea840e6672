package dev.cxq.udf.rows;

/**
 * A row of {@code quality_alerts}: one state of a degradation incident or of a media-gap or
 * disconnect warning. An alert is written {@code firing} once, then {@code resolved} once under the
 * same key.
 *
 * @param incidentKey SHA-256 (hex) of the session, the alert type for warnings, and the start's
 *     5-minute bucket: identical on every replay
 * @param sessionId the session
 * @param agentId the session's agent when the alert fired, or null
 * @param queueId the session's queue when the alert fired, or null
 * @param alertType {@code degradation}, {@code media_gap} or {@code disconnected}
 * @param severity {@code critical} or {@code high} for degradation, {@code warning} otherwise
 * @param state {@code firing} or {@code resolved}
 * @param startedAtMillis event time the condition started (t0)
 * @param firedAtMillis event time the alert fired
 * @param resolvedAtMillis event time it resolved, null while firing
 * @param mos MOS of the sample the row reports (the last degraded one for degradation)
 * @param mosEstimated whether {@code mos} is an E-model estimate
 * @param reason the thresholds breached, or what the warning means
 */
public record QualityAlert(
        String incidentKey,
        String sessionId,
        String agentId,
        String queueId,
        String alertType,
        String severity,
        String state,
        long startedAtMillis,
        long firedAtMillis,
        Long resolvedAtMillis,
        Double mos,
        boolean mosEstimated,
        Double jitterMs,
        Double packetLossPct,
        Double rttMs,
        Double bitrateKbps,
        String reason) {

    public static final String DEGRADATION = "degradation";
    public static final String MEDIA_GAP = "media_gap";
    public static final String DISCONNECTED = "disconnected";
    public static final String FIRING = "firing";
    public static final String RESOLVED = "resolved";
}
