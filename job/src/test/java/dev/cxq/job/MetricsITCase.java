package dev.cxq.job;

import dev.cxq.job.testing.MediaQualityScenarios;
import dev.cxq.job.testing.PostgresTestDatabase;
import dev.cxq.job.testing.RedeliveryInputs;
import dev.cxq.job.testing.ReplayInputs;
import dev.cxq.udf.ingest.PayloadDecoder;
import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.EventKind;
import dev.cxq.udf.model.Platform;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job's own metrics, as a metric reporter (and so the Flink UI and Prometheus) sees them,
 * checked against what the replay wrote.
 */
class MetricsITCase {

    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(REPORTER.addToConfiguration(new Configuration()))
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @TempDir Path dir;

    /** Job name of the replay of {@code input} (the reporter keeps the metrics of every job). */
    private static String jobOf(Path input) {
        return "cxq replay " + input.getFileName();
    }

    /**
     * Sum over all subtasks of {@code job}'s counters whose identifier ends with {@code suffix}.
     */
    private static long counter(String job, String suffix) {
        long sum = 0;
        for (Map.Entry<MetricGroup, Map<String, Metric>> group :
                REPORTER.getMetricsByGroup().entrySet()) {
            if (!job.equals(group.getKey().getAllVariables().get("<job_name>"))) {
                continue;
            }
            for (Map.Entry<String, Metric> metric : group.getValue().entrySet()) {
                String identifier = group.getKey().getMetricIdentifier(metric.getKey());
                if (identifier.endsWith(suffix) && metric.getValue() instanceof Counter c) {
                    sum += c.getCount();
                }
            }
        }
        return sum;
    }

    private static long count(PostgresTestDatabase db, String sql) throws Exception {
        try (Connection c = db.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void countersMatchTheRowsTheReplayWrote() throws Exception {
        Path input = dir.resolve("quality.jsonl");
        MediaQualityScenarios.write(input);
        List<String> scenario = Files.readAllLines(input, StandardCharsets.UTF_8);
        ObjectMapper json = new ObjectMapper();
        Set<String> distinctIds = new HashSet<>();
        for (String line : scenario) {
            distinctIds.add(json.readTree(line).get("event_id").asText());
        }
        List<String> lines = new ArrayList<>(scenario);
        for (String[] bad : ReplayInputs.BAD_LINES) {
            lines.add(bad[0]);
        }
        Files.write(input, lines, StandardCharsets.UTF_8);

        String job = jobOf(input);
        try (PostgresTestDatabase db = new PostgresTestDatabase()) {
            db.replay(input, "--execution-mode", "streaming", "--parallelism", "2");

            long rejected = count(db, "SELECT count(*) FROM rejected_events");
            assertThat(rejected).isEqualTo(ReplayInputs.BAD_LINES.size());
            assertThat(counter(job, ".cxq.eventsParsed")).isEqualTo(scenario.size());
            assertThat(counter(job, "eventsRejected")).isEqualTo(rejected);
            assertThat(counter(job, ".cxq.duplicatesDropped"))
                    .isPositive()
                    .isEqualTo(scenario.size() - distinctIds.size());
            assertThat(counter(job, ".cxq.samplesEvaluated"))
                    .isEqualTo(count(db, "SELECT sum(samples) FROM session_quality"));
            for (String type : List.of("degradation", "media_gap", "disconnected")) {
                long rows =
                        count(
                                db,
                                "SELECT count(*) FROM quality_alerts WHERE alert_type = '"
                                        + type
                                        + "'");
                assertThat(rows).as(type).isPositive();
                assertThat(counter(job, ".cxq.alert_type." + type + ".alertsFired"))
                        .as(type)
                        .isEqualTo(rows);
                assertThat(counter(job, ".cxq.alert_type." + type + ".alertsResolved"))
                        .as(type)
                        .isEqualTo(
                                count(
                                        db,
                                        "SELECT count(*) FROM quality_alerts WHERE state = 'resolved'"
                                                + " AND alert_type = '"
                                                + type
                                                + "'"));
            }
            assertThat(counter(job, ".cxq.estimatedMosSamples")).isPositive();
            assertThat(counter(job, ".cxq.lateEvents"))
                    .isEqualTo(count(db, "SELECT count(*) FROM late_events"));
        }
    }

    @Test
    void eventsInByKindAndPlatformMatchTheInputsComposition() throws Exception {
        Path input = dir.resolve("mixed.jsonl");
        RedeliveryInputs.writeClean(input, 6, 12);
        // What the input holds, by kind and platform, as the (unit-tested) decoder reads it.
        Map<String, Long> expected = new HashMap<>();
        long media = 0;
        for (String line : Files.readAllLines(input, StandardCharsets.UTF_8)) {
            for (CanonicalEvent e : PayloadDecoder.decode(line, "test").events()) {
                expected.merge(
                        ".kind." + e.kind.wireName() + ".platform." + e.platform.wireName(),
                        1L,
                        Long::sum);
                media += e.kind == EventKind.MEDIA_SAMPLE ? 1 : 0;
            }
        }
        assertThat(expected.keySet())
                .as("the input mixes kinds and platforms")
                .contains(
                        ".kind.interaction.platform.genesys",
                        ".kind.interaction.platform.nice",
                        ".kind.media_sample.platform.nice",
                        ".kind.media_sample.platform.canonical");

        String job = jobOf(input);
        try (PostgresTestDatabase db = new PostgresTestDatabase()) {
            db.replay(input, "--execution-mode", "streaming", "--parallelism", "2");

            for (EventKind kind : EventKind.values()) {
                for (Platform platform : Platform.values()) {
                    String group = ".kind." + kind.wireName() + ".platform." + platform.wireName();
                    assertThat(counter(job, ".cxq" + group + ".eventsIn"))
                            .as(group)
                            .isEqualTo(expected.getOrDefault(group, 0L));
                }
            }
            assertThat(counter(job, "eventsIn")).isEqualTo(counter(job, ".cxq.eventsParsed"));
            // Independent of the decoder: every media sample of the clean delivery (no
            // duplicates, nothing late) is counted in some session's summary.
            assertThat(counter(job, ".cxq.duplicatesDropped") + counter(job, ".cxq.lateEvents"))
                    .isZero();
            assertThat(count(db, "SELECT sum(samples) FROM session_quality")).isEqualTo(media);
            assertThat(counter(job, "platform.genesys.eventsIn"))
                    .isEqualTo(RedeliveryInputs.GENESYS.size());
        }
    }
}
