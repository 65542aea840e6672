package dev.cxq.udf.rows;

/**
 * A row of {@code session_quality}, emitted once when a session ends.
 *
 * @param sessionId the session
 * @param agentId last agent seen on the session, or null
 * @param queueId last queue seen on the session's interaction events, or null
 * @param endedAtMillis event time at which the session ended (terminal event or last event before
 *     the inactivity timeout)
 * @param endReason {@code terminal} or {@code inactivity}
 * @param samples media samples evaluated
 * @param mosSamples samples that carry a MOS (measured or estimated): the weight of {@code avgMos}
 * @param avgMos mean MOS over samples that carry one (measured or estimated), or null
 * @param minMos lowest MOS, or null
 * @param maxPacketLossPct highest packet loss, or null
 * @param degradedSeconds event time spent in degraded samples
 * @param incidents degradation incidents that fired
 */
public record SessionQuality(
        String sessionId,
        String agentId,
        String queueId,
        long endedAtMillis,
        String endReason,
        long samples,
        long mosSamples,
        Double avgMos,
        Double minMos,
        Double maxPacketLossPct,
        double degradedSeconds,
        int incidents) {}
