package dev.cxq.job.sink.webhook;

import dev.cxq.udf.rows.QualityAlert;

import org.apache.flink.api.common.functions.MapFunction;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/**
 * The contract's webhook body for an alert transition: {@code incident_type}, {@code state}, {@code
 * severity}, {@code session_id}, {@code agent_id}, {@code metrics}, {@code trigger_timestamp} (when
 * it fired, or resolved) and {@code environment}.
 */
public final class AlertWebhookMessage implements MapFunction<QualityAlert, WebhookMessage> {

    private static final long serialVersionUID = 1L;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String environment;

    public AlertWebhookMessage(String environment) {
        this.environment = environment;
    }

    @Override
    public WebhookMessage map(QualityAlert alert) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("incident_type", incidentType(alert.alertType()));
        body.put("state", alert.state());
        body.put("severity", alert.severity());
        body.put("session_id", alert.sessionId());
        body.put("agent_id", alert.agentId());
        ObjectNode metrics = body.putObject("metrics");
        metrics.put("mos", alert.mos());
        metrics.put("jitter_ms", alert.jitterMs());
        metrics.put("packet_loss_pct", alert.packetLossPct());
        metrics.put("rtt_ms", alert.rttMs());
        metrics.put("bitrate_kbps", alert.bitrateKbps());
        long trigger =
                QualityAlert.RESOLVED.equals(alert.state()) && alert.resolvedAtMillis() != null
                        ? alert.resolvedAtMillis()
                        : alert.firedAtMillis();
        body.put("trigger_timestamp", Instant.ofEpochMilli(trigger).toString());
        body.put("environment", environment);
        return new WebhookMessage(alert.incidentKey(), alert.state(), trigger, body.toString());
    }

    static String incidentType(String alertType) {
        return QualityAlert.DEGRADATION.equals(alertType) ? "webrtc_degradation" : alertType;
    }
}
