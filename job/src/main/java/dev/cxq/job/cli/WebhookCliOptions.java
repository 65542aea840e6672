package dev.cxq.job.cli;

import dev.cxq.job.secret.SecretRef;
import dev.cxq.job.sink.webhook.WebhookDeliveryOptions;
import dev.cxq.job.sink.webhook.WebhookEndpoint;
import dev.cxq.job.sink.webhook.WebhookSettings;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The webhook options of the command line. Secrets never come from arguments: each endpoint names
 * where its own bearer token and signing secret are (a file or an environment variable), and the
 * delivery worker reads them where it runs (docs/secrets.md); {@link WebhookEndpointParser} reads
 * the endpoints. The simple case, {@code --webhook-url} with {@code CXQ_WEBHOOK_TOKEN} / {@code
 * CXQ_WEBHOOK_SECRET} or the {@code --webhook-*-file} options, is one endpoint; several endpoints
 * with secrets are {@code --webhook-endpoint}s.
 */
final class WebhookCliOptions {

    static final String TOKEN_ENV = "CXQ_WEBHOOK_TOKEN";
    static final String SECRET_ENV = "CXQ_WEBHOOK_SECRET";

    static final String WEBHOOK_URL = "--webhook-url";

    @Config(key = "webhook.urls", rule = "http(s) URLs with a host and no credential")
    @Option(
            names = WEBHOOK_URL,
            paramLabel = "URL",
            description =
                    "Endpoint that receives alert transitions: a URL that holds no credential (no"
                            + " user info, query string or secret path; else url-file or url-env"
                            + " in --webhook-endpoint). Several are allowed only without a token"
                            + " and signing secret.")
    List<String> urls = new ArrayList<>();

    static final String WEBHOOK_TOKEN_FILE = "--webhook-token-file";

    @Config(key = "webhook.token-file", rule = "a readable file")
    @Option(
            names = WEBHOOK_TOKEN_FILE,
            paramLabel = "FILE",
            description =
                    "File holding the bearer token of the --webhook-url endpoint (else env "
                            + TOKEN_ENV
                            + ").")
    Path tokenFile;

    static final String WEBHOOK_SECRET_FILE = "--webhook-secret-file";

    @Config(key = "webhook.secret-file", rule = "a readable file")
    @Option(
            names = WEBHOOK_SECRET_FILE,
            paramLabel = "FILE",
            description =
                    "File holding the Standard Webhooks signing secret (whsec_...) of the"
                            + " --webhook-url endpoint (else env "
                            + SECRET_ENV
                            + ").")
    Path secretFile;

    static final String WEBHOOK_ALLOW_INSECURE_HTTP = "--webhook-allow-insecure-http";

    @Config(key = "webhook.allow-insecure-http", rule = "true or false")
    @Option(
            names = WEBHOOK_ALLOW_INSECURE_HTTP,
            description =
                    "Allow sending the bearer token of the --webhook-url endpoint over plain"
                            + " http:// (a trusted network only).")
    boolean allowInsecureHttp;

    static final String WEBHOOK_ENDPOINT = "--webhook-endpoint";

    @Config(
            key = "webhook.endpoints",
            env = Config.NO_ENV,
            rule = "a list of endpoints (docs/secrets.md)")
    @Option(
            names = WEBHOOK_ENDPOINT,
            paramLabel = "KEY=VALUE,...",
            description =
                    "An endpoint with its own settings: name, url or url-file or url-env,"
                            + " token-file or token-env, secret-file or secret-env,"
                            + " allow-insecure-http; repeatable (docs/secrets.md).")
    List<String> endpoints = new ArrayList<>();

    static final String WEBHOOK_BREAKER_THRESHOLD = "--webhook-breaker-threshold";

    @Config(key = "webhook.breaker-threshold", rule = "1 or more")
    @Option(
            names = WEBHOOK_BREAKER_THRESHOLD,
            defaultValue = "5",
            description = "Consecutive failed calls to an endpoint that open its circuit breaker.")
    int breakerThreshold;

    static final String WEBHOOK_BREAKER_OPEN = "--webhook-breaker-open";

    @Config(key = "webhook.breaker-open", rule = "positive")
    @Option(
            names = WEBHOOK_BREAKER_OPEN,
            defaultValue = "15s",
            converter = DurationConverter.class,
            description =
                    "How long an open circuit holds calls back (they wait, no attempt spent)"
                            + " before one probe call.")
    Duration breakerOpen;

    static final String WEBHOOK_MAX_BACKOFF = "--webhook-max-backoff";

    @Config(key = "webhook.max-backoff", rule = "positive")
    @Option(
            names = WEBHOOK_MAX_BACKOFF,
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "Cap of one retry delay (and of an honoured Retry-After).")
    Duration maxBackoff;

    static final String DELIVER = "--deliver";

    @Config(key = "webhook.deliver", rule = "true or false; needs endpoints; no input")
    @Option(
            names = DELIVER,
            description =
                    "Run the webhook delivery worker: send the queued alert transitions of"
                            + " webhook_outbox (--jdbc-url) or of the outbox files (--output) to"
                            + " the endpoints, oldest first; runs no job.")
    boolean deliver;

    static final String DELIVER_UNTIL_DRAINED = "--deliver-until-drained";

    @Config(key = "webhook.deliver-until-drained", rule = "true or false")
    @Option(
            names = DELIVER_UNTIL_DRAINED,
            description =
                    "With --deliver: exit once nothing is queued (default: keep delivering new"
                            + " transitions).")
    boolean deliverUntilDrained;

    static final String DELIVER_METRICS_PORT = "--deliver-metrics-port";

    @Config(key = "webhook.deliver-metrics-port", rule = "1 to 65535; needs --deliver")
    @Option(
            names = DELIVER_METRICS_PORT,
            paramLabel = "PORT",
            description =
                    "With --deliver: serve the delivery worker's metrics for Prometheus at"
                            + " http://<host>:PORT/metrics (docs/metrics.md); off by default.")
    Integer deliverMetricsPort;

    static final String ENVIRONMENT = "--environment";

    @Config(key = "webhook.environment", rule = "not blank")
    @Option(
            names = ENVIRONMENT,
            defaultValue = "production",
            description = "The environment field of webhook bodies.")
    String environment;

    /**
     * Validated settings; {@code env} is the process environment. Every secret is read once here,
     * to check that it is there and well-formed, and then left where it is: the settings carry its
     * location only.
     */
    WebhookSettings settings(Map<String, String> env) {
        SecretRef token = SecretLocation.of(tokenFile, TOKEN_ENV, env);
        SecretRef secret = SecretLocation.of(secretFile, SECRET_ENV, env);
        if (urls.size() > 1 && (token != null || secret != null)) {
            throw new IllegalArgumentException(
                    "a bearer token or signing secret belongs to one endpoint: with several"
                            + " --webhook-url, give each endpoint its own in --webhook-endpoint"
                            + " (config key webhook.endpoints)");
        }
        List<WebhookEndpoint> endpoints = new ArrayList<>();
        for (String url : urls) {
            endpoints.add(
                    WebhookEndpointParser.endpoint(
                            null,
                            WebhookEndpointParser.parseUrl(url, WEBHOOK_URL),
                            null,
                            token,
                            secret,
                            allowInsecureHttp,
                            env));
        }
        for (String spec : this.endpoints) {
            endpoints.add(WebhookEndpointParser.parseEndpoint(spec, env));
        }
        Set<String> ids = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        for (WebhookEndpoint endpoint : endpoints) {
            if (!ids.add(endpoint.id()) || !hashes.add(endpoint.urlHash())) {
                throw new IllegalArgumentException(
                        "webhook endpoint " + endpoint + " is configured twice");
            }
        }
        WebhookDeliveryOptions defaults = WebhookDeliveryOptions.defaults();
        WebhookDeliveryOptions options =
                new WebhookDeliveryOptions(
                        defaults.initialBackoff(),
                        maxBackoff.compareTo(defaults.initialBackoff()) < 0
                                ? defaults.initialBackoff()
                                : maxBackoff,
                        defaults.requestTimeout(),
                        breakerThreshold,
                        breakerOpen,
                        defaults.pollInterval());
        return new WebhookSettings(List.copyOf(endpoints), options, environment);
    }

    void validate(Problems problems) {
        for (String url : urls) {
            try {
                WebhookEndpointParser.parseUrl(url, problems.name(WEBHOOK_URL));
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        problems.readable(WEBHOOK_TOKEN_FILE, tokenFile);
        problems.readable(WEBHOOK_SECRET_FILE, secretFile);
        problems.positive(WEBHOOK_MAX_BACKOFF, maxBackoff);
        problems.atLeast(WEBHOOK_BREAKER_THRESHOLD, breakerThreshold, 1);
        problems.positive(WEBHOOK_BREAKER_OPEN, breakerOpen);
        problems.notBlank(ENVIRONMENT, environment);
        if (deliver && urls.isEmpty() && endpoints.isEmpty()) {
            problems.add(
                    problems.name(DELIVER)
                            + " needs an endpoint: "
                            + problems.name(WEBHOOK_URL)
                            + " or "
                            + problems.name(WEBHOOK_ENDPOINT));
        }
        if (deliverUntilDrained && !deliver) {
            problems.add(problems.name(DELIVER_UNTIL_DRAINED) + " needs " + problems.name(DELIVER));
        }
        if (deliverMetricsPort != null) {
            problems.between(DELIVER_METRICS_PORT, deliverMetricsPort, 1, 65535);
            if (!deliver) {
                problems.add(
                        problems.name(DELIVER_METRICS_PORT) + " needs " + problems.name(DELIVER));
            }
        }
    }
}
