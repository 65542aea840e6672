package dev.cxq.job.cli;

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

/**
 * Options of {@code --metric-sync}: push {@code computed_metrics} to Genesys Cloud or NICE CXone in
 * a run of its own, apart from the job (docs/metric-sync.md).
 */
final class MetricSyncCliOptions {

    static final String SECRET_ENV = "CXQ_METRIC_SYNC_CLIENT_SECRET";

    static final String METRIC_SYNC = "--metric-sync";

    @Config(key = "metric-sync.platform", rule = "genesys or nice; needs jdbc.url; no input")
    @Option(
            names = METRIC_SYNC,
            paramLabel = "PLATFORM",
            description =
                    "genesys or nice: push the selected computed_metrics rows that the platform"
                            + " lacks in their current version, until none is left; runs no job.")
    String platform;

    static final String METRIC_SYNC_BASE_URL = "--metric-sync-base-url";

    @Config(key = "metric-sync.base-url", rule = "http(s) URL with a host")
    @Option(names = METRIC_SYNC_BASE_URL, description = "Metric sync: the platform's API root.")
    URI baseUrl;

    static final String METRIC_SYNC_PATH = "--metric-sync-path";

    @Config(key = "metric-sync.path", rule = "a path under the base URL")
    @Option(
            names = METRIC_SYNC_PATH,
            description =
                    "Metric sync: the data endpoint under the base URL (default: the platform's,"
                            + " docs/metric-sync.md).")
    String path;

    static final String METRIC_SYNC_TOKEN_URL = "--metric-sync-token-url";

    @Config(key = "metric-sync.token-url", rule = "http(s) URL with a host")
    @Option(
            names = METRIC_SYNC_TOKEN_URL,
            description = "Metric sync: OAuth 2 token endpoint (client credentials).")
    URI tokenUrl;

    static final String METRIC_SYNC_CLIENT_ID = "--metric-sync-client-id";

    @Config(key = "metric-sync.client-id", rule = "not blank")
    @Option(names = METRIC_SYNC_CLIENT_ID, description = "Metric sync: OAuth client id.")
    String clientId;

    static final String METRIC_SYNC_CLIENT_SECRET_FILE = "--metric-sync-client-secret-file";

    @Config(
            key = "metric-sync.client-secret-file",
            rule = "a readable file; else " + MetricSyncCliOptions.SECRET_ENV + "")
    @Option(
            names = METRIC_SYNC_CLIENT_SECRET_FILE,
            paramLabel = "FILE",
            description =
                    "Metric sync: file holding the OAuth client secret; without it, "
                            + SECRET_ENV
                            + ".")
    Path clientSecretFile;

    static final String METRIC_SYNC_BATCH_SIZE = "--metric-sync-batch-size";

    @Config(key = "metric-sync.batch-size", rule = "1 to 100 (Genesys) or 10000 (NICE)")
    @Option(
            names = METRIC_SYNC_BATCH_SIZE,
            description =
                    "Metric sync: rows per request (default and maximum: Genesys 100, NICE 10000).")
    Integer batchSize;

    static final String METRIC_SYNC_RATE_LIMIT = "--metric-sync-rate-limit";

    @Config(key = "metric-sync.rate-limit", rule = "REQUESTS/WINDOW")
    @Option(
            names = METRIC_SYNC_RATE_LIMIT,
            defaultValue = "100/1m",
            description = "Metric sync: the tenant's request budget N/WINDOW.")
    String rateLimit;

    static final String METRIC_SYNC_METRIC_TYPES = "--metric-sync-metric-types";

    @Config(key = "metric-sync.metric-types", rule = "T1[,T2...]")
    @Option(
            names = METRIC_SYNC_METRIC_TYPES,
            split = ",",
            description = "Metric sync: metric types to sync (default: all).")
    List<String> metricTypes = new ArrayList<>();

    static final String METRIC_SYNC_METRIC_VERSION = "--metric-sync-metric-version";

    @Config(key = "metric-sync.metric-version", rule = "1 or more")
    @Option(
            names = METRIC_SYNC_METRIC_VERSION,
            description = "Metric sync: the metric_version to sync (default: --metric-version).")
    Integer metricVersion;

    static final String METRIC_SYNC_MAX_ATTEMPTS = "--metric-sync-max-attempts";

    @Config(key = "metric-sync.max-attempts", rule = "1 or more")
    @Option(
            names = METRIC_SYNC_MAX_ATTEMPTS,
            defaultValue = "8",
            description = "Metric sync: calls of one batch (429, 5xx, I/O) before the run fails.")
    int maxAttempts;

    static final String METRIC_SYNC_MAX_BACKOFF = "--metric-sync-max-backoff";

    @Config(key = "metric-sync.max-backoff", rule = "positive")
    @Option(
            names = METRIC_SYNC_MAX_BACKOFF,
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "Metric sync: cap of one retry delay, a Retry-After included.")
    Duration maxBackoff;

    boolean enabled() {
        return platform != null;
    }

    /** Checks the metric sync options (given {@link #enabled()}). */
    void validate(Problems problems, Map<String, String> env, String jdbcUrl) {
        try {
            MetricSyncPlatform chosen = MetricSyncPlatform.of(platform);
            if (batchSize != null && (batchSize < 1 || batchSize > chosen.maxBatch())) {
                problems.add(
                        problems.name(METRIC_SYNC_BATCH_SIZE)
                                + " must be 1 to "
                                + chosen.maxBatch()
                                + " for "
                                + chosen.wireName()
                                + ": "
                                + batchSize);
            }
        } catch (IllegalArgumentException e) {
            problems.add(problems.name(METRIC_SYNC) + " must be genesys or nice: " + platform);
        }
        if (jdbcUrl == null) {
            problems.add(
                    problems.name(METRIC_SYNC)
                            + " reads the metric store: give "
                            + problems.name(OutputCliOptions.JDBC_URL));
        }
        for (String flag : List.of(METRIC_SYNC_BASE_URL, METRIC_SYNC_TOKEN_URL)) {
            URI url = flag.equals(METRIC_SYNC_BASE_URL) ? baseUrl : tokenUrl;
            if (url == null || url.getHost() == null || !url.getScheme().startsWith("http")) {
                problems.add(
                        problems.name(METRIC_SYNC)
                                + " needs "
                                + problems.name(flag)
                                + " (an http(s) URL)");
            }
        }
        if (clientId == null || clientId.isBlank()) {
            problems.add(
                    problems.name(METRIC_SYNC) + " needs " + problems.name(METRIC_SYNC_CLIENT_ID));
        }
        try {
            clientSecret().read(env);
        } catch (RuntimeException e) {
            problems.add(
                    problems.name(METRIC_SYNC) + " needs the client secret: " + e.getMessage());
        }
        try {
            BackfillCliOptions.rateLimit(rateLimit);
        } catch (IllegalArgumentException e) {
            problems.add(problems.name(METRIC_SYNC_RATE_LIMIT) + " " + e.getMessage());
        }
        if (maxAttempts < 1) {
            problems.add(problems.name(METRIC_SYNC_MAX_ATTEMPTS) + " must be 1 or more");
        }
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
