package dev.cxq.bench;

import dev.cxq.job.sink.CxqSinks;
import dev.cxq.job.sink.CxqTables;
import dev.cxq.job.sink.Table;
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
}
