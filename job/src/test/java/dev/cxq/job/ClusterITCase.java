package dev.cxq.job;

import dev.cxq.job.cli.CxqMain;
import dev.cxq.job.testing.FreePorts;
import dev.cxq.job.testing.KafkaBroker;
import dev.cxq.job.testing.PostgresTestDatabase;
import dev.cxq.job.testing.RedeliveryInputs;
import dev.cxq.job.testing.TableComparison;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * cxq as a platform team runs it: the slim jar (Flink provided) uploaded to a standalone session
 * cluster of separate JVMs ({@code deploy/local-cluster.sh}: one JobManager, two TaskManagers, its
 * own config.yaml) through the REST API, reading an in-process Kafka broker and writing to
 * PostgreSQL, with the schema migrated by its own step ({@code --migrate-only}).
 *
 * <p>Two runs, each compared table by table with a clean local replay of the same events: one loses
 * a TaskManager to SIGKILL while it runs (another one is started), the other is stopped with a
 * savepoint and resumed from it at parallelism 3. Both end with a draining stop, which fires every
 * event-time timer as the end of a bounded replay does. Run with {@code mvn -Pcluster-it -pl job
 * -am verify}.
 */
class ClusterITCase {

    private static final Path SCRIPT = Path.of("..", "deploy", "local-cluster.sh").toAbsolutePath();
    private static final Path FLINK_LIB =
            Path.of("..", "deploy", "local-cluster", "target", "flink", "lib").toAbsolutePath();
    private static final Path JAR = Path.of("target", "cxq-job-slim.jar").toAbsolutePath();
    private static final int PARTITIONS = 3;
    private static final int PARTS = 3;
    private static final Set<String> POSITION_COLUMNS =
            Set.of("source", "event_key", "received_at");
    private static final Duration WAIT = Duration.ofMinutes(4);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir static Path dir;
    private static Path clusterDir;
    private static Map<String, String> clusterEnv;
    private static String rest;
    private static KafkaClusterTestKit kafka;
    private static List<String> events;
    private static Map<String, List<String>> expected;
    private static String jarId;

    @BeforeAll
    static void startClusterKafkaAndReference() throws Exception {
        assertThat(JAR).as("the slim jar: run with -Pcluster-it").isRegularFile();
        // A short path: RocksDB's local directory lives under it.
        clusterDir = Files.createTempDirectory("cxqc");
        clusterEnv = new HashMap<>();
        clusterEnv.put("CXQ_CLUSTER_DIR", clusterDir.toString());
        int restPort = FreePorts.freePort();
        clusterEnv.put("CXQ_CLUSTER_REST_PORT", String.valueOf(restPort));
        clusterEnv.put("CXQ_CLUSTER_RPC_PORT", String.valueOf(FreePorts.freePort()));
        rest = "http://localhost:" + restPort;
        script("start");
        poll(
                "two TaskManagers registered",
                () -> get("/overview").path("taskmanagers").asInt() == 2);

        kafka = KafkaBroker.start();

        Path clean = dir.resolve("clean.jsonl");
        RedeliveryInputs.writeClean(clean, 40, 50);
        events = Files.readAllLines(clean, StandardCharsets.UTF_8);
        try (PostgresTestDatabase db = new PostgresTestDatabase()) {
            db.replay(clean, "--execution-mode", "streaming");
            expected = db.snapshot(POSITION_COLUMNS);
        }
        jarId = uploadJar();
    }

    @AfterAll
    static void stopAll() throws Exception {
        if (clusterEnv != null) {
            script("stop");
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Timeout(120)
    void aJobThatCannotStartFailsItsSubmissionAndLeavesTheJobManagerRunning() throws Exception {
        try (PostgresTestDatabase db = PostgresTestDatabase.empty()) {
            HttpResponse<String> response = submit(jobArgs("cxq-unmigrated", db), null, null);

            assertThat(response.statusCode()).as(response.body()).isGreaterThanOrEqualTo(400);
            assertThat(response.body())
                    .contains("the database schema is missing")
                    .contains("--migrate-only");
            assertThat(get("/overview").path("taskmanagers").asInt())
                    .as("the JobManager still answers")
                    .isPositive();
        }
    }

    @Test
    @Timeout(600)
    void losingATaskManagerMidRunChangesNoTable() throws Exception {
        String topic = "cxq-kill";
        createTopic(topic);
        try (PostgresTestDatabase db = PostgresTestDatabase.empty()) {
            migrate(db);
            produce(topic, 0);
            String job = jobId(submit(jobArgs(topic, db), null, 2));
            awaitRunning(job, 2);
            awaitConsumed(topic);

            // Checkpoints go where the cluster's config.yaml says, not to cxq's local default.
            JsonNode checkpoint = get("/jobs/" + job + "/checkpoints").path("latest");
            String location = checkpoint.path("completed").path("external_path").asText();
            assertThat(location)
                    .startsWith("file:" + clusterDir.resolve("checkpoints").resolve(job));
            assertThat(Path.of(URI.create(location)).resolve("_metadata")).isRegularFile();
            assertThat(Path.of(System.getProperty("java.io.tmpdir"), "cxq-checkpoints", job))
                    .doesNotExist();

            produce(topic, 1);
            String victim = busyTaskManager();
            script("kill-taskmanager", victim.substring("taskmanager-".length()));
            script("start-taskmanager");
            poll(
                    "the job's failover after losing " + victim,
                    () ->
                            !get("/jobs/" + job + "/exceptions")
                                    .path("exceptionHistory")
                                    .path("entries")
                                    .isEmpty());
            awaitRunning(job, 2);
            produce(topic, 2);
            awaitConsumed(topic);
            stopWithSavepoint(job, true);

            Map<String, List<String>> actual = db.snapshot(POSITION_COLUMNS);
            keepForDiagnosis("kill", actual);
            long rows =
                    TableComparison.assertSameTables(expected, actual, "after losing " + victim);
            System.out.printf(
                    "cluster run: %d events, 1 TaskManager killed (%s), %d rows compared, 0"
                            + " duplicates, last checkpoint before the kill %s%n",
                    events.size(), victim, rows, location);
        }
    }

    @Test
    @Timeout(600)
    void aSavepointResumesAtParallelismThreeWithTheSameTables() throws Exception {
        String topic = "cxq-rescale";
        createTopic(topic);
        try (PostgresTestDatabase db = PostgresTestDatabase.empty()) {
            migrate(db);
            produce(topic, 0);
            produce(topic, 1);
            String first = jobId(submit(jobArgs(topic, db), null, 2));
            awaitRunning(first, 2);
            awaitConsumed(topic);
            String savepoint = stopWithSavepoint(first, false);
            assertThat(savepoint).startsWith("file:" + clusterDir.resolve("savepoints"));

            produce(topic, 2);
            String second = jobId(submit(jobArgs(topic, db), savepoint, 3));
            awaitRunning(second, 3);
            awaitConsumed(topic);
            stopWithSavepoint(second, true);

            Map<String, List<String>> actual = db.snapshot(POSITION_COLUMNS);
            keepForDiagnosis("rescale", actual);
            long rows =
                    TableComparison.assertSameTables(expected, actual, "after rescaling 2 -> 3");
            System.out.printf(
                    "cluster run: %d events, savepoint %s, resumed at parallelism 3, %d rows"
                            + " compared, 0 duplicates%n",
                    events.size(), savepoint, rows);
        }
    }

    /**
     * Writes the reference's and a run's tables to target/cluster-it/, for a diff when they differ.
     */
    private static void keepForDiagnosis(String run, Map<String, List<String>> actual)
            throws IOException {
        Path out = Files.createDirectories(Path.of("target", "cluster-it"));
        for (String table : expected.keySet()) {
            Files.write(out.resolve(table + ".expected.txt"), expected.get(table));
            Files.write(out.resolve(table + "." + run + ".txt"), actual.get(table));
        }
    }

    /**
     * The program arguments of a platform submission: input and output, no Flink settings. The test
     * pauses between its parts of the input for longer than the default source idleness (30 s, on a
     * busy machine): a partition declared idle would let another's next batch move event time past
     * its own next events, which a steady stream never does. So no partition is declared idle here.
     */
    private static List<String> jobArgs(String topic, PostgresTestDatabase db) {
        return List.of(
                "--source-idleness",
                "1h",
                "--kafka-bootstrap",
                kafka.bootstrapServers(),
                "--kafka-topics",
                topic,
                "--kafka-allow-unsigned-input",
                "--kafka-group-id",
                topic,
                "--starting-offsets",
                "earliest",
                "--jdbc-url",
                db.url(),
                "--jdbc-user",
                PostgresTestDatabase.USER);
    }

    /** The migration step, as an init container runs it: the jar on the Flink classpath. */
    private static void migrate(PostgresTestDatabase db) throws Exception {
        Process process =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-cp",
                                JAR + ":" + FLINK_LIB + "/*",
                                CxqMain.class.getName(),
                                "--migrate-only",
                                "--jdbc-url",
                                db.url(),
                                "--jdbc-user",
                                PostgresTestDatabase.USER)
                        .redirectErrorStream(true)
                        .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    private static void createTopic(String topic) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        }
    }

    /** Sends part {@code part} of {@code PARTS} of the events, round robin over the partitions. */
    private static void produce(String topic, int part) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        int from = events.size() * part / PARTS;
        int to = events.size() * (part + 1) / PARTS;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null, events.get(i)));
            }
            producer.flush();
        }
    }

    /** Until the job's consumer group has committed (on a checkpoint) every produced offset. */
    private static void awaitConsumed(String topic) throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest)
                    .all()
                    .get()
                    .forEach((tp, info) -> ends.put(tp, info.offset()));
            poll(
                    "the consumer group of " + topic + " commits " + ends,
                    () -> {
                        try {
                            Map<TopicPartition, OffsetAndMetadata> committed =
                                    admin.listConsumerGroupOffsets(topic)
                                            .partitionsToOffsetAndMetadata()
                                            .get();
                            return ends.entrySet().stream()
                                    .allMatch(
                                            e ->
                                                    committed.get(e.getKey()) != null
                                                            && committed.get(e.getKey()).offset()
                                                                    >= e.getValue());
                        } catch (Exception e) {
                            return false;
                        }
                    });
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    }

    private static String uploadJar() throws Exception {
        String boundary = "cxq" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(
                ("--"
                                + boundary
                                + "\r\nContent-Disposition: form-data; name=\"jarfile\";"
                                + " filename=\"cxq-job-slim.jar\"\r\n"
                                + "Content-Type: application/x-java-archive\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(JAR));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(rest + "/jars/upload"))
                                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String filename = JSON.readTree(response.body()).path("filename").asText();
        return Path.of(filename).getFileName().toString();
    }

    /**
     * {@code /jars/:id/run}, as the web UI or a CI pipeline submits. Without {@code parallelism}
     * the REST API runs the program at 1, Flink's default of the option, whatever the cluster's
     * {@code parallelism.default} says: a submission gives it, as {@code flink run -p} does.
     */
    private static HttpResponse<String> submit(
            List<String> args, String savepoint, Integer parallelism) throws Exception {
        Map<String, Object> request = new HashMap<>();
        request.put("entryClass", CxqMain.class.getName());
        request.put("programArgsList", args);
        if (savepoint != null) {
            request.put("savepointPath", savepoint);
        }
        if (parallelism != null) {
            request.put("parallelism", parallelism);
        }
        return post("/jars/" + jarId + "/run", request);
    }

    private static String jobId(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("jobid").asText();
    }

    /** Until the job and each of its tasks run, every vertex at {@code parallelism}. */
    private static void awaitRunning(String job, int parallelism) throws Exception {
        poll(
                "job " + job + " running at parallelism " + parallelism,
                () -> {
                    JsonNode details = get("/jobs/" + job);
                    if (!details.path("state").asText().equals("RUNNING")) {
                        return false;
                    }
                    for (JsonNode vertex : details.path("vertices")) {
                        assertThat(vertex.path("parallelism").asInt())
                                .as(vertex.path("name").asText())
                                .isEqualTo(parallelism);
                        if (!vertex.path("status").asText().equals("RUNNING")) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    /** The TaskManager running most of the job's slots. */
    private static String busyTaskManager() throws Exception {
        String busiest = null;
        int mostUsed = 0;
        for (JsonNode tm : get("/taskmanagers").path("taskmanagers")) {
            int used = tm.path("slotsNumber").asInt() - tm.path("freeSlots").asInt();
            if (used > mostUsed) {
                mostUsed = used;
                busiest = tm.path("id").asText();
            }
        }
        assertThat(busiest).as("a TaskManager running tasks").startsWith("taskmanager-");
        return busiest;
    }

    /** {@code /jobs/:id/stop}; returns the savepoint's location once the job has finished. */
    private static String stopWithSavepoint(String job, boolean drain) throws Exception {
        HttpResponse<String> response = post("/jobs/" + job + "/stop", Map.of("drain", drain));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String trigger = JSON.readTree(response.body()).path("request-id").asText();
        String[] location = new String[1];
        poll(
                "the savepoint of job " + job,
                () -> {
                    JsonNode status = get("/jobs/" + job + "/savepoints/" + trigger);
                    if (!status.path("status").path("id").asText().equals("COMPLETED")) {
                        return false;
                    }
                    JsonNode operation = status.path("operation");
                    assertThat(operation.has("failure-cause")).as(operation.toString()).isFalse();
                    location[0] = operation.path("location").asText();
                    return true;
                });
        poll(
                "job " + job + " finished",
                () -> get("/jobs/" + job).path("state").asText().equals("FINISHED"));
        return location[0];
    }

    private static JsonNode get(String path) {
        try {
            HttpResponse<String> response =
                    HTTP.send(
                            HttpRequest.newBuilder(URI.create(rest + path)).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            return JSON.createObjectNode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> post(String path, Object body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(rest + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void script(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(clusterEnv);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as(output).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
    }

    private static void poll(String what, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(
                "not within " + WAIT.toSeconds() + " s: " + what + "\n" + clusterLogTail());
    }

    private static String clusterLogTail() {
        try (Stream<Path> logs = Files.list(clusterDir.resolve("log"))) {
            StringBuilder tail = new StringBuilder();
            for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                tail.append("--- ").append(log.getFileName()).append('\n');
                lines.subList(Math.max(0, lines.size() - 15), lines.size())
                        .forEach(l -> tail.append(l).append('\n'));
            }
            return tail.toString();
        } catch (IOException e) {
            return "(no cluster logs: " + e.getMessage() + ")";
        }
    }
}
