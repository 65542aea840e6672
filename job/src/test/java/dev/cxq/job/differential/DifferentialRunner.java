package dev.cxq.job.differential;

import dev.cxq.job.FaultInjectedReplay;
import dev.cxq.job.cli.CxqMain;
import dev.cxq.job.testing.FailingSinks;
import dev.cxq.job.testing.KafkaBroker;
import dev.cxq.job.testing.PostgresTestDatabase;

import com.sun.net.httpserver.HttpServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.test.KafkaClusterTestKit;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs a corpus (a JSON Lines file) in one {@link RunConfiguration} through the production topology
 * into a fresh PostgreSQL database and returns the resulting tables. Alerts are also delivered to a
 * local HTTP receiver ({@link #WEBHOOK_ENDPOINT}) that always answers 200 and keeps the idempotency
 * keys it received ({@link #receivedIdempotencyKeys}), so {@code webhook_deliveries} and what
 * reached the receiver are compared too. The Kafka broker (in-process KRaft) is started on the
 * first Kafka run.
 */
public final class DifferentialRunner implements AutoCloseable {

    private static final int KAFKA_PARTITIONS = 3;

    /** Records between a Kafka record and its redelivery (in the same partition). */
    private static final int REDELIVERY_LAG = 1_000;

    /** Restarts the failing job is allowed: one failure more than this ends it for good. */
    private static final int RESTARTS = 2;

    /** The name of the webhook endpoint of every run: {@code webhook_deliveries.endpoint}. */
    public static final String WEBHOOK_ENDPOINT = "differential-receiver";

    private final Path workDir;
    private final HttpServer webhookEndpoint;
    private final Set<String> receivedIdempotencyKeys = ConcurrentHashMap.newKeySet();
    private KafkaClusterTestKit kafka;
    private int runs;

    public DifferentialRunner(Path workDir) throws IOException {
        this.workDir = workDir;
        webhookEndpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhookEndpoint.createContext(
                "/hooks/cxq",
                exchange -> {
                    String key = exchange.getRequestHeaders().getFirst("X-Idempotency-Key");
                    if (key != null) {
                        receivedIdempotencyKeys.add(key);
                    }
                    try (InputStream body = exchange.getRequestBody()) {
                        body.readAllBytes();
                    }
                    exchange.sendResponseHeaders(200, -1);
                    exchange.close();
                });
        webhookEndpoint.start();
    }

    /**
     * Runs {@code corpus} in {@code config} and returns the tables it wrote.
     *
     * @param referenceWrites a lower bound of the sink writes of a whole run (the reference's rows
     *     outside {@code webhook_deliveries}: each was written at least once); the injected
     *     failures are placed below it, so each is reached
     */
    public TableDump run(Path corpus, RunConfiguration config, long referenceWrites)
            throws Exception {
        runs++;
        receivedIdempotencyKeys.clear();
        try (PostgresTestDatabase db = new PostgresTestDatabase()) {
            switch (config) {
                case BATCH_P1 -> replay(db, corpus, "batch", 1);
                case BATCH_P2 -> replay(db, corpus, "batch", 2);
                case BATCH_P4 -> replay(db, corpus, "batch", 4);
                case STREAMING_P2 -> replay(db, corpus, "streaming", 2);
                case STREAMING_FAILURES_RESTORED -> failThenRestore(db, corpus, referenceWrites);
                case KAFKA_REDELIVERED -> consumeRedelivered(db, corpus);
            }
            return PostgresDump.of(db.url(), PostgresTestDatabase.USER);
        }
    }

    /** The rows a run must have written at least once: all but the webhook deliveries. */
    public static long writesAtLeast(TableDump reference) {
        return reference.rowCounts().entrySet().stream()
                .filter(table -> !table.getKey().equals("webhook_deliveries"))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    private void replay(PostgresTestDatabase db, Path corpus, String mode, int parallelism) {
        db.replay(
                corpus,
                "--execution-mode",
                mode,
                "--parallelism",
                Integer.toString(parallelism),
                "--checkpoint-interval",
                "1s",
                "--checkpoint-dir",
                checkpointDir().toString(),
                "--webhook-endpoint",
                webhookEndpoint());
    }

    /**
     * Fails the task at 20 %, 50 % and 80 % of {@code referenceWrites}: the first two are recovered
     * by restarts from the latest checkpoint, the third exhausts the restarts and the job fails.
     * Then a new job restores from the newest retained checkpoint and finishes.
     */
    private void failThenRestore(PostgresTestDatabase db, Path corpus, long referenceWrites)
            throws Exception {
        if (referenceWrites < 10) {
            throw new IllegalArgumentException("too few writes to fail at: " + referenceWrites);
        }
        db.migrate();
        Path checkpoints = checkpointDir();
        List<String> flags =
                List.of(
                        "--input", corpus.toString(),
                        "--execution-mode", "streaming",
                        "--parallelism", "2",
                        "--checkpoint-interval", "300ms",
                        "--checkpoint-dir", checkpoints.toString(),
                        "--restart-attempts", Integer.toString(RESTARTS),
                        "--restart-initial-delay", "100ms",
                        "--restart-max-delay", "1s",
                        "--webhook-endpoint", webhookEndpoint());
        Set<Long> failAt =
                Set.of(referenceWrites / 5, referenceWrites / 2, referenceWrites * 4 / 5);
        // Each failure waits for a newer completed checkpoint: on a fast machine the writes come
        // sooner than the first checkpoint, and the restore below needs a retained one.
        FailingSinks.reset(failAt, () -> FaultInjectedReplay.newestCheckpointId(checkpoints));
        Exception failure = null;
        try {
            FaultInjectedReplay.run(corpus, db.url(), flags);
        } catch (Exception e) {
            failure = e;
        }
        if (failure == null || FailingSinks.injected() != failAt.size()) {
            throw new AssertionError(
                    "expected the job to fail for good at the last of the writes "
                            + failAt
                            + " after "
                            + RESTARTS
                            + " restarts; injected "
                            + FailingSinks.injected(),
                    failure);
        }
        Path checkpoint = FaultInjectedReplay.latestCheckpoint(checkpoints);
        FailingSinks.reset(Set.of());
        List<String> restore = new ArrayList<>(flags);
        restore.addAll(List.of("--restore-from", checkpoint.toString()));
        FaultInjectedReplay.run(corpus, db.url(), restore);
    }

    /**
     * Produces the corpus to a new topic in the order of {@link #kafkaDeliveries}, then reads it
     * with the command line's {@code --until latest}, which ends the job once the offsets that were
     * latest at its start are read.
     */
    private void consumeRedelivered(PostgresTestDatabase db, Path corpus) throws Exception {
        String topic = "corpus-" + runs;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, KAFKA_PARTITIONS, (short) 1)))
                    .all()
                    .get();
        }
        try (KafkaProducer<byte[], byte[]> producer =
                KafkaBroker.producer(kafka().bootstrapServers())) {
            for (KafkaDelivery delivery :
                    kafkaDeliveries(Files.readAllLines(corpus, StandardCharsets.UTF_8))) {
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                delivery.partition(),
                                null,
                                delivery.line().getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        int exit =
                CxqMain.run(
                        "--kafka-bootstrap",
                        kafka().bootstrapServers(),
                        "--kafka-topics",
                        topic,
                        "--kafka-allow-unsigned-input",
                        "--kafka-group-id",
                        "differential-" + runs,
                        "--starting-offsets",
                        "earliest",
                        "--until",
                        "latest",
                        "--parallelism",
                        "2",
                        "--checkpoint-interval",
                        "1s",
                        "--checkpoint-dir",
                        checkpointDir().toString(),
                        "--jdbc-url",
                        db.url(),
                        "--jdbc-user",
                        PostgresTestDatabase.USER,
                        "--webhook-endpoint",
                        webhookEndpoint());
        if (exit != 0) {
            throw new AssertionError("the Kafka run exited with " + exit);
        }
    }

    /** One record the Kafka configuration produces. */
    public record KafkaDelivery(int partition, String line) {}

    /**
     * The records of the Kafka configuration in production order: the corpus's {@code i}-th
     * non-blank line into partition {@code i % 3}, and again {@link #REDELIVERY_LAG} lines later
     * into the same one (a consumer's redelivery never overtakes the original). The oracle reads
     * the same order ({@link DifferentialCorpus#oracle}), since lateness is decided per partition.
     */
    public static List<KafkaDelivery> kafkaDeliveries(List<String> corpus) {
        List<String> lines = corpus.stream().filter(line -> !line.isBlank()).toList();
        List<KafkaDelivery> deliveries = new ArrayList<>(2 * lines.size());
        for (int i = 0; i < lines.size() + REDELIVERY_LAG; i++) {
            if (i < lines.size()) {
                deliveries.add(new KafkaDelivery(i % KAFKA_PARTITIONS, lines.get(i)));
            }
            if (i >= REDELIVERY_LAG) {
                int again = i - REDELIVERY_LAG;
                deliveries.add(new KafkaDelivery(again % KAFKA_PARTITIONS, lines.get(again)));
            }
        }
        return deliveries;
    }

    private KafkaClusterTestKit kafka() throws Exception {
        if (kafka == null) {
            kafka = KafkaBroker.start();
        }
        return kafka;
    }

    /**
     * The distinct {@code X-Idempotency-Key}s the receiver got during the last run (a message sent
     * again after a failure counts once).
     */
    public Set<String> receivedIdempotencyKeys() {
        return Set.copyOf(receivedIdempotencyKeys);
    }

    private String webhookEndpoint() {
        return "name="
                + WEBHOOK_ENDPOINT
                + ",url=http://127.0.0.1:"
                + webhookEndpoint.getAddress().getPort()
                + "/hooks/cxq";
    }

    private Path checkpointDir() {
        return workDir.resolve("checkpoints-" + runs);
    }

    @Override
    public void close() throws Exception {
        webhookEndpoint.stop(0);
        if (kafka != null) {
            kafka.close();
        }
    }
}
