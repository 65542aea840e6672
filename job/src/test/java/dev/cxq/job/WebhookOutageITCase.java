package dev.cxq.job;

import dev.cxq.job.cli.CxqMain;
import dev.cxq.job.cli.Defaults;
import dev.cxq.job.db.PostgresConnection;
import dev.cxq.job.sink.JdbcSinks;
import dev.cxq.job.sink.webhook.WebhookEndpoint;
import dev.cxq.job.testing.PostgresTestDatabase;
import dev.cxq.job.testing.ReplayInputs;
import dev.cxq.udf.model.RawRecord;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
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

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook endpoint answers 503 for two minutes of event processing and then recovers: nothing
 * is lost and checkpoints keep completing. The job runs with the production defaults of the webhook
 * policy, in streaming mode with checkpoints every second, on a rate-limited stream that lasts well
 * beyond the outage.
 */
class WebhookOutageITCase {

    /** The outage: two minutes of wall clock from the first webhook call. */
    private static final Duration OUTAGE = Duration.ofMinutes(2);

    /** How long the rate-limited stream lasts: longer than the first alert plus the outage. */
    private static final Duration STREAM = Duration.ofSeconds(190);

    private static final int SESSIONS = 60;
    private static final int SAMPLES = 60;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .setConfiguration(checkpointHistory())
                            .build());

    @TempDir Path dir;

    private HttpServer server;
    private PostgresTestDatabase db;

    /** Wall-clock time of the first call, which starts the outage; 0 before it. */
    private final AtomicLong outageStart = new AtomicLong();

    /** Wall-clock time of the first call answered 2xx after the outage; 0 before it. */
    private final AtomicLong firstHealthy = new AtomicLong();

    private final AtomicInteger refused = new AtomicInteger();
    private final Set<String> refusedKeys = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> deliveredCalls = new ConcurrentHashMap<>();

    private static Configuration checkpointHistory() {
        Configuration conf = new Configuration();
        // Every checkpoint of the run stays in the statistics, so the outage window can be read.
        conf.set(WebOptions.CHECKPOINTS_HISTORY_SIZE, 10_000);
        return conf;
    }

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hooks/cxq", this::answer);
        server.start();
        db = new PostgresTestDatabase();
        db.migrate();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop(0);
        db.close();
    }

    /** 503 with {@code Retry-After: 1} until the outage has lasted {@link #OUTAGE}, then 200. */
    private void answer(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
        }
        String key = exchange.getRequestHeaders().getFirst(WebhookEndpoint.IDEMPOTENCY_HEADER);
        long now = System.currentTimeMillis();
        outageStart.compareAndSet(0, now);
        if (now < outageStart.get() + OUTAGE.toMillis()) {
            refused.incrementAndGet();
            refusedKeys.add(key);
            exchange.getResponseHeaders().add("Retry-After", "1");
            exchange.sendResponseHeaders(503, -1);
        } else {
            firstHealthy.compareAndSet(0, now);
            deliveredCalls.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
        }
        exchange.close();
    }

    @Test
    void aTwoMinuteOutageLosesNoTransitionAndCheckpointsKeepCompleting(
            @InjectMiniCluster MiniCluster miniCluster) throws Exception {
        Path file = dir.resolve("stream.jsonl");
        ReplayInputs.writeMixed(file, SESSIONS, SAMPLES);
        List<String> lines = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();

        StreamExecutionEnvironment env = environment();
        new CxqPipeline(
                        rateLimited(lines),
                        new JdbcSinks(
                                PostgresConnection.of(db.url(), PostgresTestDatabase.USER, null),
                                1),
                        Defaults.pipelineSettings(),
                        webhookSettings())
                .build(env);
        JobClient job = env.executeAsync("cxq webhook outage");
        JobID jobId = job.getJobID();

        await(() -> outageStart.get() != 0, Duration.ofSeconds(90), "the first webhook call");
        long start = outageStart.get();
        long end = start + OUTAGE.toMillis();
        int alertsAtOutageStart = alertRows();

        await(
                () -> firstHealthy.get() != 0,
                OUTAGE.plusSeconds(90),
                "a call answered 2xx after the outage");
        int alertsAtOutageEnd = alertRows();
        assertThat(job.getJobStatus().get())
                .as("the stream still runs when the endpoint recovers")
                .isEqualTo(JobStatus.RUNNING);
        CheckpointStatsSnapshot stats =
                miniCluster.getExecutionGraph(jobId).get().getCheckpointStatsSnapshot();
        long completedInOutage =
                stats.getHistory().getCheckpoints().stream()
                        .filter(c -> c.getStatus() == CheckpointStatsStatus.COMPLETED)
                        .filter(c -> c.getTriggerTimestamp() >= start)
                        .filter(c -> c.getLatestAckTimestamp() < end)
                        .count();
        List<String> failedInOutage =
                stats.getHistory().getCheckpoints().stream()
                        .filter(c -> c.getStatus() == CheckpointStatsStatus.FAILED)
                        .filter(c -> c.getTriggerTimestamp() >= start)
                        .filter(c -> c.getTriggerTimestamp() < end)
                        .map(WebhookOutageITCase::describe)
                        .toList();
        long slowest =
                stats.getHistory().getCheckpoints().stream()
                        .filter(c -> c.getTriggerTimestamp() >= start)
                        .filter(c -> c.getLatestAckTimestamp() < end)
                        .mapToLong(AbstractCheckpointStats::getEndToEndDuration)
                        .max()
                        .orElse(0);

        job.getJobExecutionResult().get();
        CheckpointStatsSnapshot finalStats =
                miniCluster.getExecutionGraph(jobId).get().getCheckpointStatsSnapshot();

        // The job kept processing events and producing alerts while the endpoint was down.
        assertThat(alertsAtOutageEnd).isGreaterThan(alertsAtOutageStart);
        assertThat(refused.get()).isPositive();
        // Checkpoints kept completing during the outage (one a second is configured); none of
        // those triggered in it failed.
        assertThat(completedInOutage)
                .as("checkpoints completed during the outage")
                .isGreaterThan(30);
        assertThat(failedInOutage).as("checkpoints failed during the outage").isEmpty();
        List<String> failed =
                finalStats.getHistory().getCheckpoints().stream()
                        .filter(c -> c.getStatus() == CheckpointStatsStatus.FAILED)
                        .map(WebhookOutageITCase::describe)
                        .toList();

        // Nothing lost: every transition of quality_alerts reached the endpoint after the outage.
        Set<String> expected = db.alertTransitionKeys();
        assertThat(expected).isNotEmpty();
        assertThat(deliveredCalls.keySet()).isEqualTo(expected);
        assertThat(refusedKeys).isSubsetOf(expected);
        List<String> deliveries = db.rows("webhook_deliveries", Set.of("endpoint"));
        assertThat(deliveries).hasSize(expected.size());
        assertThat(deliveries)
                .allSatisfy(
                        row ->
                                assertThat(row)
                                        .contains("last_status=200")
                                        .doesNotContain("delivered_at=null"));

        long attempts = db.queryLong("SELECT sum(attempts) FROM webhook_deliveries");
        long maxAttempts = db.queryLong("SELECT max(attempts) FROM webhook_deliveries");
        int delivered = deliveredCalls.values().stream().mapToInt(AtomicInteger::get).sum();
        System.out.printf(
                "Webhook outage: %d events over %d s, endpoint down %d s from the first call;"
                        + " %d checkpoints completed during the outage (slowest %d ms), %d in all,"
                        + " none of the outage failed; in the whole run %d failed (%d of them pending: %s); quality_alerts rows %d -> %d during the outage;"
                        + " %d transitions expected, all delivered (%d 2xx calls); %d calls"
                        + " answered 503 for %d transitions; webhook_deliveries: %d attempts in"
                        + " all, at most %d for one transition; recovered %d ms after the"
                        + " outage%n",
                lines.size(),
                STREAM.toSeconds(),
                OUTAGE.toSeconds(),
                completedInOutage,
                slowest,
                finalStats.getCounts().getNumberOfCompletedCheckpoints(),
                finalStats.getCounts().getNumberOfFailedCheckpoints(),
                failed.size(),
                failed,
                alertsAtOutageStart,
                alertsAtOutageEnd,
                expected.size(),
                delivered,
                refused.get(),
                refusedKeys.size(),
                attempts,
                maxAttempts,
                firstHealthy.get() - end);
    }

    private static String describe(AbstractCheckpointStats checkpoint) {
        String why = checkpoint instanceof FailedCheckpointStats f ? f.getFailureMessage() : "";
        return "chk-" + checkpoint.getCheckpointId() + " (" + why + ")";
    }

    /**
     * The lines in order at a fixed rate over {@link #STREAM}. The generator splits the index range
     * into one contiguous half per subtask; taking every other line in each half keeps the two
     * subtasks' events interleaved in event time.
     */
    private static DataGeneratorSource<RawRecord> rateLimited(List<String> lines) {
        List<String> events = new ArrayList<>(lines.subList(0, lines.size() / 2 * 2));
        int half = events.size() / 2;
        return new DataGeneratorSource<>(
                index -> {
                    int i = index.intValue();
                    int line = i < half ? 2 * i : 2 * (i - half) + 1;
                    return new RawRecord("outage-stream:" + line, events.get(line));
                },
                events.size(),
                RateLimiterStrategy.perSecond((double) events.size() / STREAM.toSeconds()),
                TypeInformation.of(RawRecord.class));
    }

    /** The production checkpoint and restart configuration, checkpoints every second. */
    private StreamExecutionEnvironment environment() {
        CxqMain main = mainWithArgs();
        Configuration conf = main.flinkConfiguration(RuntimeExecutionMode.STREAMING);
        return StreamExecutionEnvironment.getExecutionEnvironment(conf);
    }

    private dev.cxq.job.sink.webhook.WebhookSettings webhookSettings() {
        return mainWithArgs().webhookSettings(Map.of());
    }

    private CxqMain mainWithArgs() {
        CxqMain main = new CxqMain();
        new CommandLine(main)
                .parseArgs(
                        "--input",
                        dir.toString(),
                        "--execution-mode",
                        "streaming",
                        "--parallelism",
                        "2",
                        "--checkpoint-interval",
                        "1s",
                        "--checkpoint-dir",
                        dir.resolve("checkpoints").toString(),
                        "--webhook-url",
                        "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/cxq");
        return main;
    }

    private int alertRows() throws Exception {
        try (Connection c = db.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM quality_alerts")) {
            rs.next();
            return rs.getInt(1);
        }
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
