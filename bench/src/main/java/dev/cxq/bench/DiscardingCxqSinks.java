package dev.cxq.bench;

import dev.cxq.job.sink.CxqSinks;
import dev.cxq.job.sink.CxqTables;
import dev.cxq.job.sink.Table;
import dev.cxq.job.sink.webhook.DeliveryLog;
import dev.cxq.job.sink.webhook.WebhookMessage;
import dev.cxq.udf.rows.QualityAlert;

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
    @SuppressWarnings("unchecked") // the quality_alerts table's rows are QualityAlert
    public <T> Sink<T> sink(Table<T> table) {
        return table.equals(CxqTables.QUALITY_ALERTS)
                ? (Sink<T>) qualityAlerts
                : new CountingDiscardSink<>(table.name());
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
