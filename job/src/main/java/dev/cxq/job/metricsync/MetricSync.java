package dev.cxq.job.metricsync;

import dev.cxq.job.db.PostgresConnection;
import dev.cxq.job.delivery.DeliveryLoop;
import dev.cxq.job.delivery.DeliveryLoop.Verdict;
import dev.cxq.job.http.Backoff;
import dev.cxq.job.http.CircuitBreaker;
import dev.cxq.job.http.ClientCredentialsToken;
import dev.cxq.job.http.RequestBudget;
import dev.cxq.job.metricsync.MetricStore.SyncCall;
import dev.cxq.job.metricsync.MetricStore.SyncHorizon;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The metric delivery worker ({@code --metric-sync}): a process of its own, apart from the Flink
 * job, that reads the metric store and pushes to one platform endpoint every selected row it lacks
 * in its current version, batch by batch, oldest first, until none is left; then it returns. While
 * an input of the job is {@code syncing} ({@code pipeline_status}), it sends only the backlog, the
 * rows before the syncing inputs' lowest watermark, and leaves the newer rows to a later run.
 *
 * <p>Guarantee: at least once per row version. A batch is marked synced only after the platform
 * accepted it, so a crash re-sends it; both platforms upsert by the row's key, so a re-sent or
 * newer version overwrites. Every call is within the tenant's {@linkplain RequestBudget request
 * budget}; 429 (after its {@code Retry-After}), 5xx and I/O errors are retried with exponential
 * backoff; 5xx and I/O errors count towards the {@linkplain CircuitBreaker circuit breaker}, which,
 * once open, lets one probe call through per open period. A 401 gets one fresh token. Any other 4xx
 * (a batch refused as too large or malformed), or a batch failing {@code maxAttempts} times, ends
 * the run with its rows still pending. The order, the breaker and the backoff are the {@link
 * DeliveryLoop} the alert webhooks use too; a unit here is a batch.
 */
public final class MetricSync {

    private static final Logger LOG = LoggerFactory.getLogger(MetricSync.class);
    private static final Set<Integer> TRANSIENT = Set.of(429, 500, 502, 503, 504);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final MetricSyncSettings settings;
    private final ClientCredentialsToken token;
    private final RequestBudget budget;
    private final Backoff backoff;
    private final DeliveryLoop<Batch> loop;
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    // Written by the run's thread only; volatile for report() from another thread (the demo).
    private volatile long requests;
    private volatile long batches;
    private volatile long rows;
    private volatile long throttled;
    private volatile long tokensObtained;

    /** Rows the last run left for a later one because inputs were syncing. */
    private volatile long heldBack;

    public MetricSync(MetricSyncSettings settings) {
        this.settings = settings;
        this.token =
                new ClientCredentialsToken(
                        settings.tokenUrl(),
                        settings.clientId(),
                        settings.clientSecret().read(),
                        System::currentTimeMillis);
        // One worker per endpoint: it has the whole budget.
        this.budget =
                new RequestBudget(
                        settings.rateLimit().requests(), settings.rateLimit().window(), 1);
        this.backoff = new Backoff(Duration.ofMillis(200), settings.maxBackoff());
        this.loop =
                new DeliveryLoop<>(
                        settings.breakerFailures(),
                        settings.breakerOpen(),
                        backoff,
                        DeliveryLoop.UNTIL_SETTLED);
    }

    /** One request's rows, with what its calls share: the id in the log and the body. */
    private static final class Batch {
        final String id = UUID.randomUUID().toString();
        final List<MetricRow> rows;
        final String body;

        /** Whether a call of it already got a fresh token after a 401: once per batch. */
        boolean refreshedOn401;

        Batch(List<MetricRow> rows, MetricSyncPlatform platform) {
            this.rows = rows;
            this.body = platform.payload(rows, id);
        }
    }

    /** Sends every pending row of {@code computed_metrics} in PostgreSQL; returns what it took. */
    public MetricSyncReport run(PostgresConnection database) throws Exception {
        try (Connection connection = database.open()) {
            return run(new PostgresMetricStore(connection, settings));
        }
    }

    /**
     * Sends every row pending in {@code store}; returns what this sync has taken so far (over all
     * its runs: one instance keeps its token, budget and breaker from run to run).
     */
    public MetricSyncReport run(MetricStore store) throws Exception {
        long rowsBefore = rows;
        heldBack = 0;
        // Read again before each batch: the horizon moves as the syncing inputs catch up. The last
        // one read says what is held back.
        SyncHorizon[] horizon = new SyncHorizon[1];
        loop.drain(
                () -> {
                    horizon[0] = store.horizon();
                    List<MetricRow> pending = store.pending(settings.batchSize(), horizon[0]);
                    return pending.isEmpty()
                            ? List.of()
                            : List.of(new Batch(pending, settings.platform()));
                },
                (batch, attempt) -> call(batch, attempt, store));
        if (horizon[0] != null) {
            heldBack = store.heldBack(horizon[0]);
            LOG.info(
                    "Inputs {} are syncing: {} rows from {} on held back until they are live",
                    horizon[0].inputs(),
                    heldBack,
                    horizon[0].watermark());
        }
        MetricSyncReport report = report();
        if (rows > rowsBefore) {
            LOG.info("Metric sync to {} caught up: {}", settings.endpoint(), report);
        } else {
            // A run that found nothing pending (the demo runs every few seconds) is no news.
            LOG.debug("Metric sync to {}: nothing pending", settings.endpoint());
        }
        return report;
    }

    /** What this sync has taken so far; callable from any thread. */
    public MetricSyncReport report() {
        return new MetricSyncReport(requests, batches, rows, throttled, tokensObtained, heldBack);
    }

    /**
     * One call for {@code batch}, logged in the store; the batch is marked synced once accepted.
     */
    private Verdict call(Batch batch, int attempt, MetricStore store)
            throws SQLException, InterruptedException {
        HttpRequest request =
                HttpRequest.newBuilder(settings.endpointUrl())
                        .timeout(TIMEOUT)
                        .header("Authorization", "Bearer " + accessToken())
                        .header("Content-Type", "application/json")
                        .header("Accept", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(batch.body))
                        .build();
        budget.acquire();
        requests++;
        Instant started = Instant.now();
        Integer status = null;
        String retryAfter = null;
        String error;
        try {
            HttpResponse<String> response =
                    client.send(request, HttpResponse.BodyHandlers.ofString());
            status = response.statusCode();
            retryAfter = response.headers().firstValue("Retry-After").orElse(null);
            error = status / 100 == 2 ? null : "status " + status + ": " + excerpt(response);
        } catch (IOException e) {
            error = e.toString();
        }
        store.log(
                new SyncCall(batch.id, batch.rows, attempt, status, error, started, Instant.now()));
        if (error == null) {
            store.markSynced(batch.rows);
            batches++;
            rows += batch.rows.size();
            return Verdict.settled();
        }
        if (status != null && status == 401 && !batch.refreshedOn401) {
            // Expired or revoked before its announced lifetime: one fresh token.
            batch.refreshedOn401 = true;
            token.invalidate();
            return Verdict.again();
        }
        if (status != null && !TRANSIENT.contains(status)) {
            throw new MetricSyncException(
                    settings.endpoint() + " refused batch " + batch.id + " with " + error);
        }
        if (status != null && status == 429) {
            throttled++;
        }
        if (attempt >= settings.maxAttempts()) {
            throw new MetricSyncException(
                    "batch "
                            + batch.id
                            + " to "
                            + settings.endpoint()
                            + " failed "
                            + attempt
                            + " times, the last with "
                            + error);
        }
        LOG.info("Batch {}: {}, retrying", batch.id, error);
        // The endpoint answered below 500: it is up, whatever it said (this also ends a probe).
        return Verdict.retry(status != null && status < 500, retryAfter);
    }

    private String accessToken() throws InterruptedException {
        String current = token.current();
        if (current != null) {
            return current;
        }
        for (int attempt = 1; ; attempt++) {
            long requestedAt = System.currentTimeMillis();
            String failure;
            try {
                HttpResponse<String> response =
                        client.send(token.request(TIMEOUT), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    tokensObtained++;
                    return token.accept(response.body(), requestedAt);
                }
                if (!TRANSIENT.contains(response.statusCode())) {
                    // Credentials refused: retrying cannot help.
                    throw new MetricSyncException(
                            "the token endpoint "
                                    + token.tokenUrl()
                                    + " answered "
                                    + response.statusCode()
                                    + " for client "
                                    + settings.clientId());
                }
                failure = "status " + response.statusCode();
            } catch (IOException e) {
                failure = e.toString();
            }
            if (attempt >= settings.maxAttempts()) {
                throw new MetricSyncException(
                        "no token from "
                                + token.tokenUrl()
                                + " after "
                                + attempt
                                + " calls: "
                                + failure);
            }
            Thread.sleep(backoff.delayMs(attempt, null, System.currentTimeMillis()));
        }
    }

    private static String excerpt(HttpResponse<String> response) {
        String text = response.body() == null ? "" : response.body().strip();
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
