package dev.cxq.bench;

import dev.cxq.job.sink.CxqSinks;
import dev.cxq.job.sink.webhook.DeliveryLog;
import dev.cxq.job.sink.webhook.WebhookMessage;
import dev.cxq.udf.rows.ComputedMetric;
import dev.cxq.udf.rows.KpiWindow;
import dev.cxq.udf.rows.LateEvent;
import dev.cxq.udf.rows.QualityAlert;
import dev.cxq.udf.rows.RejectedEvent;
import dev.cxq.udf.rows.SessionQuality;

import org.apache.flink.api.connector.sink2.Sink;

/**
 * Output tables that cost nothing, so that the benchmark measures the topology: every table drops
 * and counts its rows, except {@code quality_alerts}, which goes to the sink given (the latency
 * probe, or a collector in tests).
 */
public final class DiscardingCxqSinks implements CxqSinks {

    private final Sink<QualityAlert> qualityAlerts;

    public DiscardingCxqSinks(Sink<QualityAlert> qualityAlerts) {
        this.qualityAlerts = qualityAlerts;
    }

    @Override
    public Sink<SessionQuality> sessionQuality() {
        return new CountingDiscardSink<>("session_quality");
    }

    @Override
    public Sink<RejectedEvent> rejectedEvents() {
        return new CountingDiscardSink<>("rejected_events");
    }

    @Override
    public Sink<LateEvent> lateEvents() {
        return new CountingDiscardSink<>("late_events");
    }

    @Override
    public Sink<QualityAlert> qualityAlerts() {
        return qualityAlerts;
    }

    @Override
    public Sink<ComputedMetric> computedMetrics() {
        return new CountingDiscardSink<>("computed_metrics");
    }

    @Override
    public Sink<KpiWindow> kpiWindows() {
        return new CountingDiscardSink<>("kpi_windows");
    }

    /** The benchmark configures no webhook endpoint, so nothing is ever delivered. */
    @Override
    public DeliveryLog webhookDeliveries() {
        return new NoDeliveries();
    }

    private static final class NoDeliveries implements DeliveryLog {

        private static final long serialVersionUID = 1L;

        @Override
        public void open(String writerId) {}

        @Override
        public void record(WebhookMessage message, String endpoint, Long deliveredAtMillis) {}

        @Override
        public void close() {}
    }
}
