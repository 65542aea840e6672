package dev.cxq.bench;

import dev.cxq.job.CxqPipeline;
import dev.cxq.job.PipelineSettings;
import dev.cxq.job.cli.Defaults;
import dev.cxq.job.sink.webhook.WebhookSettings;
import dev.cxq.udf.model.RawRecord;
import dev.cxq.udf.rows.QualityAlert;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The detectors the benchmark compares measure the same thing: on the benchmark's generated input,
 * the full topology, the media-quality path the page times against CEP ({@link QualityPath}), its
 * asynchronous-state variant ({@link AsyncQualityPath}) and the CEP baseline fire the same
 * degradation incidents (session and fire time). Incidents that only fire because the input ends
 * (the final watermark) are left out: CEP never sees a sample after them.
 */
class CepEquivalenceTest {

    @RegisterExtension static final MiniClusterExtension CLUSTER = new MiniClusterExtension();

    private static final PipelineSettings SETTINGS = Defaults.pipelineSettings();
    private static final int SESSIONS = 300;
    private static final int STEPS = 150;

    @Test
    // Four jobs on a shared 2-core machine: generous, a hang still ends.
    @Timeout(300)
    void cxqItsQualityPathsAndCepFireTheSameIncidents() throws Exception {
        SampleStream stream = new SampleStream(SESSIONS, BenchMain.SEED);
        long count = stream.count(STEPS);
        long lastTs = stream.timestampOf(count - 1);

        CollectingSink<QualityAlert> alerts = new CollectingSink<>("cxq-alerts");
        StreamExecutionEnvironment cxq = environment();
        new CxqPipeline(
                        source(stream, count),
                        new DiscardingCxqSinks(alerts),
                        SETTINGS,
                        WebhookSettings.none())
                .build(cxq);
        cxq.execute("cxq");

        CollectingSink<QualityAlert> pathAlerts =
                alerts("path-alerts", QualityPath::build, stream, count);
        CollectingSink<QualityAlert> asyncAlerts =
                alerts("async-path-alerts", AsyncQualityPath::build, stream, count);

        CollectingSink<Incident> incidents = new CollectingSink<>("cep-incidents");
        StreamExecutionEnvironment cep = environment();
        CepBaseline.build(
                cep,
                source(stream, count),
                SETTINGS.maxOutOfOrderness(),
                SETTINGS.qualityThresholds(),
                incidents);
        cep.execute("cep");

        Set<Incident> fromCxq = incidents(alerts, lastTs);
        Set<Incident> fromCep =
                incidents.rows().stream()
                        .filter(incident -> incident.firedAtMillis() <= lastTs)
                        .collect(Collectors.toSet());

        // 20 % of about 2.5 sessions per slot degrade for 45 s: well over 100 incidents.
        assertTrue(fromCxq.size() > 100, "too few incidents to compare: " + fromCxq.size());
        assertEquals(fromCxq, fromCep);
        assertEquals(fromCxq, incidents(pathAlerts, lastTs));
        assertEquals(fromCxq, incidents(asyncAlerts, lastTs));
    }

    private static CollectingSink<QualityAlert> alerts(
            String name, QualityPath.Builder path, SampleStream stream, long count)
            throws Exception {
        CollectingSink<QualityAlert> alerts = new CollectingSink<>(name);
        StreamExecutionEnvironment env = environment();
        path.build(
                env,
                source(stream, count),
                SETTINGS.maxOutOfOrderness(),
                SETTINGS.sessionInactivityTimeout(),
                SETTINGS.qualityThresholds(),
                alerts);
        env.execute(name);
        return alerts;
    }

    private static Set<Incident> incidents(CollectingSink<QualityAlert> alerts, long lastTs) {
        return alerts.rows().stream()
                .filter(alert -> QualityAlert.DEGRADATION.equals(alert.alertType()))
                .filter(alert -> QualityAlert.FIRING.equals(alert.state()))
                .map(alert -> new Incident(alert.sessionId(), alert.firedAtMillis()))
                .filter(incident -> incident.firedAtMillis() <= lastTs)
                .collect(Collectors.toSet());
    }

    private static StreamExecutionEnvironment environment() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        env.setParallelism(1);
        return env;
    }

    private static DataGeneratorSource<RawRecord> source(SampleStream stream, long count) {
        return new DataGeneratorSource<>(
                stream, count, RateLimiterStrategy.noOp(), TypeInformation.of(RawRecord.class));
    }
}
