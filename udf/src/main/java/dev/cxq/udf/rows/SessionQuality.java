package dev.cxq.udf.rows;

/**
 * A row of {@code session_quality}, emitted once when a session ends.
 *
 * @param sessionId the session
 * @param agentId last agent seen on the session, or null
 * @param endedAtMillis event time at which the session ended (terminal event or last event before
 *     the inactivity timeout)
 * @param endReason {@code terminal} or {@code inactivity}
 * @param samples media samples evaluated
 * @param avgMos mean MOS over samples that carry one (measured or estimated), or null
 * @param minMos lowest MOS, or null
 * @param maxPacketLossPct highest packet loss, or null
 * @param degradedSeconds event time spent in degraded samples
 * @param incidents degradation incidents that fired
 */
public record SessionQuality(
        String sessionId,
        String agentId,
        long endedAtMillis,
        String endReason,
        long samples,
        Double avgMos,
        Double minMos,
        Double maxPacketLossPct,
        double degradedSeconds,
        int incidents) {}
