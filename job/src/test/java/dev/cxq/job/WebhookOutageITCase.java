package dev.cxq.job;

import dev.cxq.job.cli.CxqMain;
import dev.cxq.job.cli.Defaults;
import dev.cxq.job.db.PostgresConnection;
import dev.cxq.job.sink.JdbcSinks;
import dev.cxq.job.sink.webhook.WebhookDeliveries;
import dev.cxq.job.sink.webhook.WebhookDeliveries.EndpointReport;
import dev.cxq.job.sink.webhook.WebhookSettings;
import dev.cxq.job.testing.FreePorts;
import dev.cxq.job.testing.PostgresTestDatabase;
import dev.cxq.job.testing.ReplayInputs;
import dev.cxq.job.testing.WebhookReceiver;
import dev.cxq.udf.model.RawRecord;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CheckpointStatsStatus;
import org.apache.flink.runtime.checkpoint.FailedCheckpointStats;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15: the webhook endpoint refuses connections for the whole of a stream of 100,000+ events
 * covering more than two hours of event time (thousands of alert transitions), then comes back. The
 * job and a delivery worker run as a local run does (the worker beside the job, production webhook
 * defaults), in streaming mode with checkpoints every second. While the endpoint is down the tables
 * keep the lag they have without any webhook (a second run of the same stream without one is the
 * baseline), checkpoints keep completing and the bounded stream finishes; after the recovery every
 * transition is delivered once, oldest first.
 */
class WebhookOutageITCase {

    private static final int SESSIONS = 1000;
    private static final int SAMPLES = 100;

    /** How long the rate-limited stream lasts (wall clock). */
    private static final Duration STREAM = Duration.ofSeconds(30);

    /** The newest event time the source has emitted, in this JVM (the MiniCluster's). */
    private static final AtomicLong SOURCE_EVENT_TIME = new AtomicLong();

    private static final Pattern TS = Pattern.compile("\"ts\":\"([^\"]+)\"");

    /** The event-time progress of each table: its newest row's time. */
    private static final Map<String, String> PROGRESS =
            Map.of(
                    "quality_alerts",
                            "SELECT max(coalesce(resolved_at, fired_at)) FROM quality_alerts",
                    "computed_metrics", "SELECT max(timestamp_utc) FROM computed_metrics",
                    "kpi_windows", "SELECT max(window_end) FROM kpi_windows");

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .setConfiguration(checkpointHistory())
                            .build());

    @TempDir Path dir;

    private static Configuration checkpointHistory() {
        Configuration conf = new Configuration();
        // Every checkpoint of the run stays in the statistics.
        conf.set(WebOptions.CHECKPOINTS_HISTORY_SIZE, 10_000);
        return conf;
    }

    /** What one run of the stream measured. */
    private record Run(
            Map<String, Long> maxLagMs,
            long completedCheckpoints,
            List<String> failedCheckpoints) {}

    @Test
    void aLongOutageCostsTheTablesNothingAndItsQueueDrainsOnceInOrder(
            @InjectMiniCluster MiniCluster miniCluster) throws Exception {
        Path input = ReplayInputs.writeOrderedStream(dir, SESSIONS, SAMPLES);
        List<String> lines = Files.readAllLines(input).stream().filter(l -> !l.isBlank()).toList();
        assertThat(lines).hasSizeGreaterThan(100_000);
        int port = FreePorts.freePort();
        String url = WebhookReceiver.url(port);

        Run baseline;
        try (PostgresTestDatabase db = new PostgresTestDatabase()) {
            db.migrate();
            baseline = run(miniCluster, lines, db, WebhookSettings.none());
        }

        try (PostgresTestDatabase db = new PostgresTestDatabase()) {
            db.migrate();
            WebhookSettings webhooks = main(url).webhookSettings(Map.of());
            PostgresConnection database = connection(db);
            WebhookDeliveries worker = WebhookDeliveries.of(webhooks, database);
            worker.start();
            Run outage = run(miniCluster, lines, db, webhooks);

            // The bounded stream has finished with the endpoint still down: all queued.
            Set<String> transitions = db.alertTransitionKeys();
            assertThat(transitions).hasSizeGreaterThan(2000);
            assertThat(db.queryLong("SELECT count(*) FROM webhook_outbox"))
                    .isEqualTo(transitions.size());
            long eventHours =
                    db.queryLong(
                            "SELECT extract(epoch FROM max(event_time) - min(event_time)) / 3600"
                                    + " FROM webhook_outbox");
            assertThat(eventHours).isGreaterThanOrEqualTo(2);
            long headCalls =
                    db.queryLong("SELECT coalesce(sum(attempts), 0) FROM webhook_deliveries");
            System.out.printf(
                    "Webhook outage, during: %d transitions queued over %.1f h of event time,"
                            + " %d calls made while the endpoint was down; max lag (ms) %s,"
                            + " without webhooks %s; checkpoints %d completed, failed %s"
                            + " (without webhooks %d completed, failed %s)%n",
                    transitions.size(),
                    hours(db),
                    headCalls,
                    outage.maxLagMs(),
                    baseline.maxLagMs(),
                    outage.completedCheckpoints(),
                    outage.failedCheckpoints(),
                    baseline.completedCheckpoints(),
                    baseline.failedCheckpoints());
            // The tables kept their lag, checkpoints kept completing (as often as without webhooks;
            // on a loaded machine a few fail in both runs, declined by tasks that had finished).
            for (String table : PROGRESS.keySet()) {
                assertThat(outage.maxLagMs().get(table))
                        .as("max lag of %s during the outage (baseline %s)", table, baseline)
                        .isLessThan(baseline.maxLagMs().get(table) + 10_000);
            }
            assertThat(outage.completedCheckpoints()).isGreaterThan(20);
            assertThat(duringTheStream(outage.failedCheckpoints()).size())
                    .as("failed checkpoints %s (baseline %s)", outage, baseline)
                    .isLessThanOrEqualTo(duringTheStream(baseline.failedCheckpoints()).size() + 2);

            long recovered = System.nanoTime();
            List<EndpointReport> reports;
            try (WebhookReceiver receiver = WebhookReceiver.start(port)) {
                await(
                        () -> queued(db) == 0,
                        Duration.ofMinutes(5),
                        "the queue to drain after the recovery");
                long drainMs = (System.nanoTime() - recovered) / 1_000_000;
                reports = worker.finish();

                List<String> received = receiver.received();
                long duplicates = received.size() - Set.copyOf(received).size();
                assertThat(duplicates).isZero();
                assertThat(Set.copyOf(received)).isEqualTo(transitions);
                assertThat(received).containsExactlyElementsOf(db.outboxOldestFirst());
                System.out.printf(
                        "Webhook outage, after: %d events over %d s; drained %d ms after the"
                                + " endpoint came back, %d duplicates; %s%n",
                        lines.size(),
                        STREAM.toSeconds(),
                        drainMs,
                        duplicates,
                        WebhookDeliveries.describe(reports));
            }
        }
    }

    /**
     * Runs the stream into {@code db} and measures, every 250 ms until it has finished, how far
     * behind the source each table is: the wall time since the source emitted the event time of the
     * table's newest row.
     */
    private Run run(
            MiniCluster miniCluster,
            List<String> lines,
            PostgresTestDatabase db,
            WebhookSettings webhooks)
            throws Exception {
        SOURCE_EVENT_TIME.set(0);
        CxqMain main = main(null);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        main.flinkConfiguration(RuntimeExecutionMode.STREAMING));
        new CxqPipeline(
                        rateLimited(lines),
                        new JdbcSinks(connection(db), 1),
                        Defaults.pipelineSettings(),
                        webhooks)
                .build(env);
        JobClient job = env.executeAsync("cxq webhook outage");
        JobID jobId = job.getJobID();

        // Wall time at which the source first reached each event time polled.
        List<long[]> sourceProgress = new ArrayList<>();
        Map<String, Long> maxLag = new LinkedHashMap<>();
        PROGRESS.keySet().forEach(table -> maxLag.put(table, 0L));
        try (Connection c = db.connect();
                Statement st = c.createStatement()) {
            while (!job.getJobStatus().get().isGloballyTerminalState()) {
                long now = System.currentTimeMillis();
                sourceProgress.add(new long[] {now, SOURCE_EVENT_TIME.get()});
                for (Map.Entry<String, String> table : PROGRESS.entrySet()) {
                    try (ResultSet rs = st.executeQuery(table.getValue())) {
                        rs.next();
                        Timestamp newest = rs.getTimestamp(1);
                        if (newest != null) {
                            long lag = now - reachedAt(sourceProgress, newest.getTime());
                            maxLag.merge(table.getKey(), lag, Math::max);
                        }
                    }
                }
                Thread.sleep(250);
            }
        }
        job.getJobExecutionResult().get();
        CheckpointStatsSnapshot stats =
                miniCluster.getExecutionGraph(jobId).get().getCheckpointStatsSnapshot();
        return new Run(
                maxLag,
                stats.getHistory().getCheckpoints().stream()
                        .filter(cp -> cp.getStatus() == CheckpointStatsStatus.COMPLETED)
                        .count(),
                stats.getHistory().getCheckpoints().stream()
                        .filter(cp -> cp.getStatus() == CheckpointStatsStatus.FAILED)
                        .map(WebhookOutageITCase::describe)
                        .toList());
    }

    /**
     * The failed checkpoints a stalled stream would cause: a bounded job's last checkpoints are
     * declined by tasks that are closing or have finished, however the webhooks fare, and how many
     * depends only on the machine's timing.
     */
    private static List<String> duringTheStream(List<String> failedCheckpoints) {
        return failedCheckpoints.stream()
                .filter(cp -> !cp.contains("task is closing"))
                .filter(cp -> !cp.contains("input stream is finished"))
                .filter(cp -> !cp.contains("Not all required tasks are currently running"))
                .toList();
    }

    private static String describe(AbstractCheckpointStats checkpoint) {
        String why = checkpoint instanceof FailedCheckpointStats f ? f.getFailureMessage() : "";
        return "chk-" + checkpoint.getCheckpointId() + " (" + why + ")";
    }

    /** The first poll's wall time at which the source had emitted {@code eventTime}. */
    private static long reachedAt(List<long[]> sourceProgress, long eventTime) {
        for (long[] poll : sourceProgress) {
            if (poll[1] >= eventTime) {
                return poll[0];
            }
        }
        return sourceProgress.get(sourceProgress.size() - 1)[0];
    }

    private static long queued(PostgresTestDatabase db) {
        try {
            return db.queryLong(
                    "SELECT count(*) FROM webhook_outbox o WHERE NOT EXISTS (SELECT 1 FROM"
                            + " webhook_deliveries d WHERE d.incident_key = o.incident_key"
                            + " AND d.state = o.state AND d.delivered_at IS NOT NULL)");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static double hours(PostgresTestDatabase db) throws Exception {
        try (Connection c = db.connect();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT extract(epoch FROM max(event_time) - min(event_time))"
                                        + " FROM webhook_outbox")) {
            rs.next();
            return rs.getDouble(1) / 3600;
        }
    }

    private static PostgresConnection connection(PostgresTestDatabase db) {
        return PostgresConnection.of(db.url(), PostgresTestDatabase.USER, null);
    }

    /**
     * The lines in order at a fixed rate over {@link #STREAM}, recording the newest event time
     * emitted. The generator splits the index range into one contiguous half per subtask; taking
     * every other line in each half keeps the two subtasks' events interleaved in event time.
     */
    private static DataGeneratorSource<RawRecord> rateLimited(List<String> lines) {
        List<String> events = new ArrayList<>(lines.subList(0, lines.size() / 2 * 2));
        int half = events.size() / 2;
        return new DataGeneratorSource<>(
                index -> {
                    int i = index.intValue();
                    int line = i < half ? 2 * i : 2 * (i - half) + 1;
                    String event = events.get(line);
                    Matcher ts = TS.matcher(event);
                    if (ts.find()) {
                        try {
                            long millis = Instant.parse(ts.group(1)).toEpochMilli();
                            SOURCE_EVENT_TIME.accumulateAndGet(millis, Math::max);
                        } catch (DateTimeParseException invalid) {
                            // One of the bad lines: the job rejects it, it has no event time.
                        }
                    }
                    return new RawRecord("outage-stream:" + line, event);
                },
                events.size(),
                RateLimiterStrategy.perSecond((double) events.size() / STREAM.toSeconds()),
                TypeInformation.of(RawRecord.class));
    }

    /** The production configuration, streaming, checkpoints every second. */
    private CxqMain main(String url) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--input",
                                dir.toString(),
                                "--execution-mode",
                                "streaming",
                                "--parallelism",
                                "2",
                                "--checkpoint-interval",
                                "1s",
                                "--checkpoint-dir",
                                dir.resolve("checkpoints").toString()));
        if (url != null) {
            args.addAll(List.of("--webhook-url", url));
        }
        CxqMain main = new CxqMain();
        new CommandLine(main).parseArgs(args.toArray(String[]::new));
        return main;
    }

    private static void await(BooleanSupplier condition, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
