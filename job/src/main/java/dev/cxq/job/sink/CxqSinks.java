package dev.cxq.job.sink;

import dev.cxq.job.sink.webhook.DeliveryLog;
import dev.cxq.udf.rows.ComputedMetric;
import dev.cxq.udf.rows.KpiWindow;
import dev.cxq.udf.rows.LateEvent;
import dev.cxq.udf.rows.QualityAlert;
import dev.cxq.udf.rows.RejectedEvent;
import dev.cxq.udf.rows.SessionQuality;

import org.apache.flink.api.connector.sink2.Sink;

/**
 * Where the topology writes each output table. {@link JdbcSinks} writes PostgreSQL, {@link
 * JsonLinesSinks} writes files; both write the same rows.
 */
public interface CxqSinks {

    Sink<SessionQuality> sessionQuality();

    Sink<RejectedEvent> rejectedEvents();

    Sink<LateEvent> lateEvents();

    Sink<QualityAlert> qualityAlerts();

    Sink<ComputedMetric> computedMetrics();

    Sink<KpiWindow> kpiWindows();

    /** Where the webhook sinks record each delivery outcome ({@code webhook_deliveries}). */
    DeliveryLog webhookDeliveries();
}
