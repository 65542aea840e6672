package dev.cxq.udf.quality;

import dev.cxq.udf.rows.QualityAlert;

/**
 * An alert that has fired and not yet resolved, kept in keyed state so that its {@code resolved}
 * row repeats the values of its {@code firing} row (a Flink POJO).
 */
public class OpenAlert {

    public String incidentKey;
    public String alertType;
    public String severity;
    public long startedAt;
    public long firedAt;
    public String agentId;
    public String queueId;
    public SampleMetrics metrics;
    public String reason;

    /**
     * False when an earlier alert of the session already used this key (same type, same 5-minute
     * bucket of start): its rows would overwrite that alert's, so none are written.
     */
    public boolean reported;

    public OpenAlert() {}

    QualityAlert row(String sessionId, String state, Long resolvedAt) {
        SampleMetrics m = metrics == null ? new SampleMetrics() : metrics;
        return new QualityAlert(
                incidentKey,
                sessionId,
                agentId,
                queueId,
                alertType,
                severity,
                state,
                startedAt,
                firedAt,
                resolvedAt,
                m.mos,
                m.mosEstimated,
                m.jitterMs,
                m.packetLossPct,
                m.rttMs,
                m.bitrateKbps,
                reason);
    }
}
