package dev.cxq.bench;

import dev.cxq.udf.model.RawRecord;
import dev.cxq.udf.quality.QualityThresholds;
import dev.cxq.udf.rows.QualityAlert;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;

/**
 * {@link QualityPath} with the session function written against the asynchronous state API ({@link
 * AsyncSessionQuality}): same input stage ({@link MediaSamples}), same detector, the alerts to the
 * same sink. On ForSt its state requests run on ForSt's I/O threads while the task thread goes on
 * with other keys; on the heap and RocksDB backends Flink runs them synchronously behind the same
 * API.
 */
final class AsyncQualityPath {

    private AsyncQualityPath() {}

    static void build(
            StreamExecutionEnvironment env,
            Source<RawRecord, ?, ?> source,
            Duration watermarkBound,
            Duration inactivityTimeout,
            QualityThresholds thresholds,
            Sink<QualityAlert> alerts) {
        MediaSamples.bySession(env, source, watermarkBound)
                .enableAsyncState()
                .process(new AsyncSessionQuality(inactivityTimeout, thresholds))
                .uid("async-session-quality")
                .name("Session quality (async state)")
                .sinkTo(alerts)
                .uid("sink-quality-alerts")
                .name("quality_alerts");
    }
}
