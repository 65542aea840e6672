package dev.cxq.job.demo;

import dev.cxq.job.db.PostgresConnection;
import dev.cxq.job.http.RateLimit;
import dev.cxq.job.metricsync.JsonLinesMetricStore;
import dev.cxq.job.metricsync.MetricSync;
import dev.cxq.job.metricsync.MetricSyncPlatform;
import dev.cxq.job.metricsync.MetricSyncReport;
import dev.cxq.job.metricsync.MetricSyncSettings;
import dev.cxq.job.secret.SecretRef;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The demo's metric sync: every {@link #ROUND}, on a thread of its own, the real {@link MetricSync}
 * pushes the {@code computed_metrics} rows committed so far to an in-process Genesys Cloud emulator
 * ({@link MetricPlatformEmulator}), as a scheduled {@code --metric-sync genesys} run would: OAuth
 * tokens (living {@link #TOKEN_LIFETIME}, so several are obtained), the tenant's request budget,
 * batches of 100, and one scripted 429, whose {@code Retry-After} the sync waits out. The rows are
 * read where the demo writes them: the JSON Lines output (the newest {@code row_version} of each
 * key) or PostgreSQL.
 */
public final class DemoMetricSync implements AutoCloseable {

    /** How often a sync round starts (after the previous one caught up). */
    static final Duration ROUND = Duration.ofSeconds(5);

    /** How long the end of the demo waits for a round in progress. */
    static final Duration FINISH_WAIT = Duration.ofMinutes(3);

    static final Duration TOKEN_LIFETIME = Duration.ofSeconds(20);

    /** The emulated tenant's limit, which the sync's budget keeps to. */
    static final RateLimit TENANT_LIMIT = new RateLimit(600, Duration.ofMinutes(1));

    /** The data request answered 429 by the scripted act "the tenant's limit is hit once". */
    static final int THROTTLED_REQUEST = 2;

    private static final Logger LOG = LoggerFactory.getLogger(DemoMetricSync.class);

    /**
     * Where the demo's {@code computed_metrics} are: exactly one of a database and a directory.
     *
     * @param metricVersion the metric version the job writes, the one synced
     */
    public record Source(PostgresConnection database, Path outputDir, int metricVersion) {}

    private final Source source;
    private final MetricPlatformEmulator emulator;
    private final MetricSync sync;
    private final JsonLinesMetricStore files;
    private final ScheduledExecutorService rounds =
            Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread thread = new Thread(r, "cxq-demo-metric-sync");
                        thread.setDaemon(true);
                        return thread;
                    });
    private volatile String failure;

    DemoMetricSync(Source source) throws IOException {
        this.source = source;
        this.emulator =
                new MetricPlatformEmulator(
                        MetricSyncPlatform.GENESYS,
                        MetricSyncPlatform.GENESYS.defaultPath(),
                        TENANT_LIMIT.requests(),
                        TENANT_LIMIT.window(),
                        TOKEN_LIFETIME,
                        Integer.MAX_VALUE,
                        System::currentTimeMillis);
        emulator.script(THROTTLED_REQUEST, 429);
        MetricSyncSettings settings =
                new MetricSyncSettings(
                        MetricSyncPlatform.GENESYS,
                        emulator.baseUrl(),
                        MetricSyncPlatform.GENESYS.defaultPath(),
                        emulator.tokenUrl(),
                        MetricPlatformEmulator.CLIENT_ID,
                        SecretRef.heldByThisProcess(MetricPlatformEmulator.CLIENT_SECRET),
                        MetricSyncPlatform.GENESYS.maxBatch(),
                        TENANT_LIMIT,
                        List.of(),
                        source.metricVersion(),
                        8,
                        Duration.ofSeconds(5),
                        5,
                        Duration.ofSeconds(10));
        this.sync = new MetricSync(settings);
        this.files =
                source.database() == null
                        ? new JsonLinesMetricStore(source.outputDir(), settings)
                        : null;
    }

    /** Starts the rounds. */
    void start() {
        rounds.scheduleWithFixedDelay(
                this::roundLogged, ROUND.toMillis(), ROUND.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Stops the rounds, then runs a last one, for the rows the job committed at its end; returns
     * what was synced over the demo. A round still sending when the job stopped is waited for (it
     * ends once it has sent what was committed, or its batch has used its attempts) up to {@link
     * #FINISH_WAIT}; then the demo ends without the last round, saying so.
     */
    MetricSyncReport finish() throws Exception {
        rounds.shutdown();
        if (rounds.awaitTermination(FINISH_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            round();
        } else {
            rounds.shutdownNow();
            failure = "still sending after " + FINISH_WAIT.toMinutes() + " min, stopped";
        }
        return sync.report();
    }

    /** What was synced so far; the last round's failure if it failed. */
    String summary() {
        MetricSyncReport r = sync.report();
        String line =
                String.format(
                        "%d rows (%d requests, %d × 429, %d tokens)",
                        r.rows(), r.requests(), r.throttled(), r.tokensObtained());
        String failed = failure;
        return failed == null ? line : line + ", last round failed: " + failed;
    }

    /** The records the emulated platform holds (one per key, newest version). */
    int recordsOnPlatform() {
        return emulator.store.size();
    }

    String endpoint() {
        return emulator.baseUrl().toString();
    }

    private void roundLogged() {
        try {
            round();
            failure = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // The next round retries: rows stay pending until the platform accepted them.
            failure = e.getMessage();
            LOG.warn("Demo metric sync round failed", e);
        }
    }

    private void round() throws Exception {
        if (files != null) {
            sync.run(files);
        } else {
            sync.run(source.database());
        }
    }

    @Override
    public void close() {
        rounds.shutdownNow();
        emulator.close();
    }
}
