package dev.cxq.job.cli;

import dev.cxq.job.CxqPipeline;
import dev.cxq.job.db.PostgresConnection;
import dev.cxq.job.kafka.KafkaInput;
import dev.cxq.job.sink.JdbcSinks;
import dev.cxq.job.sink.webhook.WebhookSettings;

import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.InstantiationUtil;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job graph the client submits (what the job manager stores, and what a savepoint's operators
 * were built from) holds where each secret is, never the secret: the topology with a Kafka source
 * using SASL, the JDBC sinks and a webhook endpoint (whose outbox the job writes), all configured
 * with secrets, serialized.
 */
class JobGraphSecretsTest {

    private static final String JDBC_PASSWORD = "graph-jdbc-password-7f3a";
    private static final String TOKEN = "graph-webhook-token-9c1d";
    private static final String SIGNING_SECRET =
            "whsec_Z3JhcGgtc2lnbmluZy1zZWNyZXQtb2YtMzItYnl0ZXM=";
    private static final String URL_PATH = "graph-url-path-5e2b";
    private static final String URL_QUERY = "graph-url-query-0d6c";
    private static final String KAFKA_PASSWORD = "graph-kafka-password-11aa";
    private static final String INPUT_SECRET = "graph-input-secret-42bd";

    @TempDir Path dir;

    @Test
    void theSerializedJobGraphHoldsNoSecret() throws Exception {
        Path jaas =
                Files.writeString(
                        dir.resolve("jaas"),
                        "PlainLoginModule required password=\"" + KAFKA_PASSWORD + "\";");
        Path password = Files.writeString(dir.resolve("pw"), JDBC_PASSWORD);
        Path url =
                Files.writeString(
                        dir.resolve("url"),
                        "https://hooks.example/" + URL_PATH + "?key=" + URL_QUERY);
        Path token = Files.writeString(dir.resolve("token"), TOKEN);
        Map<String, String> env =
                Map.of("CXQ_SIGNING_SECRET", INPUT_SECRET, "PAGER_SECRET", SIGNING_SECRET);

        CxqMain main = new CxqMain(env);
        CommandLine.ParseResult parsed =
                new CommandLine(main)
                        .parseArgs(
                                "--kafka-bootstrap",
                                "localhost:9092",
                                "--kafka-topics",
                                "t",
                                "--kafka-property",
                                "sasl.jaas.config=${dir:" + dir + ":" + jaas.getFileName() + "}",
                                "--jdbc-url",
                                "jdbc:postgresql://db:5432/cxq",
                                "--jdbc-password-file",
                                password.toString(),
                                "--webhook-endpoint",
                                "name=pager,url-file="
                                        + url
                                        + ",token-file="
                                        + token
                                        + ",secret-env=PAGER_SECRET");
        List<String> errors = new ArrayList<>();
        ConfigSources.Origins origins = ConfigSources.apply(parsed, env, null, errors);
        errors.addAll(ConfigValidator.validate(main, origins));
        assertThat(errors).isEmpty();
        WebhookSettings webhooks = main.webhookOptions.settings(env);

        StreamExecutionEnvironment flink = StreamExecutionEnvironment.getExecutionEnvironment();
        KafkaInput input =
                new KafkaInput(
                        main.kafkaOptions.kafkaBootstrap,
                        main.kafkaOptions.kafkaTopics,
                        main.kafkaOptions.kafkaGroupId,
                        "earliest",
                        false,
                        main.kafkaOptions.kafkaClientProperties(),
                        main.kafkaOptions.signingSecret(main.env),
                        main.kafkaOptions.signatureHeader);
        new CxqPipeline(
                        input.source(),
                        new JdbcSinks(
                                PostgresConnection.of(
                                        main.outputOptions.jdbcUrl,
                                        "cxq",
                                        main.outputOptions.jdbcPassword(main.env)),
                                1),
                        Defaults.pipelineSettings(),
                        webhooks)
                .build(flink);
        JobGraph graph = flink.getStreamGraph().getJobGraph();
        String serialized =
                new String(InstantiationUtil.serializeObject(graph), StandardCharsets.ISO_8859_1);

        // The password's location is there (the test reads the right bytes), the secrets are not;
        // the job calls no webhook (it writes the outbox), so not even their locations are.
        assertThat(serialized).contains(password.toString());
        assertThat(serialized).doesNotContain(token.toString(), "PAGER_SECRET");
        for (String secret :
                List.of(
                        JDBC_PASSWORD,
                        TOKEN,
                        SIGNING_SECRET,
                        SIGNING_SECRET.substring("whsec_".length()),
                        URL_PATH,
                        URL_QUERY,
                        KAFKA_PASSWORD,
                        INPUT_SECRET)) {
            assertThat(serialized).doesNotContain(secret);
        }
    }

    /**
     * A URL given inline is serialized into the job graph as it is; one that holds a credential is
     * refused before a graph exists, on every path the URL can come in by.
     */
    @Test
    void aWebhookUrlWithACredentialInTheArgumentsNeverReachesAJobGraph() {
        String inline = "https://hooks.example/alerts?key=" + URL_QUERY;
        for (String[] args :
                List.of(
                        new String[] {"--webhook-url", inline},
                        new String[] {"--webhook-endpoint", "name=pager,url=" + inline})) {
            CxqMain main = new CxqMain(Map.of());
            CommandLine.ParseResult parsed = new CommandLine(main).parseArgs(args);
            List<String> errors = new ArrayList<>();
            ConfigSources.Origins origins = ConfigSources.apply(parsed, Map.of(), null, errors);
            errors.addAll(ConfigValidator.validate(main, origins));
            String refusal;
            try {
                main.webhookOptions.settings(Map.of());
                refusal = null;
            } catch (IllegalArgumentException e) {
                refusal = e.getMessage();
            }
            assertThat(refusal).as(args[0]).isNotNull().doesNotContain(URL_QUERY);
            assertThat(errors.toString()).doesNotContain(URL_QUERY);
        }
    }
}
