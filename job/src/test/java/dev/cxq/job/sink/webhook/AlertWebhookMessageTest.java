package dev.cxq.job.sink.webhook;

import dev.cxq.udf.rows.QualityAlert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AlertWebhookMessageTest {

    private static QualityAlert alert(String type, String state, Long resolvedAt) {
        return new QualityAlert(
                "abc123",
                "conv-1",
                "agent-7",
                "q-1",
                type,
                "critical",
                state,
                1_773_064_810_000L,
                1_773_064_840_000L,
                resolvedAt,
                2.8,
                false,
                12.0,
                4.5,
                80.0,
                null,
                "mos<3.5");
    }

    @Test
    void firingDegradationCarriesTheContractFieldsAndKey() throws Exception {
        WebhookMessage m =
                new AlertWebhookMessage("prod")
                        .map(alert(QualityAlert.DEGRADATION, QualityAlert.FIRING, null));

        assertThat(m.idempotencyKey()).isEqualTo("abc123:firing");
        JsonNode body = new ObjectMapper().readTree(m.body());
        assertThat(body.get("incident_type").asText()).isEqualTo("webrtc_degradation");
        assertThat(body.get("state").asText()).isEqualTo("firing");
        assertThat(body.get("severity").asText()).isEqualTo("critical");
        assertThat(body.get("session_id").asText()).isEqualTo("conv-1");
        assertThat(body.get("agent_id").asText()).isEqualTo("agent-7");
        assertThat(body.get("metrics").get("mos").asDouble()).isEqualTo(2.8);
        assertThat(body.get("metrics").get("packet_loss_pct").asDouble()).isEqualTo(4.5);
        assertThat(body.get("metrics").get("bitrate_kbps").isNull()).isTrue();
        assertThat(body.get("trigger_timestamp").asText()).isEqualTo("2026-03-09T14:00:40Z");
        assertThat(body.get("environment").asText()).isEqualTo("prod");
    }

    @Test
    void resolvedWarningTriggersAtItsResolutionAndKeepsItsType() throws Exception {
        WebhookMessage m =
                new AlertWebhookMessage("prod")
                        .map(
                                alert(
                                        QualityAlert.MEDIA_GAP,
                                        QualityAlert.RESOLVED,
                                        1_773_064_900_000L));

        assertThat(m.idempotencyKey()).isEqualTo("abc123:resolved");
        JsonNode body = new ObjectMapper().readTree(m.body());
        assertThat(body.get("incident_type").asText()).isEqualTo("media_gap");
        assertThat(body.get("trigger_timestamp").asText()).isEqualTo("2026-03-09T14:01:40Z");
    }
}
