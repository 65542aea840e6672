package dev.cxq.job.sink.webhook;

import dev.cxq.job.db.PostgresConnection;
import dev.cxq.job.delivery.DeliveryLoop;
import dev.cxq.job.http.PrometheusEndpoint;
import dev.cxq.job.sink.webhook.Outbox.Backlog;
import dev.cxq.job.sink.webhook.WebhookDelivery.Pass;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * The delivery workers of all endpoints: one thread each, draining the webhook outbox. Outside any
 * Flink operator, so an endpoint that is down costs the job nothing; the job only writes the
 * outbox.
 *
 * <p>Runs either in the foreground ({@code --deliver}: {@link #run}) or beside a local job ({@link
 * #start}, then {@link #finish} when the job has ended: one last pass that stops at an endpoint
 * that is down, leaving its transitions queued; or {@link #drain}, which waits for every endpoint,
 * as the demo does for its own receiver, whose outage is scripted to end).
 */
public final class WebhookDeliveries {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookDeliveries.class);

    /** The outbox the job writes ({@code CxqTables.WEBHOOK_OUTBOX}). */
    public static final String OUTBOX_TABLE = "webhook_outbox";

    /** Where each endpoint's outcomes are recorded. */
    public static final String DELIVERIES_TABLE = "webhook_deliveries";

    /** What one endpoint's worker did, and what it left queued. */
    public record EndpointReport(
            String endpoint, long delivered, long refused, long failedCalls, long queued) {

        @Override
        public String toString() {
            return String.format(
                    "%s: %d delivered, %d refused, %d failed calls, %d queued",
                    endpoint, delivered, refused, failedCalls, queued);
        }
    }

    private final List<WebhookDelivery> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final WebhookDeliveryOptions options;
    private final Function<String, Outbox> outboxes;
    private final Object signal = new Object();
    private volatile boolean finishing;
    private volatile boolean draining;
    private final List<EndpointReport> reports = new ArrayList<>();

    private WebhookDeliveries(WebhookSettings settings, Function<String, Outbox> outboxes) {
        this.options = settings.options();
        this.outboxes = outboxes;
        DeliveryLoop.Pause pause = new Control();
        for (WebhookEndpoint endpoint : settings.endpoints()) {
            workers.add(
                    new WebhookDelivery(endpoint, options, outboxes.apply(endpoint.id()), pause));
        }
    }

    /** Workers on the PostgreSQL outbox. */
    public static WebhookDeliveries of(WebhookSettings settings, PostgresConnection database) {
        return new WebhookDeliveries(settings, id -> new JdbcOutbox(database, id));
    }

    /** Workers on the outbox files under {@code outputDir}. */
    public static WebhookDeliveries of(WebhookSettings settings, Path outputDir) {
        return new WebhookDeliveries(
                settings,
                id -> {
                    try {
                        return new JsonLinesOutbox(outputDir, id);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    /** Starts the workers in the background; they deliver until {@link #finish}. */
    public void start() {
        start(false);
    }

    private void start(boolean untilDrained) {
        for (WebhookDelivery worker : workers) {
            Thread thread =
                    new Thread(
                            () -> loop(worker, untilDrained),
                            "webhook-delivery-" + worker.endpoint().id());
            threads.add(thread);
            thread.start();
        }
    }

    /**
     * Delivers in the foreground: until every endpoint is drained ({@code untilDrained}), else
     * forever (a long-running {@code --deliver}).
     */
    public List<EndpointReport> run(boolean untilDrained) throws InterruptedException {
        start(untilDrained);
        return join();
    }

    /**
     * The job has ended: each worker makes a last pass over what is pending, which ends at once for
     * an endpoint that is down, and stops.
     */
    public List<EndpointReport> finish() throws InterruptedException {
        finishing = true;
        synchronized (signal) {
            signal.notifyAll();
        }
        return join();
    }

    /**
     * The job has ended and its endpoints are expected back: each worker delivers until nothing is
     * pending, waiting out an open circuit however long the endpoint stays down, and stops.
     */
    public List<EndpointReport> drain() throws InterruptedException {
        draining = true;
        synchronized (signal) {
            signal.notifyAll();
        }
        return join();
    }

    /**
     * How many transitions the outbox holds for endpoint {@code endpointId} now, read on a
     * connection (or file view) of its own, apart from the endpoint's worker.
     */
    public long queued(String endpointId) throws Exception {
        return backlog(endpointId).queued();
    }

    private Backlog backlog(String endpointId) throws Exception {
        try (Outbox outbox = outboxes.apply(endpointId)) {
            return outbox.backlog();
        }
    }

    /**
     * Writes each endpoint's figures for Prometheus ({@code --deliver-metrics-port},
     * docs/metrics.md): the counters since this process started and the backlog read now. An
     * endpoint whose backlog cannot be read (the database is down) has no backlog samples.
     */
    public void writeMetrics(PrometheusEndpoint.Exposition out) {
        long now = System.currentTimeMillis();
        Map<WebhookDelivery, Backlog> backlogs = new LinkedHashMap<>();
        for (WebhookDelivery worker : workers) {
            try {
                backlogs.put(worker, backlog(worker.endpoint().id()));
            } catch (Exception e) {
                LOG.warn(
                        "Cannot read the webhook backlog of {}: {}",
                        worker.endpoint(),
                        e.getMessage());
            }
        }
        out.family(
                "cxq_webhook_queued",
                "gauge",
                "Alert transitions in the outbox that the endpoint has not settled.");
        backlogs.forEach((w, b) -> sample(out, "cxq_webhook_queued", w, b.queued()));
        out.family(
                "cxq_webhook_oldest_queued_age_seconds",
                "gauge",
                "Wall clock minus the event time of the oldest queued transition; 0 when none.");
        backlogs.forEach(
                (w, b) ->
                        sample(
                                out,
                                "cxq_webhook_oldest_queued_age_seconds",
                                w,
                                b.oldestEventTimeMillis() == null
                                        ? 0
                                        : Math.max(0, now - b.oldestEventTimeMillis()) / 1000.0));
        counter(
                out,
                "cxq_webhook_delivered_total",
                "Transitions delivered (2xx).",
                WebhookDelivery::delivered);
        counter(
                out,
                "cxq_webhook_refused_total",
                "Transitions refused for good (a status that is not retried).",
                WebhookDelivery::refused);
        counter(
                out,
                "cxq_webhook_failed_calls_total",
                "Calls that failed and are retried (429, 502, 503, 504, I/O error, timeout).",
                WebhookDelivery::failedCalls);
        counter(
                out,
                "cxq_webhook_calls_total",
                "Calls made to the endpoint, whatever their outcome.",
                WebhookDelivery::calls);
        out.family(
                "cxq_webhook_breaker_open",
                "gauge",
                "1 while the endpoint's circuit breaker is open (calls held back), else 0.");
        workers.forEach(w -> sample(out, "cxq_webhook_breaker_open", w, w.breakerOpen() ? 1 : 0));
    }

    private void counter(
            PrometheusEndpoint.Exposition out,
            String name,
            String help,
            ToLongFunction<WebhookDelivery> value) {
        out.family(name, "counter", help);
        workers.forEach(w -> sample(out, name, w, value.applyAsLong(w)));
    }

    private static void sample(
            PrometheusEndpoint.Exposition out, String name, WebhookDelivery worker, double value) {
        out.sample(name, "endpoint", worker.endpoint().id(), value);
    }

    private List<EndpointReport> join() throws InterruptedException {
        for (Thread thread : threads) {
            thread.join();
        }
        synchronized (reports) {
            return List.copyOf(reports);
        }
    }

    private void loop(WebhookDelivery worker, boolean untilDrained) {
        try {
            while (true) {
                // A pass started after the job ended sees every transition it wrote.
                boolean last = finishing;
                boolean drainedEnds = untilDrained || draining;
                try {
                    Pass pass = worker.pass();
                    if (last || (drainedEnds && pass == Pass.DRAINED)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    // The outbox's database is unreachable: nothing is lost, try again later.
                    LOG.warn(
                            "Webhook delivery to {} paused: {}", worker.endpoint(), e.getMessage());
                    worker.outbox().close();
                    if (last) {
                        return;
                    }
                }
                waitForWork(options.pollInterval().toMillis(), true);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Webhook delivery to {} stopped: {}", worker.endpoint(), e.getMessage());
        } finally {
            report(worker);
        }
    }

    private void report(WebhookDelivery worker) {
        long queued = -1;
        try {
            queued = worker.outbox().backlog().queued();
            worker.outbox().close();
        } catch (Exception e) {
            LOG.warn(
                    "Cannot count the queued webhooks of {}: {}",
                    worker.endpoint(),
                    e.getMessage());
        }
        EndpointReport report =
                new EndpointReport(
                        worker.endpoint().id(),
                        worker.delivered(),
                        worker.refused(),
                        worker.failedCalls(),
                        queued);
        LOG.info("Webhook delivery {}", report);
        synchronized (reports) {
            reports.add(report);
        }
    }

    /**
     * Waits {@code millis}, or until {@link #finish} is called, or (for an idle worker, {@code
     * idle}) {@link #drain}: a backoff is not cut short by a drain, which waits the endpoint out.
     */
    private void waitForWork(long millis, boolean idle) throws InterruptedException {
        long until = System.currentTimeMillis() + millis;
        synchronized (signal) {
            for (long left = millis; left > 0 && !finishing && !(idle && draining); ) {
                signal.wait(left);
                left = until - System.currentTimeMillis();
            }
        }
    }

    /** One line per endpoint. */
    public static String describe(List<EndpointReport> reports) {
        return reports.stream().map(EndpointReport::toString).collect(Collectors.joining("; "));
    }

    /** The total of transitions left queued, over all endpoints. */
    public static long queued(List<EndpointReport> reports) {
        return reports.stream().mapToLong(r -> Math.max(0, r.queued())).sum();
    }

    /** The workers' waits: a backoff or an open circuit, cut short when the job ends. */
    private final class Control implements DeliveryLoop.Pause {

        @Override
        public void sleep(long millis) throws InterruptedException {
            waitForWork(millis, false);
        }

        @Override
        public boolean stopWhenDown() {
            return finishing;
        }
    }
}
