package dev.cxq.job.demo;

import dev.cxq.job.metricsync.MetricSyncReport;
import dev.cxq.job.sink.webhook.WebhookDeliveries;
import dev.cxq.job.sink.webhook.WebhookDeliveries.EndpointReport;
import dev.cxq.job.sink.webhook.WebhookEndpoint;
import dev.cxq.udf.model.RawRecord;
import dev.cxq.udf.rows.QualityAlert;

import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Runs the demo: the cxq topology on a local Flink cluster with its web UI, fed by the {@link
 * DemoSource} at the {@link DemoClock}'s speed, the {@link DemoMetricSync} beside it, and a webhook
 * delivery worker that drains the job's outbox to the {@link DemoWebhookReceiver}, through its
 * scripted outage. The client thread prints a one-line summary every interval, read from the
 * running job's metrics through the REST API, and what the metric sync and the webhook delivery
 * have done. After {@code duration} (if given) the job is stopped with a savepoint, without
 * draining: the sinks flush and commit at that savepoint, and the pending event-time timers do not
 * fire as if time had ended (no session is closed by the stop).
 */
public final class DemoRun {

    /** How long event time runs fast in a demo without a duration, before it follows the clock. */
    static final Duration FAST_FOR_WITHOUT_DURATION = Duration.ofMinutes(1);

    private static final Logger LOG = LoggerFactory.getLogger(DemoRun.class);
    private static final List<String> ALERT_TYPES =
            List.of(QualityAlert.DEGRADATION, QualityAlert.MEDIA_GAP, QualityAlert.DISCONNECTED);

    /** What the demo needs beyond the topology. */
    public record Settings(
            long seed,
            int sessions,
            int speed,
            Duration duration,
            int webUiPort,
            Duration summaryInterval) {}

    /** Builds the demo's topology on an environment. */
    public interface Topology {

        /**
         * @param source the demo's generated input
         * @param demoReceiver the demo's webhook endpoint, to which the job's outbox is delivered
         */
        void build(
                Source<RawRecord, ?, ?> source,
                WebhookEndpoint demoReceiver,
                StreamExecutionEnvironment env);
    }

    private final Settings settings;
    private final PrintStream out;

    public DemoRun(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    /**
     * Runs the demo until {@code duration} has passed (or forever without one) and returns the exit
     * code: 0 when the job was stopped cleanly, 1 when it failed.
     *
     * @param conf the streaming configuration (parallelism, checkpoints, restarts)
     * @param topology adds the topology to an environment
     * @param results where the rows go, for the messages
     * @param output where the job's {@code computed_metrics} and webhook outbox are, for the demo's
     *     metric sync and webhook delivery
     */
    public int run(
            Configuration conf, Topology topology, String results, DemoMetricSync.Source output)
            throws Exception {
        try (DemoMetricSync metricSync = new DemoMetricSync(output);
                DemoWebhookReceiver receiver = new DemoWebhookReceiver()) {
            WebhookDeliveries deliveries = receiver.deliveries(output);
            try {
                return run(conf, topology, results, metricSync, receiver, deliveries);
            } finally {
                // Stops the worker if the run ended before draining it (a failure).
                deliveries.finish();
            }
        }
    }

    private int run(
            Configuration conf,
            Topology topology,
            String results,
            DemoMetricSync metricSync,
            DemoWebhookReceiver receiver,
            WebhookDeliveries deliveries)
            throws Exception {
        Configuration demoConf = new Configuration(conf);
        demoConf.set(RestOptions.PORT, settings.webUiPort());
        // The REST endpoint caches task metrics (10 s by default): fresher figures for the summary.
        demoConf.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofSeconds(1));
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(demoConf);
        DemoClock clock =
                DemoClock.start(
                        System.currentTimeMillis(),
                        settings.speed(),
                        settings.duration() == null
                                ? FAST_FOR_WITHOUT_DURATION
                                : settings.duration());
        DemoScript script =
                new DemoScript(settings.seed(), settings.sessions(), clock.scriptOriginMs());
        topology.build(new DemoSource(script, clock), receiver.endpoint(), env);

        JobClient client = env.executeAsync("cxq demo");
        URI rest = URI.create("http://localhost:" + settings.webUiPort());
        out.printf(
                "cxq demo: %d sessions (seed %d), event time %d× the wall clock, job %s; Flink web"
                        + " UI on %s; results in %s; metrics synced to a Genesys Cloud emulator on"
                        + " %s; alert webhooks to a receiver on %s, down for %ds from the first"
                        + " call%n",
                settings.sessions(),
                settings.seed(),
                settings.speed(),
                client.getJobID(),
                rest,
                results,
                metricSync.endpoint(),
                receiver.endpoint().shownUrl(),
                DemoWebhookReceiver.OUTAGE.toSeconds());
        metricSync.start();
        deliveries.start();
        long start = System.nanoTime();
        Summary summary =
                new Summary(
                        new JobMetrics(rest, client.getJobID()),
                        clock,
                        metricSync,
                        new WebhookSummary(receiver, start));
        CompletableFuture<?> result = client.getJobExecutionResult();
        Long stopAt = settings.duration() == null ? null : start + settings.duration().toNanos();
        long interval = settings.summaryInterval().toNanos();
        long nextSummary = start + interval;
        // When the stop was asked for: the savepoint that follows takes its own time.
        long stoppedAt;
        try {
            while (true) {
                long until = stopAt == null ? nextSummary : Math.min(nextSummary, stopAt);
                try {
                    // Returns early only when the job ends by itself, i.e. when it failed.
                    result.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
                    out.println("cxq demo: the job ended by itself");
                    return 1;
                } catch (TimeoutException e) {
                    // Time for a summary, or to stop.
                }
                if (System.nanoTime() >= nextSummary) {
                    out.println(summary.line(System.nanoTime() - start));
                    nextSummary += interval;
                }
                if (stopAt != null && System.nanoTime() >= stopAt) {
                    break;
                }
            }
            stoppedAt = System.nanoTime();
            if (!stop(client)) {
                return 1;
            }
            result.get();
        } catch (ExecutionException e) {
            out.println("cxq demo: the job failed: " + e.getCause());
            LOG.error("The demo job failed", e);
            return 1;
        }
        out.printf(
                "cxq demo: stopped after %ds; results committed to %s%n",
                Duration.ofNanos(stoppedAt - start).toSeconds(), results);
        MetricSyncReport synced = metricSync.finish();
        out.printf(
                "cxq demo: metric sync %s; the emulated platform holds %d records%n",
                metricSync.summary(), metricSync.recordsOnPlatform());
        LOG.info("Demo metric sync: {}", synced);
        // The outage ends by itself, so the worker can deliver everything the job committed.
        List<EndpointReport> delivered = deliveries.drain();
        out.println("cxq demo: " + new WebhookSummary(receiver, start).result(delivered));
        return 0;
    }

    /**
     * Stop-with-savepoint (no drain): every sink flushes and commits with the savepoint. Returns
     * false, after cancelling the job, when the savepoint cannot be taken.
     */
    private boolean stop(JobClient client) throws Exception {
        Path savepoints = Files.createTempDirectory("cxq-demo-savepoint");
        try {
            String path =
                    client.stopWithSavepoint(
                                    false,
                                    savepoints.toUri().toString(),
                                    SavepointFormatType.CANONICAL)
                            .get(2, TimeUnit.MINUTES);
            LOG.info("Demo stopped with savepoint {}", path);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            out.println(
                    "cxq demo: could not stop with a savepoint ("
                            + e
                            + "); cancelling: rows since the last checkpoint are not committed");
            LOG.error("Stop with savepoint failed", e);
            client.cancel().get(1, TimeUnit.MINUTES);
            return false;
        } finally {
            // The savepoint is of no use afterwards: a new demo run starts a new script.
            deleteRecursively(savepoints);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** {@code m:ss} of an elapsed time. */
    private static String minutesSeconds(long nanos) {
        long seconds = Duration.ofNanos(Math.max(0, nanos)).toSeconds();
        return String.format("%d:%02d", seconds / 60, seconds % 60);
    }

    /**
     * The webhook act in words: the receiver's outage (demo time), the backlog the outbox held when
     * it came back, what it received, and any transition it received twice.
     */
    private record WebhookSummary(DemoWebhookReceiver receiver, long startNanos) {

        private String outage() {
            return String.format(
                    "endpoint down %s–%s (%d calls refused)",
                    minutesSeconds(receiver.downSince() - startNanos),
                    receiver.recoveredAt() == 0
                            ? ""
                            : minutesSeconds(receiver.recoveredAt() - startNanos),
                    receiver.refusedCalls());
        }

        /** For the summary line. */
        String progress() {
            if (receiver.downSince() == 0) {
                return "no transition yet";
            }
            if (receiver.recoveredAt() == 0) {
                return outage();
            }
            return receiver.delivered() + " delivered, " + outage();
        }

        /** For the last line, once the worker has drained the outbox. */
        String result(List<EndpointReport> reports) {
            if (receiver.downSince() == 0) {
                return "webhook: no alert transition reached the endpoint";
            }
            return String.format(
                    "webhook %s, %d transitions queued, %d delivered after recovery, %d left"
                            + " queued, %d duplicates",
                    outage(),
                    receiver.queuedAtRecovery(),
                    receiver.delivered(),
                    WebhookDeliveries.queued(reports),
                    receiver.duplicates());
        }
    }

    /** Formats the summary line from two consecutive metric snapshots. */
    private static final class Summary {

        /**
         * The event rate is taken over this much time: the REST endpoint's figures can be up to a
         * second old, which over a single short interval would make the rate jump.
         */
        private static final long RATE_WINDOW_NANOS = Duration.ofSeconds(10).toNanos();

        /** A watermark this close to the wall clock is live (the bound is 10 s). */
        private static final Duration LIVE = Duration.ofSeconds(30);

        private final JobMetrics metrics;
        private final DemoClock clock;
        private final DemoMetricSync metricSync;
        private final WebhookSummary webhook;

        /** Recent (elapsed nanos, events parsed) readings, oldest first. */
        private final ArrayDeque<long[]> readings = new ArrayDeque<>();

        Summary(
                JobMetrics metrics,
                DemoClock clock,
                DemoMetricSync metricSync,
                WebhookSummary webhook) {
            this.metrics = metrics;
            this.clock = clock;
            this.metricSync = metricSync;
            this.webhook = webhook;
        }

        /**
         * The speed event time is asked to run at: the demo's until the job's event time has caught
         * up with the wall clock (within {@link #LIVE}), 1 from then on.
         */
        private int speed(Long watermark) {
            boolean live =
                    watermark != null && watermark >= System.currentTimeMillis() - LIVE.toMillis();
            return live ? 1 : clock.speed();
        }

        /** Event time reached by the KPI windows, from the event time at the demo's start. */
        private String eventTime(Long watermark) {
            if (watermark == null) {
                return "-";
            }
            // Negative while the job still works through the history before the start.
            long seconds = (watermark - clock.eventStartMs()) / 1000;
            long abs = Math.abs(seconds);
            return String.format("%s%d:%02d", seconds < 0 ? "-" : "+", abs / 60, abs % 60);
        }

        private long[] secondOldest() {
            var it = readings.iterator();
            it.next();
            return it.next();
        }

        String line(long elapsedNanos) {
            String elapsed = minutesSeconds(elapsedNanos);
            JobMetrics.Snapshot now;
            try {
                now = metrics.poll();
            } catch (IOException e) {
                return "cxq demo " + elapsed + "  metrics unavailable: " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "cxq demo " + elapsed + "  interrupted";
            }
            if (now == null) {
                return "cxq demo " + elapsed + "  job starting";
            }
            // The base of the rate: the newest reading at least a window old, if any.
            while (readings.size() > 1 && elapsedNanos - secondOldest()[0] >= RATE_WINDOW_NANOS) {
                readings.removeFirst();
            }
            String rate = "-";
            if (!readings.isEmpty()) {
                long[] oldest = readings.peekFirst();
                double span = (elapsedNanos - oldest[0]) / 1e9;
                rate = String.valueOf(Math.round((now.eventsParsed() - oldest[1]) / span));
            }
            readings.addLast(new long[] {elapsedNanos, now.eventsParsed()});
            StringBuilder firing = new StringBuilder();
            long total = 0;
            for (String type : ALERT_TYPES) {
                long n = now.firing(type);
                total += n;
                firing.append(firing.isEmpty() ? "" : ", ").append(type).append(' ').append(n);
            }
            long fired = now.alertsFired().values().stream().mapToLong(Long::longValue).sum();
            long resolved = now.alertsResolved().values().stream().mapToLong(Long::longValue).sum();
            return String.format(
                    "cxq demo %s  event time %s (%d×)  events/s %s  events %d  active sessions %d"
                            + "  alerts firing %d (%s)  fired %d  resolved %d  kpi_windows rows %d"
                            + "  metric sync %s  webhook %s",
                    elapsed,
                    eventTime(now.watermark()),
                    speed(now.watermark()),
                    rate,
                    now.eventsParsed(),
                    now.activeSessions(),
                    total,
                    firing,
                    fired,
                    resolved,
                    now.kpiRows(),
                    metricSync.summary(),
                    webhook.progress());
        }
    }
}
