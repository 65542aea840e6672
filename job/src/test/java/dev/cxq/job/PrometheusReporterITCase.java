package dev.cxq.job;

import dev.cxq.job.cli.CxqMain;
import dev.cxq.job.cli.Defaults;
import dev.cxq.job.sink.JsonLinesSinks;
import dev.cxq.job.testing.FreePorts;
import dev.cxq.job.testing.LinesThenHold;
import dev.cxq.job.testing.MediaQualityScenarios;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --prometheus-port}: a running job serves its cxq metrics for Prometheus, scraped over HTTP
 * while the job runs (the reporter comes from the jar's classpath on a local run).
 */
class PrometheusReporterITCase {

    private static final Pattern SAMPLE =
            Pattern.compile("^(\\w+)\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);

    private static final Pattern TS = Pattern.compile("\"ts\":\"([^\"]+)\"");

    @TempDir Path dir;

    @Test
    void runningJobServesItsMetricsForPrometheus() throws Exception {
        Path input = dir.resolve("quality.jsonl");
        MediaQualityScenarios.write(input);
        List<String> lines = Files.readAllLines(input, StandardCharsets.UTF_8);
        int port = FreePorts.freePort();

        CxqMain main = new CxqMain();
        // Parallelism 1: the source emits the lines from one subtask. Metric export does not depend
        // on key routing.
        new CommandLine(main)
                .parseArgs(
                        "--parallelism",
                        "1",
                        "--checkpoint-dir",
                        dir.resolve("checkpoints").toUri().toString(),
                        "--restart-attempts",
                        "0",
                        "--prometheus-port",
                        String.valueOf(port));
        Configuration conf = main.flinkConfiguration(RuntimeExecutionMode.STREAMING);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        // Keeps running, with its watermark moving, while it is scraped.
        new CxqPipeline(
                        LinesThenHold.of(lines),
                        new JsonLinesSinks(dir.resolve("output"), 1),
                        Defaults.pipelineSettings(),
                        main.webhookSettings(Map.of()))
                .build(env);
        long started = System.currentTimeMillis();
        JobClient job = env.executeAsync("cxq prometheus");
        try {
            String url = "http://127.0.0.1:" + port + "/metrics";
            String metrics = scrapeUntil(url, Duration.ofSeconds(90), lines.size());

            assertThat(sum(metrics, "flink_taskmanager_job_task_operator_cxq_eventsParsed", ""))
                    .isEqualTo(lines.size());
            // Key-value groups become labels: cxq.kind.<k>.platform.<p>.eventsIn.
            String eventsIn = "flink_taskmanager_job_task_operator_cxq_kind_platform_eventsIn";
            assertThat(sum(metrics, eventsIn, "kind=\"media_sample\"", "platform=\"canonical\""))
                    .isEqualTo(lines.stream().filter(l -> l.contains("\"media_sample\"")).count());
            assertThat(sum(metrics, eventsIn, "platform=\"genesys\"")).isZero();
            // 3 kinds x 3 platforms, registered at 0 on the parse subtask.
            assertThat(series(metrics, eventsIn)).isEqualTo(9);
            // Event time is the scenario's (March 2026): the lag is the wall clock minus a
            // watermark between its first event and its last (less the 10 s bound).
            long first = lines.stream().mapToLong(l -> eventTime(l)).min().orElseThrow();
            long last = lines.stream().mapToLong(l -> eventTime(l)).max().orElseThrow();
            assertThat(max(metrics, "flink_taskmanager_job_task_operator_cxq_eventTimeLag"))
                    .isBetween(started - last, System.currentTimeMillis() - first + 10_001);
            assertThat(metrics)
                    .contains("flink_taskmanager_job_task_operator_cxq_activeSessions{")
                    .contains("flink_taskmanager_job_task_operator_cxq_duplicatesDropped{");
        } finally {
            job.cancel().get();
        }
    }

    /**
     * Scrapes {@code url} until every one of {@code events} input events has been parsed (the
     * reporter answers once the cluster is up; the counters follow the job's progress).
     */
    private static String scrapeUntil(String url, Duration timeout, long events) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response =
                        http.send(
                                HttpRequest.newBuilder(URI.create(url))
                                        .timeout(Duration.ofSeconds(5))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                last = response.body();
                if (response.statusCode() == 200
                        && sum(last, "flink_taskmanager_job_task_operator_cxq_eventsParsed", "")
                                == events
                        && max(last, "flink_taskmanager_job_task_operator_cxq_eventTimeLag") > 0
                        && last.contains(
                                "flink_taskmanager_job_task_operator_cxq_activeSessions{")) {
                    return last;
                }
            } catch (IOException notListeningYet) {
                // The reporter starts with the cluster; keep polling until the deadline.
            }
            // Scrape interval, as Prometheus would; the condition above decides, not the pause.
            Thread.sleep(200);
        }
        throw new AssertionError("no complete cxq metrics at " + url + " in time; last:\n" + last);
    }

    /** Values of the samples of {@code name} that carry every one of {@code labels}. */
    private static LongStream values(String exposition, String name, String... labels) {
        LongStream.Builder values = LongStream.builder();
        Matcher m = SAMPLE.matcher(exposition);
        while (m.find()) {
            String sampleLabels = m.group(2);
            if (m.group(1).equals(name) && Arrays.stream(labels).allMatch(sampleLabels::contains)) {
                values.add((long) Double.parseDouble(m.group(3)));
            }
        }
        return values.build();
    }

    private static long sum(String exposition, String name, String... labels) {
        return values(exposition, name, labels).sum();
    }

    private static long max(String exposition, String name) {
        return values(exposition, name).max().orElse(Long.MIN_VALUE);
    }

    private static long series(String exposition, String name) {
        return values(exposition, name).count();
    }

    private static long eventTime(String line) {
        Matcher m = TS.matcher(line);
        assertThat(m.find()).as(line).isTrue();
        return Instant.parse(m.group(1)).toEpochMilli();
    }
}
