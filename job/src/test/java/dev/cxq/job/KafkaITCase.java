package dev.cxq.job;

import dev.cxq.job.cli.CxqMain;
import dev.cxq.job.sink.KafkaJsonSink;
import dev.cxq.job.testing.KafkaBroker;
import dev.cxq.job.testing.PostgresTestDatabase;
import dev.cxq.job.testing.RedeliveryInputs;
import dev.cxq.job.testing.ReplayInputs;
import dev.cxq.udf.signing.PayloadSignature;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job on a real in-process Kafka broker (KRaft) into real PostgreSQL: a signed stream across
 * three partitions with malformed and badly signed records, followed by a full replay of it, read
 * with {@code --until latest}, leaves the tables of one clean delivery replayed from a file.
 */
class KafkaITCase {

    private static final String TOPIC = "cxq-events";
    private static final String DEAD_LETTERS = "cxq-dead-letters";
    private static final String ALERTS = "cxq-job-alerts";
    private static final int PARTITIONS = 3;
    private static final String HEADER = "X-Cxq-Signature";
    private static final byte[] SECRET =
            "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
    private static final int FORGED = 4;

    /** Positions and the keys derived from them differ between Kafka and the file. */
    private static final Set<String> POSITION_COLUMNS =
            Set.of("source", "event_key", "received_at");

    @TempDir static Path dir;
    private static KafkaClusterTestKit kafka;
    private static Path cleanFile;
    private static Path secretFile;

    @BeforeAll
    static void startKafkaAndProduce() throws Exception {
        kafka = KafkaBroker.start();
        KafkaBroker.createTopics(
                kafka,
                List.of(
                        new NewTopic(TOPIC, PARTITIONS, (short) 1),
                        new NewTopic(DEAD_LETTERS, 1, (short) 1),
                        new NewTopic(ALERTS, 1, (short) 1)));

        cleanFile = dir.resolve("clean.jsonl");
        RedeliveryInputs.writeClean(cleanFile, 6, 12);
        Path storm = dir.resolve("storm.jsonl");
        RedeliveryInputs.writeStorm(cleanFile, storm);
        secretFile = dir.resolve("signing-secret");
        Files.write(secretFile, SECRET);

        PayloadSignature signature = new PayloadSignature(SECRET);
        List<String> stream = Files.readAllLines(storm, StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer =
                KafkaBroker.producer(kafka.bootstrapServers())) {
            for (int i = 0; i < stream.size(); i++) {
                byte[] value = stream.get(i).getBytes(StandardCharsets.UTF_8);
                send(producer, i % PARTITIONS, value, signature.sign(value));
            }
            // Forged events: they would add samples to a real session, but their signature is
            // that of another payload.
            for (int i = 0; i < FORGED; i++) {
                byte[] value = forgedSample(i).getBytes(StandardCharsets.UTF_8);
                String wrong =
                        signature.sign(("x" + forgedSample(i)).getBytes(StandardCharsets.UTF_8));
                send(producer, i % PARTITIONS, value, i == 0 ? null : wrong);
            }
            producer.flush();
        }
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Timeout(300)
    void aSignedStreamWithDuplicatesAndAReplayLeavesTheTablesOfOneCleanDelivery() throws Exception {
        Map<String, List<String>> expected;
        try (PostgresTestDatabase db = new PostgresTestDatabase()) {
            assertThat(
                            CxqMain.run(
                                    "--input",
                                    cleanFile.toString(),
                                    "--jdbc-url",
                                    db.url(),
                                    "--jdbc-user",
                                    PostgresTestDatabase.USER,
                                    "--execution-mode",
                                    "streaming"))
                    .isZero();
            expected = db.snapshot(POSITION_COLUMNS);
        }

        try (PostgresTestDatabase db = new PostgresTestDatabase()) {
            int exit =
                    CxqMain.run(
                            "--kafka-bootstrap",
                            kafka.bootstrapServers(),
                            "--kafka-topics",
                            TOPIC,
                            "--kafka-group-id",
                            "cxq-it",
                            "--starting-offsets",
                            "earliest",
                            "--until",
                            "latest",
                            "--signing-secret-file",
                            secretFile.toString(),
                            "--dead-letter-topic",
                            DEAD_LETTERS,
                            "--alerts-topic",
                            ALERTS,
                            "--checkpoint-interval",
                            "500ms",
                            "--parallelism",
                            "2",
                            "--jdbc-url",
                            db.url(),
                            "--jdbc-user",
                            PostgresTestDatabase.USER);
            assertThat(exit).as("exit code").isZero();
            Map<String, List<String>> actual = db.snapshot(POSITION_COLUMNS);

            for (String table : expected.keySet()) {
                if (!table.equals("rejected_events")) {
                    assertThat(actual.get(table)).as(table).isEqualTo(expected.get(table));
                }
            }
            assertThat(actual.get("session_quality")).hasSize(7);

            Map<String, String> reasonBySource = rejectedReasonBySource(db);
            Map<String, Long> reasons =
                    reasonBySource.values().stream()
                            .collect(Collectors.groupingBy(r -> r, Collectors.counting()));
            Map<String, Long> expectedReasons = new HashMap<>();
            for (String[] bad : ReplayInputs.BAD_LINES) {
                expectedReasons.merge(bad[1], 1L, Long::sum);
            }
            expectedReasons.put(PayloadSignature.BAD_SIGNATURE, (long) FORGED);
            assertThat(reasons).isEqualTo(expectedReasons);
            assertThat(reasonBySource.keySet()).allMatch(s -> s.matches(TOPIC + "/[0-2]/\\d+"));

            // Every rejection also went to the dead-letter topic, with its position.
            List<String> deadLetters = readAll(DEAD_LETTERS);
            assertThat(deadLetters).hasSize(reasonBySource.size());
            for (String source : reasonBySource.keySet()) {
                assertThat(deadLetters).anyMatch(d -> d.contains("\"source\":\"" + source + "\""));
            }

            // Each alert transition of the table is on the alerts topic exactly once.
            Set<String> transitions = new HashSet<>();
            try (Connection c = db.connect();
                    Statement st = c.createStatement();
                    ResultSet rs =
                            st.executeQuery("SELECT incident_key, state FROM quality_alerts")) {
                while (rs.next()) {
                    transitions.add(rs.getString(1) + ":firing");
                    if ("resolved".equals(rs.getString(2))) {
                        transitions.add(rs.getString(1) + ":resolved");
                    }
                }
            }
            assertThat(transitions).isNotEmpty();
            ObjectMapper json = new ObjectMapper();
            List<String> onTopic = new ArrayList<>();
            for (String value : readAll(ALERTS)) {
                JsonNode alert = json.readTree(value);
                onTopic.add(alert.get("incidentKey").asText() + ":" + alert.get("state").asText());
            }
            assertThat(onTopic).doesNotHaveDuplicates();
            assertThat(new HashSet<>(onTopic)).isEqualTo(transitions);
        }
    }

    /** A row written by the exactly-once sink (alerts will be written the same way). */
    public record Transition(String incidentKey, String state) {}

    @Test
    @Timeout(120)
    void theExactlyOnceJsonSinkShowsEachRowOnceToAReadCommittedConsumer() throws Exception {
        String topic = "cxq-alerts";
        KafkaBroker.createTopics(kafka, List.of(new NewTopic(topic, 1, (short) 1)));
        List<Transition> rows = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            rows.add(new Transition("incident-" + i, i % 2 == 0 ? "firing" : "resolved"));
        }
        Configuration conf = new Configuration();
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.STREAMING);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(200));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.fromData(rows)
                .sinkTo(
                        KafkaJsonSink.<Transition>of(
                                kafka.bootstrapServers(),
                                topic,
                                Map.of(),
                                DeliveryGuarantee.EXACTLY_ONCE,
                                "cxq-it-alerts"))
                .uid("sink-alerts");
        env.execute("exactly-once sink");

        List<String> committed = readAll(topic);
        assertThat(committed)
                .containsExactlyInAnyOrderElementsOf(
                        rows.stream()
                                .map(
                                        r ->
                                                "{\"incidentKey\":\""
                                                        + r.incidentKey()
                                                        + "\",\"state\":\""
                                                        + r.state()
                                                        + "\"}")
                                .toList());
    }

    private static Map<String, String> rejectedReasonBySource(PostgresTestDatabase db)
            throws Exception {
        Map<String, String> reasonBySource = new HashMap<>();
        try (Connection c = db.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT source, reason FROM rejected_events")) {
            while (rs.next()) {
                reasonBySource.put(rs.getString(1), rs.getString(2));
            }
        }
        return reasonBySource;
    }

    private static String forgedSample(int i) {
        return "{\"event_id\":\"forged-"
                + i
                + "\",\"kind\":\"media_sample\",\"session_id\":\"sess-0\","
                + "\"ts\":\"2026-03-09T14:00:20Z\",\"mos\":1.2,\"packet_loss_pct\":30}";
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer, int partition, byte[] value, String signature) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(TOPIC, partition, null, value);
        if (signature != null) {
            record.headers().add(HEADER, signature.getBytes(StandardCharsets.UTF_8));
        }
        producer.send(record);
    }

    private static List<String> readAll(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long end = consumer.endOffsets(partitions).get(partitions.get(0));
            while (consumer.position(partitions.get(0)) < end) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofSeconds(1))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}
