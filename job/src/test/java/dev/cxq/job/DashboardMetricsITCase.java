package dev.cxq.job;

import dev.cxq.job.cli.CxqMain;
import dev.cxq.job.cli.Defaults;
import dev.cxq.job.kafka.KafkaInput;
import dev.cxq.job.sink.JsonLinesSinks;
import dev.cxq.job.testing.FreePorts;
import dev.cxq.job.testing.KafkaBroker;
import dev.cxq.job.testing.MediaQualityScenarios;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.sun.net.httpserver.HttpServer;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every metric that a PromQL expression of the Grafana dashboard ({@code deploy/grafana/}), of the
 * PrometheusRule ({@code k8s/base/}) or of the compose Prometheus rules names is one that a running
 * job really exports: the job reads Kafka (an in-process broker), writes the webhook outbox of a
 * local endpoint, rejects a bad record and checkpoints, and its Prometheus reporter is scraped.
 */
class DashboardMetricsITCase {

    private static final Pattern METRIC = Pattern.compile("\\bflink_[A-Za-z0-9_:]+");
    private static final Pattern SERIES =
            Pattern.compile("^(flink_[A-Za-z0-9_:]+)[{ ]", Pattern.MULTILINE);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir Path dir;

    @Test
    @Timeout(300)
    void everyMetricOfTheDashboardAndTheAlertRulesIsExportedByARunningJob() throws Exception {
        Map<String, Set<String>> wanted = metricsNamedByQueries();
        assertThat(wanted).as("PromQL metric names").hasSizeGreaterThan(12);

        Path scenarios = dir.resolve("quality.jsonl");
        MediaQualityScenarios.write(scenarios);
        List<String> lines = new ArrayList<>(Files.readAllLines(scenarios, StandardCharsets.UTF_8));
        lines.add("{not json");

        KafkaClusterTestKit kafka = KafkaBroker.start();
        HttpServer webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext(
                "/hook",
                exchange -> {
                    exchange.getRequestBody().readAllBytes();
                    exchange.sendResponseHeaders(204, -1);
                    exchange.close();
                });
        webhook.start();
        JobClient job = null;
        try {
            KafkaBroker.createTopics(kafka, List.of(new NewTopic("cxq-events", 1, (short) 1)));
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(
                            Map.of("bootstrap.servers", kafka.bootstrapServers()),
                            new StringSerializer(),
                            new StringSerializer())) {
                for (String line : lines) {
                    producer.send(new ProducerRecord<>("cxq-events", line));
                }
            }
            int port = FreePorts.freePort();
            CxqMain main = new CxqMain();
            new CommandLine(main)
                    .parseArgs(
                            "--parallelism",
                            "1",
                            "--checkpoint-interval",
                            "500ms",
                            "--checkpoint-dir",
                            dir.resolve("checkpoints").toUri().toString(),
                            "--restart-attempts",
                            "0",
                            "--prometheus-port",
                            String.valueOf(port),
                            "--webhook-url",
                            "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook");
            Configuration conf = main.flinkConfiguration(RuntimeExecutionMode.STREAMING);
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(conf);
            KafkaInput input =
                    KafkaBroker.unsignedInput(
                            kafka.bootstrapServers(), "cxq-events", "cxq-dashboard");
            new CxqPipeline(
                            input.source(),
                            new JsonLinesSinks(dir.resolve("output"), 1),
                            Defaults.pipelineSettings(),
                            main.webhookSettings(Map.of()))
                    .build(env);
            job = env.executeAsync("cxq kafka cxq-events");

            Set<String> exported =
                    scrapeUntilComplete("http://127.0.0.1:" + port + "/metrics", wanted.keySet());
            Map<String, Set<String>> missing = new TreeMap<>();
            wanted.forEach(
                    (metric, where) -> {
                        if (!exported.contains(metric)) {
                            missing.put(metric, where);
                        }
                    });
            assertThat(missing)
                    .as("metrics named by PromQL that the job does not export (metric → where)")
                    .isEmpty();
        } finally {
            if (job != null) {
                job.cancel().get();
            }
            webhook.stop(0);
            kafka.close();
        }
    }

    /**
     * Scrapes until the series that appear only once the job has worked are there: a parsed and a
     * rejected event, a completed checkpoint, the Kafka reader's lag, the input's status, and every
     * {@code wanted} one (the source's {@code watermarkLag} is registered at its first watermark,
     * which may come after the rest). At the deadline it fails, naming what is missing.
     */
    private static Set<String> scrapeUntilComplete(String url, Set<String> wanted)
            throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        Set<String> names = Set.of();
        while (System.nanoTime() < deadline) {
            try {
                String body =
                        http.send(
                                        HttpRequest.newBuilder(URI.create(url))
                                                .timeout(Duration.ofSeconds(5))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body();
                names = new TreeSet<>();
                Matcher m = SERIES.matcher(body);
                while (m.find()) {
                    names.add(m.group(1));
                }
                if (names.contains("flink_taskmanager_job_task_operator_cxq_reason_eventsRejected")
                        && names.contains("flink_taskmanager_job_task_operator_pendingRecords")
                        && names.contains("flink_taskmanager_job_task_operator_cxq_input_status")
                        && names.containsAll(wanted)
                        && completedCheckpoint(body)) {
                    return names;
                }
            } catch (IOException notListeningYet) {
                // The reporter starts with the cluster; keep polling until the deadline.
            }
            Thread.sleep(500); // scrape interval; the condition above decides
        }
        Set<String> missing = new TreeSet<>(wanted);
        missing.removeAll(names);
        throw new AssertionError(
                "the job never exported its full set of metrics; missing "
                        + missing
                        + " of those the dashboard and alert rules name; had "
                        + names);
    }

    private static boolean completedCheckpoint(String body) {
        Matcher m =
                Pattern.compile(
                                "^flink_jobmanager_job_numberOfCompletedCheckpoints\\{[^}]*\\} (\\S+)$",
                                Pattern.MULTILINE)
                        .matcher(body);
        return m.find() && Double.parseDouble(m.group(1)) > 0;
    }

    /** Metric name → the files whose PromQL names it. */
    static Map<String, Set<String>> metricsNamedByQueries() throws IOException {
        Map<String, Set<String>> names = new TreeMap<>();
        Path dashboard = Path.of("..", "deploy", "grafana", "dashboards", "cxq.json");
        for (JsonNode expr : JSON.readTree(dashboard.toFile()).findValues("expr")) {
            collect(expr.asText(), dashboard, names);
        }
        for (Path rules :
                List.of(
                        Path.of("..", "k8s", "base", "prometheusrule.yaml"),
                        Path.of("..", "deploy", "prometheus", "cxq-alerts.yml"))) {
            for (JsonNode expr : YAML.readTree(rules.toFile()).findValues("expr")) {
                collect(expr.asText(), rules, names);
            }
        }
        return names;
    }

    private static void collect(String promql, Path file, Map<String, Set<String>> names) {
        Matcher m = METRIC.matcher(promql);
        while (m.find()) {
            names.computeIfAbsent(m.group(), k -> new TreeSet<>())
                    .add(file.getFileName().toString());
        }
    }
}
