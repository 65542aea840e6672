package dev.cxq.job.metricsync;

import dev.cxq.job.http.RateLimit;
import dev.cxq.job.secret.SecretRef;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Everything one metric sync run needs; the client secret only as its location.
 *
 * @param platform where the metrics go
 * @param baseUrl the platform's API root
 * @param path the data endpoint under {@code baseUrl} (platform APIs move: configurable)
 * @param tokenUrl the OAuth 2 token endpoint
 * @param clientId the OAuth client id
 * @param clientSecret where the OAuth client secret is read from
 * @param batchSize rows per request, at most {@link MetricSyncPlatform#maxBatch()}
 * @param rateLimit the tenant's request budget for the data endpoint
 * @param metricTypes the metric types synced; empty for all
 * @param metricVersion the metric version synced
 * @param maxAttempts calls of one batch (429, 5xx, I/O errors) before the run fails
 * @param maxBackoff cap of one retry delay, a {@code Retry-After} included
 * @param breakerFailures consecutive failed calls that open the circuit
 * @param breakerOpen how long an open circuit refuses calls before one probe
 */
public record MetricSyncSettings(
        MetricSyncPlatform platform,
        URI baseUrl,
        String path,
        URI tokenUrl,
        String clientId,
        SecretRef clientSecret,
        int batchSize,
        RateLimit rateLimit,
        List<String> metricTypes,
        int metricVersion,
        int maxAttempts,
        Duration maxBackoff,
        int breakerFailures,
        Duration breakerOpen) {

    public MetricSyncSettings {
        if (batchSize < 1 || batchSize > platform.maxBatch()) {
            throw new IllegalArgumentException(
                    "a "
                            + platform.wireName()
                            + " batch holds 1 to "
                            + platform.maxBatch()
                            + " rows: "
                            + batchSize);
        }
        metricTypes = List.copyOf(metricTypes);
    }

    /** The data endpoint's URL. */
    public URI endpointUrl() {
        return URI.create(baseUrl.toString().replaceAll("/+$", "") + path);
    }

    /**
     * The endpoint's name in {@code metric_sync_log} and in the synced versions: another tenant or
     * path is another endpoint, to which every row is sent again.
     */
    public String endpoint() {
        return platform.wireName() + " " + endpointUrl();
    }
}
