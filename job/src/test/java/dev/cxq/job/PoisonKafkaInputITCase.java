package dev.cxq.job;

import dev.cxq.job.cli.CxqMain;
import dev.cxq.job.testing.KafkaBroker;
import dev.cxq.job.testing.PostgresTestDatabase;
import dev.cxq.job.testing.RedeliveryInputs;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PoisonInputITCase}'s hostile events on Kafka (three partitions, per-partition watermarks):
 * the job reads to the end instead of crash-looping, every valid row equals the clean file replay's
 * and every hostile event is rejected with its reason.
 */
class PoisonKafkaInputITCase {

    private static final String TOPIC = "cxq-poisoned";
    private static final int PARTITIONS = 3;
    private static final Set<String> POSITION_COLUMNS =
            Set.of("source", "event_key", "received_at");

    @TempDir Path dir;

    @Test
    @Timeout(300)
    void hostileEventsOnKafkaAreRejectedAndChangeNoOtherRow() throws Exception {
        Path clean = dir.resolve("clean.jsonl");
        RedeliveryInputs.writeClean(clean, 12, 24);
        Path poisoned = dir.resolve("poisoned.jsonl");
        PoisonInputITCase.writePoisoned(clean, poisoned, new HashMap<>());

        Map<String, List<String>> expected;
        Map<String, String> cleanRejected;
        try (PostgresTestDatabase db = new PostgresTestDatabase()) {
            db.replay(clean, "--execution-mode", "streaming");
            expected = db.snapshot(POSITION_COLUMNS);
            cleanRejected = PoisonInputITCase.reasonBySource(db);
        }

        try (KafkaClusterTestKit kafka = KafkaBroker.start()) {
            KafkaBroker.createTopics(kafka, List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1)));
            List<String> lines = Files.readAllLines(poisoned, StandardCharsets.UTF_8);
            try (KafkaProducer<byte[], byte[]> producer =
                    KafkaBroker.producer(kafka.bootstrapServers())) {
                for (int i = 0; i < lines.size(); i++) {
                    producer.send(
                            new ProducerRecord<>(
                                    TOPIC,
                                    i % PARTITIONS,
                                    null,
                                    lines.get(i).getBytes(StandardCharsets.UTF_8)));
                }
                producer.flush();
            }

            try (PostgresTestDatabase db = new PostgresTestDatabase()) {
                int exit =
                        CxqMain.run(
                                "--kafka-bootstrap",
                                kafka.bootstrapServers(),
                                "--kafka-topics",
                                TOPIC,
                                "--kafka-allow-unsigned-input",
                                "--kafka-group-id",
                                "cxq-poison",
                                "--starting-offsets",
                                "earliest",
                                "--until",
                                "latest",
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
                List<String> expectedReasons = new ArrayList<>(cleanRejected.values());
                expectedReasons.addAll(PoisonInputITCase.hostileLines().values());
                assertThat(PoisonInputITCase.reasonBySource(db).values())
                        .containsExactlyInAnyOrderElementsOf(expectedReasons);
            }
        }
    }
}
