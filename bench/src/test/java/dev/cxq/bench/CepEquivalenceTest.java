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
 * The CEP baseline measures the same thing as cxq: on the benchmark's generated input, both fire
 * the same degradation incidents (session and fire time). Incidents that only fire because the
 * input ends (the final watermark) are left out: CEP never sees a sample after them.
 */
class CepEquivalenceTest {

    @RegisterExtension static final MiniClusterExtension CLUSTER = new MiniClusterExtension();

    private static final PipelineSettings SETTINGS = Defaults.pipelineSettings();
    private static final int SESSIONS = 300;
    private static final int STEPS = 150;

    @Test
    @Timeout(120)
    void cxqAndCepFireTheSameIncidents() throws Exception {
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

        CollectingSink<Incident> incidents = new CollectingSink<>("cep-incidents");
        StreamExecutionEnvironment cep = environment();
        CepBaseline.build(
                cep,
                source(stream, count),
                SETTINGS.maxOutOfOrderness(),
                SETTINGS.qualityThresholds(),
                incidents);
        cep.execute("cep");

        Set<Incident> fromCxq =
                alerts.rows().stream()
                        .filter(alert -> QualityAlert.DEGRADATION.equals(alert.alertType()))
                        .map(alert -> new Incident(alert.sessionId(), alert.firedAtMillis()))
                        .filter(incident -> incident.firedAtMillis() <= lastTs)
                        .collect(Collectors.toSet());
        Set<Incident> fromCep =
                incidents.rows().stream()
                        .filter(incident -> incident.firedAtMillis() <= lastTs)
                        .collect(Collectors.toSet());

        // 20 % of about 2.5 sessions per slot degrade for 45 s: well over 100 incidents.
        assertTrue(fromCxq.size() > 100, "too few incidents to compare: " + fromCxq.size());
        assertEquals(fromCxq, fromCep);
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
