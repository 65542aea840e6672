package dev.cxq.job;

import dev.cxq.job.cli.CxqMain;
import dev.cxq.job.testing.FreePorts;
import dev.cxq.job.testing.PostgresTestDatabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo as a user runs it ({@code --demo --duration ...}), in-process on a free port: its web
 * UI's REST API answers while it runs, it stops by itself with exit code 0, and the scripted
 * incidents are in its committed output, as files and in PostgreSQL; its webhook receiver refuses
 * calls for a while, and every alert transition is delivered once after it recovers.
 */
class DemoITCase {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern SUMMARY =
            Pattern.compile(
                    "event time \\S+ \\((\\d+)×\\) +events/s (\\d+) .* active sessions (\\d+)"
                            + " +alerts firing (\\d+).* kpi_windows rows (\\d+) +metric sync");
    private static final Pattern SYNCED =
            Pattern.compile(
                    "cxq demo: metric sync (\\d+) rows \\((\\d+) requests, (\\d+) × 429,"
                            + " (\\d+) tokens\\); the emulated platform holds (\\d+) records");
    private static final Pattern WEBHOOK =
            Pattern.compile(
                    "cxq demo: webhook endpoint down \\d+:\\d\\d–\\d+:\\d\\d \\((\\d+) calls refused\\),"
                            + " (\\d+) transitions queued, (\\d+) delivered after recovery,"
                            + " (\\d+) left queued, (\\d+) duplicates");

    @TempDir Path dir;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void theDemoServesTheWebUiAndWritesEveryScriptedIncidentToFiles() throws Exception {
        int port = FreePorts.freePort();
        Path out = dir.resolve("out");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(new Tee(original, stdout), true, StandardCharsets.UTF_8));
        try {
            CompletableFuture<Integer> exit =
                    CompletableFuture.supplyAsync(
                            () ->
                                    CxqMain.run(
                                            demoArgs(port, "40s", "--output-dir", out.toString())));

            JsonNode job = awaitRunningDemoJob(port, exit);
            assertThat(job.path("name").asText()).isEqualTo("cxq demo");

            assertThat(exit.get(3, TimeUnit.MINUTES)).as("exit code").isZero();
        } finally {
            System.setOut(original);
        }

        List<JsonNode> alerts = rows(out, "quality_alerts");
        Set<String> kinds = new HashSet<>();
        for (JsonNode a : alerts) {
            kinds.add(a.path("alert_type").asText() + "/" + a.path("severity").asText());
        }
        assertThat(kinds)
                .contains(
                        "degradation/high",
                        "degradation/critical",
                        "media_gap/warning",
                        "disconnected/warning");
        assertThat(alerts)
                .as("a codec fallback: the video bitrate collapsed while MOS stayed high")
                .anySatisfy(
                        a -> {
                            assertThat(a.path("reason").asText())
                                    .isEqualTo("video_bitrate_kbps<500");
                            assertThat(a.path("mos").asDouble()).isGreaterThanOrEqualTo(4.0);
                        });
        assertThat(alerts)
                .as("the cellular-handoff dip of slot 5 never alerts")
                .noneSatisfy(a -> assertThat(a.path("session_id").asText()).endsWith("-5-0"));

        List<JsonNode> metrics = rows(out, "computed_metrics");
        assertThat(statuses(metrics, "-9-0"))
                .as("failed upload: pending at the end, then failed")
                .containsExactly("pending", "failed");
        assertThat(statuses(metrics, "-10-0"))
                .as("late upload: pending at the end, then corrected")
                .containsExactly("pending", "uploaded");
        assertThat(types(metrics, "-6-0"))
                .as("IVR self-service: handle time, but excluded from adjusted AHT")
                .contains("handle_time_s")
                .doesNotContain("adjusted_aht_s");
        assertThat(types(metrics, "-12-0"))
                .as("an agent outside business hours in their zone: excluded from adjusted AHT")
                .contains("handle_time_s")
                .doesNotContain("adjusted_aht_s");
        assertThat(metrics)
                .as("other interactions completed during the demo count in adjusted AHT")
                .anySatisfy(
                        m ->
                                assertThat(m.path("metric_type").asText())
                                        .isEqualTo("adjusted_aht_s"));

        assertThat(rows(out, "late_events"))
                .as("the scripted straggler, delivered behind the watermark")
                .extracting(e -> e.path("session_id").asText())
                .containsExactly(runPrefix(alerts) + "-11-0");
        assertThat(rows(out, "session_quality")).isNotEmpty();
        assertThat(rows(out, "kpi_windows"))
                .as("event time runs 10× the wall clock: 5-minute KPI windows close in the run")
                .isNotEmpty()
                .anySatisfy(k -> assertThat(k.path("window_size").asText()).isEqualTo("PT5M"));

        String console = stdout.toString(StandardCharsets.UTF_8);
        Matcher synced = SYNCED.matcher(console);
        assertThat(synced.find()).as("the metric sync's final line").isTrue();
        Set<String> metricKeys = new HashSet<>();
        for (JsonNode m : metrics) {
            metricKeys.add(
                    m.path("interaction_id").asText() + "/" + m.path("metric_type").asText());
        }
        assertThat(Integer.parseInt(synced.group(5)))
                .as("the emulated platform holds every committed computed_metrics key")
                .isEqualTo(metricKeys.size());
        assertThat(Long.parseLong(synced.group(1))).isGreaterThanOrEqualTo(metricKeys.size());
        assertThat(Long.parseLong(synced.group(3))).as("the scripted 429").isEqualTo(1);
        assertThat(Long.parseLong(synced.group(4))).as("tokens").isPositive();

        Matcher webhook = WEBHOOK.matcher(console);
        assertThat(webhook.find()).as("the webhook act's final line").isTrue();
        Set<String> transitions = new HashSet<>();
        for (JsonNode t : rows(out, "webhook_outbox")) {
            transitions.add(t.path("incident_key").asText() + ":" + t.path("state").asText());
        }
        assertThat(transitions).as("the outbox holds the alert transitions").isNotEmpty();
        assertThat(Integer.parseInt(webhook.group(1)))
                .as("calls refused in the outage")
                .isPositive();
        assertThat(Integer.parseInt(webhook.group(2)))
                .as("transitions queued in the outbox when the endpoint came back")
                .isPositive();
        assertThat(Integer.parseInt(webhook.group(3)))
                .as("every transition delivered after the recovery")
                .isEqualTo(transitions.size());
        assertThat(Integer.parseInt(webhook.group(4))).as("left queued").isZero();
        assertThat(Integer.parseInt(webhook.group(5))).as("duplicates").isZero();
        List<JsonNode> calls = rows(out, "webhook_deliveries");
        assertThat(calls)
                .as("the worker recorded a call the endpoint refused with 503")
                .anySatisfy(
                        c -> {
                            assertThat(c.path("last_status").asInt()).isEqualTo(503);
                            assertThat(c.path("delivered_at").isNull()).isTrue();
                        });
        Set<String> delivered = new HashSet<>();
        for (JsonNode c : calls) {
            if (!c.path("delivered_at").isNull()) {
                delivered.add(c.path("incident_key").asText() + ":" + c.path("state").asText());
            }
        }
        assertThat(delivered)
                .as("webhook_deliveries: every transition delivered")
                .isEqualTo(transitions);

        List<Matcher> summaries = new ArrayList<>();
        for (String line : console.split("\n")) {
            Matcher m = SUMMARY.matcher(line);
            if (line.startsWith("cxq demo ") && m.find()) {
                summaries.add(m);
            }
        }
        assertThat(summaries)
                .as("summary lines with the event-time speed, events/s and active sessions")
                .anySatisfy(
                        m -> {
                            assertThat(m.group(1)).as("event-time speed").isEqualTo("10");
                            assertThat(Long.parseLong(m.group(2))).isPositive();
                            assertThat(Long.parseLong(m.group(3))).isPositive();
                        });
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void theDemoWritesToPostgres() throws Exception {
        try (PostgresTestDatabase db = new PostgresTestDatabase()) {
            int exit =
                    CxqMain.run(
                            demoArgs(
                                    FreePorts.freePort(),
                                    "30s",
                                    "--jdbc-url",
                                    db.url(),
                                    "--jdbc-user",
                                    PostgresTestDatabase.USER));
            assertThat(exit).isZero();
            assertThat(db.queryStrings("SELECT count(*) FROM webhook_outbox"))
                    .as("alert transitions in the outbox")
                    .isNotEqualTo(List.of("0"));
            assertThat(
                            db.queryStrings(
                                    "SELECT count(*) FROM webhook_outbox o WHERE NOT EXISTS"
                                            + " (SELECT 1 FROM webhook_deliveries d"
                                            + " WHERE d.incident_key = o.incident_key"
                                            + " AND d.state = o.state AND d.endpoint = 'demo-receiver'"
                                            + " AND d.delivered_at IS NOT NULL)"))
                    .as("every transition delivered to the demo's receiver after its outage")
                    .containsExactly("0");
            assertThat(
                            db.queryStrings(
                                    "SELECT sum(attempts) > count(*) FROM webhook_deliveries"
                                            + " WHERE endpoint = 'demo-receiver'"))
                    .as("calls refused during the outage are counted as attempts")
                    .containsExactly("t");
            assertThat(
                            db.queryStrings(
                                    "SELECT DISTINCT alert_type || '/' || severity FROM quality_alerts"))
                    .contains(
                            "degradation/high",
                            "degradation/critical",
                            "media_gap/warning",
                            "disconnected/warning");
            assertThat(
                            db.queryStrings(
                                    "SELECT DISTINCT metadata->>'status' FROM computed_metrics"
                                            + " WHERE metric_type = 'recording_status'"))
                    .contains("failed", "uploaded");
            assertThat(
                            Long.parseLong(
                                    db.queryStrings(
                                                    "SELECT count(*) FROM kpi_windows"
                                                            + " WHERE window_size = 'PT5M'")
                                            .get(0)))
                    .as("5-minute KPI windows closed during the run")
                    .isPositive();
            // The demo's event time starts behind the wall clock, so its input may still be
            // syncing (pipeline_status) at the last round; the sync then sends the backlog before
            // the syncing input's watermark and holds the rest back (docs/metric-sync.md).
            assertThat(db.queryStrings("SELECT count(*) FROM metric_sync_state"))
                    .as("the demo's metric sync sent rows")
                    .isNotEqualTo(List.of("0"));
            assertThat(
                            db.queryStrings(
                                    "SELECT count(*) FROM computed_metrics m WHERE NOT EXISTS"
                                            + " (SELECT 1 FROM metric_sync_state s"
                                            + " WHERE s.interaction_id = m.interaction_id"
                                            + " AND s.metric_type = m.metric_type"
                                            + " AND s.metric_version = m.metric_version"
                                            + " AND s.synced_row_version >= m.row_version)"
                                            + " AND m.timestamp_utc < coalesce((SELECT"
                                            + " min(watermark) FROM dashboard_pipeline_status"
                                            + " WHERE status = 'syncing'), 'infinity')"))
                    .as("every computed_metrics row before the syncing horizon was synced")
                    .containsExactly("0");
            assertThat(
                            db.queryStrings(
                                    "SELECT count(*) FROM metric_sync_log WHERE http_status = 429"))
                    .containsExactly("1");
        }
    }

    private String[] demoArgs(int port, String duration, String... output) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--demo",
                                "--duration",
                                duration,
                                "--demo-sessions",
                                "400",
                                "--web-ui-port",
                                String.valueOf(port),
                                "--checkpoint-dir",
                                dir.resolve("checkpoints").toString(),
                                "--restart-attempts",
                                "0"));
        args.addAll(List.of(output));
        return args.toArray(String[]::new);
    }

    /** Polls {@code /jobs/overview} until it lists a running job; fails if the demo exits first. */
    private static JsonNode awaitRunningDemoJob(int port, CompletableFuture<Integer> exit)
            throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request =
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/jobs/overview"))
                        .timeout(Duration.ofSeconds(5))
                        .build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            assertThat(exit).as("the demo ended before its job was seen running").isNotDone();
            try {
                HttpResponse<String> response =
                        http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    for (JsonNode job : MAPPER.readTree(response.body()).path("jobs")) {
                        if (job.path("state").asText().equals("RUNNING")) {
                            return job;
                        }
                    }
                }
            } catch (IOException e) {
                // The cluster is still starting.
            }
            try {
                // Paces the polls; returns early if the demo exits (then the assertion fails).
                exit.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // Still running: poll again.
            }
        }
        throw new AssertionError("no running job on /jobs/overview within 60 s");
    }

    private static List<JsonNode> rows(Path out, String table) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        Path tableDir = out.resolve(table);
        if (!Files.isDirectory(tableDir)) {
            return rows;
        }
        try (Stream<Path> files = Files.list(tableDir)) {
            // Finished part files only: hidden in-progress files hold uncommitted rows.
            for (Path file :
                    files.filter(f -> f.getFileName().toString().startsWith("part-"))
                            .sorted()
                            .toList()) {
                for (String line : Files.readAllLines(file)) {
                    if (!line.isBlank()) {
                        rows.add(MAPPER.readTree(line));
                    }
                }
            }
        }
        return rows;
    }

    /** The recording statuses written for the scripted session ending in {@code suffix}. */
    private static List<String> statuses(List<JsonNode> metrics, String suffix) {
        return metrics.stream()
                .filter(m -> m.path("interaction_id").asText().endsWith(suffix))
                .filter(m -> m.path("metric_type").asText().equals("recording_status"))
                .map(m -> m.path("metadata").path("status").asText())
                .toList();
    }

    private static Set<String> types(List<JsonNode> metrics, String suffix) {
        Set<String> types = new HashSet<>();
        metrics.stream()
                .filter(m -> m.path("interaction_id").asText().endsWith(suffix))
                .forEach(m -> types.add(m.path("metric_type").asText()));
        return types;
    }

    /** {@code demo-<run tag>}: session ids carry the run's origin, read from the run's rows. */
    private static String runPrefix(List<JsonNode> alerts) {
        String session = alerts.get(0).path("session_id").asText();
        return session.substring(0, session.indexOf('-', "demo-".length()));
    }

    /** Writes to the console and keeps a copy for the assertions. */
    private static final class Tee extends OutputStream {
        private final OutputStream console;
        private final OutputStream copy;

        Tee(OutputStream console, OutputStream copy) {
            this.console = console;
            this.copy = copy;
        }

        @Override
        public void write(int b) throws IOException {
            console.write(b);
            copy.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            console.write(b, off, len);
            copy.write(b, off, len);
        }
    }
}
