package dev.cxq.job;

import dev.cxq.job.metricsync.MetricSyncPlatform;
import dev.cxq.job.metricsync.MetricSyncSettings;
import dev.cxq.job.secret.SecretRef;

import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Options of {@code --metric-sync}: push {@code computed_metrics} to Genesys Cloud or NICE CXone in
 * a run of its own, apart from the job (docs/metric-sync.md).
 */
final class MetricSyncCliOptions {

    static final String SECRET_ENV = "CXQ_METRIC_SYNC_CLIENT_SECRET";

    @Option(
            names = "--metric-sync",
            paramLabel = "PLATFORM",
            description =
                    "genesys or nice: push the selected computed_metrics rows that the platform"
                            + " lacks in their current version, until none is left; runs no job.")
    String platform;

    @Option(names = "--metric-sync-base-url", description = "Metric sync: the platform's API root.")
    URI baseUrl;

    @Option(
            names = "--metric-sync-path",
            description =
                    "Metric sync: the data endpoint under the base URL (default: the platform's,"
                            + " docs/metric-sync.md).")
    String path;

    @Option(
            names = "--metric-sync-token-url",
            description = "Metric sync: OAuth 2 token endpoint (client credentials).")
    URI tokenUrl;

    @Option(names = "--metric-sync-client-id", description = "Metric sync: OAuth client id.")
    String clientId;

    @Option(
            names = "--metric-sync-client-secret-file",
            paramLabel = "FILE",
            description =
                    "Metric sync: file holding the OAuth client secret; without it, "
                            + SECRET_ENV
                            + ".")
    Path clientSecretFile;

    @Option(
            names = "--metric-sync-batch-size",
            description =
                    "Metric sync: rows per request (default and maximum: Genesys 100, NICE 10000).")
    Integer batchSize;

    @Option(
            names = "--metric-sync-rate-limit",
            defaultValue = "100/1m",
            description = "Metric sync: the tenant's request budget N/WINDOW.")
    String rateLimit;

    @Option(
            names = "--metric-sync-metric-types",
            split = ",",
            description = "Metric sync: metric types to sync (default: all).")
    List<String> metricTypes = new ArrayList<>();

    @Option(
            names = "--metric-sync-metric-version",
            description = "Metric sync: the metric_version to sync (default: --metric-version).")
    Integer metricVersion;

    @Option(
            names = "--metric-sync-max-attempts",
            defaultValue = "8",
            description = "Metric sync: calls of one batch (429, 5xx, I/O) before the run fails.")
    int maxAttempts;

    @Option(
            names = "--metric-sync-max-backoff",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "Metric sync: cap of one retry delay, a Retry-After included.")
    Duration maxBackoff;

    boolean enabled() {
        return platform != null;
    }

    /** Every problem of the metric sync options. */
    List<String> errors(UnaryOperator<String> name, Map<String, String> env, String jdbcUrl) {
        List<String> errors = new ArrayList<>();
        try {
            MetricSyncPlatform chosen = MetricSyncPlatform.of(platform);
            if (batchSize != null && (batchSize < 1 || batchSize > chosen.maxBatch())) {
                errors.add(
                        name.apply("--metric-sync-batch-size")
                                + " must be 1 to "
                                + chosen.maxBatch()
                                + " for "
                                + chosen.wireName()
                                + ": "
                                + batchSize);
            }
        } catch (IllegalArgumentException e) {
            errors.add(name.apply("--metric-sync") + " must be genesys or nice: " + platform);
        }
        if (jdbcUrl == null) {
            errors.add("--metric-sync reads the metric store: give " + name.apply("--jdbc-url"));
        }
        for (String flag : List.of("--metric-sync-base-url", "--metric-sync-token-url")) {
            URI url = flag.equals("--metric-sync-base-url") ? baseUrl : tokenUrl;
            if (url == null || url.getHost() == null || !url.getScheme().startsWith("http")) {
                errors.add("--metric-sync needs " + name.apply(flag) + " (an http(s) URL)");
            }
        }
        if (clientId == null || clientId.isBlank()) {
            errors.add("--metric-sync needs " + name.apply("--metric-sync-client-id"));
        }
        try {
            clientSecret().read(env);
        } catch (RuntimeException e) {
            errors.add("--metric-sync needs the client secret: " + e.getMessage());
        }
        try {
            BackfillCliOptions.rateLimit(rateLimit);
        } catch (IllegalArgumentException e) {
            errors.add(name.apply("--metric-sync-rate-limit") + " " + e.getMessage());
        }
        if (maxAttempts < 1) {
            errors.add(name.apply("--metric-sync-max-attempts") + " must be 1 or more");
        }
        return errors;
    }

    /** The settings of a validated configuration. */
    MetricSyncSettings settings(int jobMetricVersion) {
        MetricSyncPlatform chosen = MetricSyncPlatform.of(platform);
        return new MetricSyncSettings(
                chosen,
                baseUrl,
                path != null ? path : chosen.defaultPath(),
                tokenUrl,
                clientId,
                clientSecret(),
                batchSize != null ? batchSize : chosen.maxBatch(),
                BackfillCliOptions.rateLimit(rateLimit),
                metricTypes,
                metricVersion != null ? metricVersion : jobMetricVersion,
                maxAttempts,
                maxBackoff,
                5,
                Duration.ofSeconds(30));
    }

    private SecretRef clientSecret() {
        return clientSecretFile != null
                ? SecretRef.file(clientSecretFile)
                : SecretRef.env(SECRET_ENV);
    }
}
