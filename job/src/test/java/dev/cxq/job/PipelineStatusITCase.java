package dev.cxq.job;

import dev.cxq.job.cli.Defaults;
import dev.cxq.job.db.PostgresConnection;
import dev.cxq.job.kafka.KafkaInput;
import dev.cxq.job.sink.JdbcSinks;
import dev.cxq.job.sink.webhook.WebhookSettings;
import dev.cxq.job.testing.KafkaBroker;
import dev.cxq.job.testing.PostgresTestDatabase;
import dev.cxq.job.testing.SharedMiniCluster;
import dev.cxq.udf.status.PipelineStatusSettings;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pipeline_status} through the production topology, Kafka in and PostgreSQL out: one row per
 * partition and period (one second here instead of a minute, so the test is quick), with the
 * watermark, the lag, the records and the status. Partition 0 carries current events (live),
 * partition 1 events an hour old (syncing); once read, both go stalled.
 */
@ExtendWith(SharedMiniCluster.class)
class PipelineStatusITCase {

    private static final String TOPIC = "cxq-status";
    private static final int EVENTS_PER_PARTITION = 20;
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final PipelineStatusSettings ONE_SECOND_ROWS =
            new PipelineStatusSettings(
                    Duration.ofSeconds(1),
                    Duration.ofMillis(300),
                    Duration.ofMinutes(5),
                    3.0,
                    Duration.ofHours(1),
                    BOUND);

    @Test
    @Timeout(180)
    void eachPartitionGetsOneRowPerPeriodWithItsWatermarkLagRecordsAndStatus() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Map<Integer, Instant> newest = new LinkedHashMap<>();
        newest.put(0, now.minusSeconds(5));
        newest.put(1, now.minus(Duration.ofHours(1)));

        try (KafkaClusterTestKit kafka = KafkaBroker.start();
                PostgresTestDatabase db = new PostgresTestDatabase()) {
            KafkaBroker.createTopics(kafka, List.of(new NewTopic(TOPIC, 2, (short) 1)));
            try (KafkaProducer<byte[], byte[]> producer =
                    KafkaBroker.producer(kafka.bootstrapServers())) {
                newest.forEach(
                        (partition, last) -> {
                            for (int i = 0; i < EVENTS_PER_PARTITION; i++) {
                                Instant ts = last.minusMillis(100L * i);
                                producer.send(
                                        new ProducerRecord<>(
                                                TOPIC, partition, null, sample(partition, i, ts)));
                            }
                        });
            }

            JobClient job = start(kafka.bootstrapServers(), db);
            List<Row> rows;
            try {
                rows = rowsOnceBothStalled(db);
            } finally {
                job.cancel().get();
            }

            for (int partition : newest.keySet()) {
                String input = TOPIC + "/" + partition;
                List<Row> ofInput = rows.stream().filter(r -> r.input.equals(input)).toList();
                assertThat(ofInput.stream().mapToLong(r -> r.events).sum())
                        .as("records of %s over its rows", input)
                        .isEqualTo(EVENTS_PER_PARTITION);
                assertThat(ofInput)
                        .allSatisfy(r -> assertThat(r.minuteStart.toEpochMilli() % 1000).isZero());
                long watermark = newest.get(partition).toEpochMilli() - BOUND.toMillis() - 1;
                String expected = partition == 0 ? "live" : "syncing";
                List<Row> withRecords = ofInput.stream().filter(r -> r.events > 0).toList();
                assertThat(withRecords)
                        .isNotEmpty()
                        .allSatisfy(r -> assertThat(r.status).isEqualTo(expected));
                Row last = withRecords.get(withRecords.size() - 1);
                assertThat(last.watermark).isEqualTo(Instant.ofEpochMilli(watermark));
                assertThat(last.lagMillis).isPositive();
                if (partition == 1) {
                    assertThat(last.reason).isEqualTo("lag_over_threshold");
                    assertThat(last.lagMillis).isGreaterThan(Duration.ofMinutes(5).toMillis());
                } else {
                    assertThat(last.reason).isNull();
                }
                Row stalled = ofInput.get(ofInput.size() - 1);
                assertThat(stalled.status).isEqualTo("stalled");
                assertThat(stalled.reason).isEqualTo("no_events");
                assertThat(stalled.events).isZero();
                assertThat(stalled.watermark).isEqualTo(last.watermark);
            }
            assertThat(
                            db.queryLong(
                                    "SELECT count(*) FROM dashboard_pipeline_status"
                                            + " WHERE input LIKE 'cxq-status/%'"))
                    .as("the view's latest row per input")
                    .isEqualTo(2);
        }
    }

    private static JobClient start(String bootstrapServers, PostgresTestDatabase db)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.STREAMING);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(500));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(SharedMiniCluster.PARALLELISM);
        KafkaInput input = KafkaBroker.unsignedInput(bootstrapServers, TOPIC, "cxq-status");
        new CxqPipeline(
                        input.source(),
                        new JdbcSinks(
                                PostgresConnection.of(db.url(), PostgresTestDatabase.USER, null),
                                1),
                        Defaults.pipelineSettings().withPipelineStatus(ONE_SECOND_ROWS),
                        WebhookSettings.none())
                .build(env);
        return env.executeAsync("cxq pipeline status");
    }

    /** Polls until each partition has all its records counted and a stalled row after them. */
    private static List<Row> rowsOnceBothStalled(PostgresTestDatabase db) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        List<Row> rows = List.of();
        while (System.nanoTime() < deadline) {
            rows = rows(db);
            if (stalledAfterAllRecords(rows, TOPIC + "/0")
                    && stalledAfterAllRecords(rows, TOPIC + "/1")) {
                return rows;
            }
            Thread.sleep(200); // poll interval; the condition above decides
        }
        throw new AssertionError("pipeline_status never had both partitions stalled: " + rows);
    }

    private static boolean stalledAfterAllRecords(List<Row> rows, String input) {
        List<Row> ofInput = rows.stream().filter(r -> r.input.equals(input)).toList();
        return ofInput.stream().mapToLong(r -> r.events).sum() == EVENTS_PER_PARTITION
                && ofInput.get(ofInput.size() - 1).status.equals("stalled");
    }

    private static List<Row> rows(PostgresTestDatabase db) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (Connection c = db.connect();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT input, minute_start, watermark, event_time_lag_ms, events,"
                                        + " status, reason, status_since FROM pipeline_status"
                                        + " ORDER BY input, minute_start")) {
            while (rs.next()) {
                long lag = rs.getLong(4);
                Long lagMillis = rs.wasNull() ? null : lag;
                rows.add(
                        new Row(
                                rs.getString(1),
                                rs.getTimestamp(2).toInstant(),
                                rs.getTimestamp(3) == null ? null : rs.getTimestamp(3).toInstant(),
                                lagMillis,
                                rs.getLong(5),
                                rs.getString(6),
                                rs.getString(7),
                                rs.getTimestamp(8).toInstant()));
            }
        }
        return rows;
    }

    private static byte[] sample(int partition, int i, Instant ts) {
        return ("{\"event_id\":\"status-"
                        + partition
                        + "-"
                        + i
                        + "\",\"kind\":\"media_sample\",\"session_id\":\"status-session-"
                        + partition
                        + "\",\"ts\":\""
                        + ts
                        + "\",\"mos\":4.2}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private record Row(
            String input,
            Instant minuteStart,
            Instant watermark,
            Long lagMillis,
            long events,
            String status,
            String reason,
            Instant statusSince) {}
}
