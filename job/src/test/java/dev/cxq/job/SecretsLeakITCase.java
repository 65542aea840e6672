package dev.cxq.job;

import dev.cxq.job.cli.ConfigurationErrorsTest;
import dev.cxq.job.cli.CxqMain;
import dev.cxq.job.sink.webhook.WebhookSignature;
import dev.cxq.job.testing.KafkaBroker;
import dev.cxq.job.testing.MediaQualityScenarios;
import dev.cxq.job.testing.PostgresTestDatabase;
import dev.cxq.udf.signing.PayloadSignature;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plants a distinct secret of every kind (database password from the environment, from a file and
 * inside the JDBC URL, webhook token, webhook signing secret, webhook URL path, Kafka {@code
 * sasl.jaas.config}, Kafka input signing secret), runs {@code --check-config}, the refusals and a
 * Kafka job that uses every secret, and then looks for each one in everything a person or a system
 * can read: the output of the command line, the logs, the REST API of the cluster (job
 * configuration, plan, vertex names, job manager configuration), the metric identifiers and
 * variables, and every table. The secrets are first shown to have been used (the endpoint saw the
 * token, the path and a valid signature; the input check rejected a forged record), so the test
 * cannot pass by not using them; the JAAS is handed to the Kafka clients, which the plaintext test
 * broker does not ask to authenticate.
 */
class SecretsLeakITCase {

    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(REPORTER.addToConfiguration(new Configuration()))
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .build());

    private static final String TOPIC = "cxq-events";
    private static final String HEADER = "X-Cxq-Signature";
    private static final Path LOG = Path.of("target", "test.log");

    @TempDir Path dir;

    /** Every planted secret, by what it is. */
    private final Map<String, String> planted = new LinkedHashMap<>();

    private String jdbcPasswordInEnv;
    private String jdbcPasswordInFile;
    private String jdbcPasswordInUrl;
    private String webhookToken;
    private String webhookSigningSecret;
    private String webhookPath;
    private String webhookQueryKey;
    private String webhookUserInfoPassword;
    private String kafkaJaas;
    private String inputSigningSecret;

    private HttpServer server;
    private final List<String> calledPaths = new ArrayList<>();
    private final Set<String> calledQueries = ConcurrentHashMap.newKeySet();
    private final Set<String> authorizations = ConcurrentHashMap.newKeySet();
    private final Set<String> badSignatures = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void plantSecrets() throws Exception {
        jdbcPasswordInEnv = plant("database password from the environment", "jdbc-env");
        jdbcPasswordInFile = plant("database password from a file", "jdbc-file");
        jdbcPasswordInUrl = plant("database password in the JDBC URL", "jdbc-url");
        webhookToken = plant("webhook token", "token");
        // Standard Webhooks form: whsec_ and the base64 of the key bytes; either must stay hidden.
        String signingKey = "planted-signing-" + random();
        webhookSigningSecret =
                "whsec_"
                        + Base64.getEncoder()
                                .encodeToString(signingKey.getBytes(StandardCharsets.UTF_8));
        planted.put("webhook signing secret", webhookSigningSecret);
        planted.put("webhook signing secret without its prefix", webhookSigningSecret.substring(6));
        planted.put("webhook signing key", signingKey);
        webhookPath = plant("webhook URL path", "path");
        webhookQueryKey = plant("webhook URL query string", "query");
        webhookUserInfoPassword = plant("webhook URL user info", "userinfo");
        String kafkaPassword = plant("Kafka SASL password", "kafka");
        kafkaJaas =
                "org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " username=\"cxq\" password=\""
                        + kafkaPassword
                        + "\";";
        inputSigningSecret = plant("Kafka input signing secret", "input");

        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(
                "/hooks/",
                exchange -> {
                    byte[] body;
                    try (InputStream in = exchange.getRequestBody()) {
                        body = in.readAllBytes();
                    }
                    synchronized (calledPaths) {
                        calledPaths.add(exchange.getRequestURI().getPath());
                    }
                    calledQueries.add(String.valueOf(exchange.getRequestURI().getRawQuery()));
                    authorizations.add(
                            String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
                    String id = exchange.getRequestHeaders().getFirst(WebhookSignature.ID_HEADER);
                    String expected =
                            WebhookSignature.sign(
                                    WebhookSignature.key(webhookSigningSecret),
                                    id,
                                    Long.parseLong(
                                            exchange.getRequestHeaders()
                                                    .getFirst(WebhookSignature.TIMESTAMP_HEADER)),
                                    new String(body, StandardCharsets.UTF_8));
                    if (!expected.equals(
                            exchange.getRequestHeaders()
                                    .getFirst(WebhookSignature.SIGNATURE_HEADER))) {
                        badSignatures.add(id);
                    }
                    exchange.sendResponseHeaders(200, -1);
                    exchange.close();
                });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private String plant(String what, String kind) {
        String secret = "planted-" + kind + "-" + random();
        planted.put(what, secret);
        return secret;
    }

    private static String random() {
        byte[] bytes = new byte[8];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private String webhookUrl() {
        return "http://127.0.0.1:"
                + server.getAddress().getPort()
                + "/hooks/"
                + webhookPath
                + "?key="
                + webhookQueryKey;
    }

    /** Fails naming the secret and the place when {@code text} holds any planted secret. */
    private void assertNoSecretIn(String place, String text) {
        planted.forEach(
                (what, secret) ->
                        assertThat(text)
                                .as("%s must not show the %s", place, what)
                                .doesNotContain(secret));
    }

    @Test
    @Timeout(300)
    void noSecretShowsInTheOutputLogsRestApiMetricsOrTables() throws Exception {
        KafkaClusterTestKit kafka = KafkaBroker.start();
        try (PostgresTestDatabase db = new PostgresTestDatabase()) {
            checkConfigShowsLocationsOnly(kafka.bootstrapServers(), db.url());
            refusalsDoNotQuoteTheSecret(kafka.bootstrapServers());
            runAKafkaJobThatUsesEverySecret(kafka, db);

            scanRestApi();
            scanMetrics();
            scanTables(db);
        } finally {
            kafka.close();
        }
        String log = Files.readString(LOG, StandardCharsets.UTF_8);
        assertThat(log).as("the test log of this run").contains("Reading Kafka topics [" + TOPIC);
        assertNoSecretIn("the log", log);
    }

    /** {@code --check-config} with the secrets in the environment names where each one is. */
    private void checkConfigShowsLocationsOnly(String bootstrap, String jdbcUrl) throws Exception {
        Map<String, String> env =
                Map.of(
                        "CXQ_JDBC_PASSWORD", jdbcPasswordInEnv,
                        "CXQ_SIGNING_SECRET", inputSigningSecret,
                        "PAGER_URL", webhookUrl(),
                        "PAGER_TOKEN", webhookToken,
                        "PAGER_SECRET", webhookSigningSecret);
        ConfigurationErrorsTest.Outcome outcome =
                ConfigurationErrorsTest.run(
                        env,
                        "--check-config",
                        "--kafka-bootstrap",
                        bootstrap,
                        "--kafka-topics",
                        TOPIC,
                        "--kafka-property",
                        "sasl.jaas.config=${env:KAFKA_JAAS}",
                        "--jdbc-url",
                        jdbcUrl,
                        "--webhook-endpoint",
                        "name=pager,url-env=PAGER_URL,token-env=PAGER_TOKEN,secret-env=PAGER_SECRET,"
                                + "allow-insecure-http=true");
        assertThat(outcome.errors()).isEmpty();
        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.stdout())
                .contains("  database password: env CXQ_JDBC_PASSWORD")
                .contains("  input signing secret: env CXQ_SIGNING_SECRET")
                .contains(
                        "  webhook pager (http://127.0.0.1:"
                                + server.getAddress().getPort()
                                + "/…): url in env PAGER_URL, token in env PAGER_TOKEN,"
                                + " signing secret in env PAGER_SECRET")
                .contains("sasl.jaas.config=${env:KAFKA_JAAS}");
        assertNoSecretIn("--check-config", outcome.stdout() + outcome.errors());
    }

    /** A secret where none may be is refused, and the message does not quote it. */
    private void refusalsDoNotQuoteTheSecret(String bootstrap) throws Exception {
        Path input = Files.writeString(dir.resolve("e.jsonl"), "{}\n");
        ConfigurationErrorsTest.Outcome inUrl =
                ConfigurationErrorsTest.run(
                        Map.of(),
                        "--input",
                        input.toString(),
                        "--jdbc-url",
                        "jdbc:postgresql://127.0.0.1:5432/cxq?password=" + jdbcPasswordInUrl);
        assertThat(inUrl.exitCode()).isEqualTo(CxqMain.EXIT_BAD_ARGUMENTS);
        assertThat(inUrl.errors()).anyMatch(e -> e.contains("must not hold a password"));
        assertNoSecretIn("the refusal of a password in the JDBC URL", inUrl.errors().toString());

        ConfigurationErrorsTest.Outcome literalJaas =
                ConfigurationErrorsTest.run(
                        Map.of(),
                        "--kafka-bootstrap",
                        bootstrap,
                        "--kafka-topics",
                        TOPIC,
                        "--kafka-allow-unsigned-input",
                        "--kafka-property",
                        "sasl.jaas.config=" + kafkaJaas);
        assertThat(literalJaas.exitCode()).isEqualTo(CxqMain.EXIT_BAD_ARGUMENTS);
        assertThat(literalJaas.errors()).anyMatch(e -> e.contains("holds a credential"));
        assertNoSecretIn(
                "the refusal of a literal sasl.jaas.config",
                literalJaas.stdout() + literalJaas.errors());

        // Program arguments are in the web UI and Flink's start log: no URL with a credential.
        for (String inlineUrl :
                List.of(
                        webhookUrl(),
                        "http://cxq:" + webhookUserInfoPassword + "@127.0.0.1/hooks/")) {
            ConfigurationErrorsTest.Outcome inlineWebhook =
                    ConfigurationErrorsTest.run(
                            Map.of(), "--input", input.toString(), "--webhook-url", inlineUrl);
            assertThat(inlineWebhook.exitCode()).isEqualTo(CxqMain.EXIT_BAD_ARGUMENTS);
            assertThat(inlineWebhook.errors())
                    .anyMatch(e -> e.contains("url-file=FILE or url-env=VARIABLE"));
            assertNoSecretIn(
                    "the refusal of a webhook URL with a credential on the command line",
                    inlineWebhook.stdout() + inlineWebhook.errors());
        }
    }

    /**
     * A signed Kafka stream with one forged record, read until the latest offsets into PostgreSQL,
     * with a webhook endpoint whose URL, token and signing secret are all in files.
     */
    private void runAKafkaJobThatUsesEverySecret(KafkaClusterTestKit kafka, PostgresTestDatabase db)
            throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        }
        Path scenario = dir.resolve("quality.jsonl");
        MediaQualityScenarios.write(scenario);
        PayloadSignature signature =
                new PayloadSignature(inputSigningSecret.getBytes(StandardCharsets.UTF_8));
        try (KafkaProducer<byte[], byte[]> producer =
                KafkaBroker.producer(kafka.bootstrapServers())) {
            List<String> lines = Files.readAllLines(scenario, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                byte[] value = lines.get(i).getBytes(StandardCharsets.UTF_8);
                // The first record is forged: signed as another payload.
                byte[] signed = i == 0 ? "forged".getBytes(StandardCharsets.UTF_8) : value;
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(TOPIC, value);
                record.headers()
                        .add(HEADER, signature.sign(signed).getBytes(StandardCharsets.UTF_8));
                producer.send(record);
            }
        }
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(secrets.resolve("kafka-jaas"), kafkaJaas);
        Path jdbcPassword = Files.writeString(secrets.resolve("jdbc"), jdbcPasswordInFile + "\n");
        Path inputSecret = Files.writeString(secrets.resolve("input"), inputSigningSecret);
        Path url = Files.writeString(secrets.resolve("pager-url"), webhookUrl() + "\n");
        Path token = Files.writeString(secrets.resolve("pager-token"), webhookToken);
        Path signing = Files.writeString(secrets.resolve("pager-secret"), webhookSigningSecret);

        int exit =
                CxqMain.run(
                        "--kafka-bootstrap",
                        kafka.bootstrapServers(),
                        "--kafka-topics",
                        TOPIC,
                        "--starting-offsets",
                        "earliest",
                        "--until",
                        "latest",
                        "--signing-secret-file",
                        inputSecret.toString(),
                        "--kafka-property",
                        "sasl.jaas.config=${dir:" + secrets + ":kafka-jaas}",
                        "--jdbc-url",
                        db.url(),
                        "--jdbc-user",
                        PostgresTestDatabase.USER,
                        "--jdbc-password-file",
                        jdbcPassword.toString(),
                        "--webhook-endpoint",
                        "name=pager,url-file="
                                + url
                                + ",token-file="
                                + token
                                + ",secret-file="
                                + signing
                                + ",allow-insecure-http=true",
                        "--checkpoint-interval",
                        "500ms",
                        "--checkpoint-dir",
                        dir.resolve("checkpoints").toUri().toString(),
                        "--restart-attempts",
                        "0",
                        "--parallelism",
                        "2");
        assertThat(exit).as("exit code of the Kafka run").isZero();

        // Every secret was used: the endpoint was called at its secret path with the token and a
        // valid signature, and the forged record was rejected by the input signature check.
        assertThat(calledPaths).isNotEmpty().allMatch(p -> p.equals("/hooks/" + webhookPath));
        assertThat(calledQueries).containsExactly("key=" + webhookQueryKey);
        assertThat(authorizations).containsExactly("Bearer " + webhookToken);
        assertThat(badSignatures).isEmpty();
        assertThat(
                        db.queryLong(
                                "SELECT count(*) FROM rejected_events"
                                        + " WHERE reason = 'bad_signature'"))
                .isEqualTo(1);
        assertThat(db.queryLong("SELECT count(*) FROM webhook_deliveries WHERE endpoint = 'pager'"))
                .isEqualTo(calledPaths.size());
    }

    /** The REST API of the cluster: what the Flink web UI shows. */
    private void scanRestApi() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Configuration client = MINI_CLUSTER.getClientConfiguration();
        URI rest =
                URI.create(
                        "http://"
                                + client.get(RestOptions.ADDRESS)
                                + ":"
                                + client.get(RestOptions.PORT)
                                + "/");
        ObjectMapper json = new ObjectMapper();
        String jobs = get(http, rest, "/jobs/overview");
        assertNoSecretIn("/jobs/overview", jobs);
        List<String> jobIds = new ArrayList<>();
        json.readTree(jobs).get("jobs").forEach(job -> jobIds.add(job.get("jid").asText()));
        assertThat(jobIds).isNotEmpty();
        for (String id : jobIds) {
            String job = get(http, rest, "/jobs/" + id);
            assertNoSecretIn("/jobs/" + id + " (vertex names)", job);
            List<String> vertexNames = new ArrayList<>();
            for (JsonNode vertex : json.readTree(job).get("vertices")) {
                vertexNames.add(vertex.get("name").asText());
            }
            // The job writes the webhook outbox; the endpoint is called outside it.
            assertThat(vertexNames).anyMatch(name -> name.contains("webhook_outbox"));
            for (String path : List.of("/config", "/plan", "/jobmanager/config", "/exceptions")) {
                assertNoSecretIn("/jobs/" + id + path, get(http, rest, "/jobs/" + id + path));
            }
        }
        assertNoSecretIn("/jobmanager/config", get(http, rest, "/jobmanager/config"));
        assertNoSecretIn("/taskmanagers", get(http, rest, "/taskmanagers"));
    }

    private static String get(HttpClient http, URI rest, String path) throws Exception {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(rest.resolve(path.substring(1))).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
        return response.body();
    }

    /** Every metric identifier and every variable of its scope, as reporters export them. */
    private void scanMetrics() {
        StringBuilder names = new StringBuilder();
        for (Map.Entry<MetricGroup, Map<String, Metric>> group :
                REPORTER.getMetricsByGroup().entrySet()) {
            names.append(group.getKey().getAllVariables()).append('\n');
            for (String metric : group.getValue().keySet()) {
                names.append(group.getKey().getMetricIdentifier(metric)).append('\n');
            }
        }
        assertThat(names.toString()).contains("webhook_outbox");
        assertNoSecretIn("the metric names", names.toString());
    }

    /** Every row of every table of the database, the migration history included. */
    private void scanTables(PostgresTestDatabase db) throws Exception {
        List<String> tables = new ArrayList<>();
        try (Connection c = db.connect();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT table_name FROM information_schema.tables"
                                        + " WHERE table_schema = 'public'"
                                        + " AND table_type = 'BASE TABLE'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        assertThat(tables).contains("webhook_deliveries", "rejected_events");
        for (String table : tables) {
            assertNoSecretIn("table " + table, db.rows(table, Set.of()).toString());
        }
    }
}
