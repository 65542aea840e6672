package dev.cxq.job;

import dev.cxq.job.sink.webhook.WebhookEndpoint;
import dev.cxq.job.sink.webhook.WebhookSettings;
import dev.cxq.job.sink.webhook.WebhookSinkOptions;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The webhook options of the command line. Secrets never come from arguments: the bearer token and
 * the signing secret are read from {@code CXQ_WEBHOOK_TOKEN} / {@code CXQ_WEBHOOK_SECRET}, or from
 * the files named by the {@code --webhook-*-file} options.
 */
final class WebhookCliOptions {

    static final String TOKEN_ENV = "CXQ_WEBHOOK_TOKEN";
    static final String SECRET_ENV = "CXQ_WEBHOOK_SECRET";

    @Option(
            names = "--webhook-url",
            paramLabel = "URL",
            description = "Endpoint that receives alert transitions; repeat for several endpoints.")
    List<String> urls = new ArrayList<>();

    @Option(
            names = "--webhook-token-file",
            paramLabel = "FILE",
            description = "File holding the bearer token (else env " + TOKEN_ENV + ").")
    Path tokenFile;

    @Option(
            names = "--webhook-secret-file",
            paramLabel = "FILE",
            description =
                    "File holding the HMAC-SHA256 body signing secret (else env "
                            + SECRET_ENV
                            + ").")
    Path secretFile;

    @Option(
            names = "--webhook-max-attempts",
            defaultValue = "10",
            description =
                    "Calls per alert transition before it may be recorded as failed (once the"
                            + " retry window has passed too).")
    int maxAttempts;

    @Option(
            names = "--webhook-retry-window",
            defaultValue = "10m",
            converter = DurationConverter.class,
            description =
                    "Time since its first call during which a transition is retried however many"
                            + " calls fail: an endpoint outage shorter than this loses nothing.")
    Duration retryWindow;

    @Option(
            names = "--webhook-breaker-threshold",
            defaultValue = "5",
            description = "Consecutive failed calls to an endpoint that open its circuit breaker.")
    int breakerThreshold;

    @Option(
            names = "--webhook-breaker-open",
            defaultValue = "15s",
            converter = DurationConverter.class,
            description =
                    "How long an open circuit holds calls back (they wait, no attempt spent)"
                            + " before one probe call.")
    Duration breakerOpen;

    @Option(
            names = "--webhook-max-backoff",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "Cap of one retry delay (and of an honoured Retry-After).")
    Duration maxBackoff;

    @Option(
            names = "--webhook-max-in-flight",
            defaultValue = "16",
            description = "Concurrent calls per endpoint and subtask.")
    int maxInFlight;

    @Option(
            names = "--webhook-fail-job",
            description = "Fail the job when a delivery exhausts its retries (default: record it).")
    boolean failJob;

    @Option(
            names = "--environment",
            defaultValue = "production",
            description = "The environment field of webhook bodies.")
    String environment;

    /** Validated settings; {@code env} is the process environment. */
    WebhookSettings settings(Map<String, String> env) {
        String token = secret(tokenFile, env.get(TOKEN_ENV), "--webhook-token-file");
        String secret = secret(secretFile, env.get(SECRET_ENV), "--webhook-secret-file");
        List<WebhookEndpoint> endpoints = new ArrayList<>();
        for (String url : urls) {
            endpoints.add(new WebhookEndpoint(parseUrl(url, "--webhook-url"), token, secret));
        }
        WebhookSinkOptions defaults = WebhookSinkOptions.defaults();
        WebhookSinkOptions options =
                new WebhookSinkOptions(
                        maxAttempts,
                        retryWindow,
                        defaults.initialBackoff(),
                        maxBackoff.compareTo(defaults.initialBackoff()) < 0
                                ? defaults.initialBackoff()
                                : maxBackoff,
                        maxInFlight,
                        defaults.requestTimeout(),
                        breakerThreshold,
                        breakerOpen,
                        failJob);
        return new WebhookSettings(List.copyOf(endpoints), options, environment);
    }

    /**
     * @param name the option as the user wrote it (flag, environment variable or config key)
     * @throws IllegalArgumentException naming {@code name}, when {@code url} is not an absolute
     *     http(s) URL with a host
     */
    static URI parseUrl(String url, String name) {
        try {
            URI uri = new URI(url);
            if (!uri.isAbsolute()) {
                throw new IllegalArgumentException(name + " not a URL: " + url);
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    || uri.getHost() == null) {
                throw new IllegalArgumentException(name + " not an http(s) URL: " + url);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(name + " not a URL: " + url);
        }
    }

    private static String secret(Path file, String fromEnv, String option) {
        if (file == null) {
            return fromEnv == null || fromEnv.isBlank() ? null : fromEnv.trim();
        }
        try {
            String value = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (value.isEmpty()) {
                throw new IllegalArgumentException(option + " names an empty file: " + file);
            }
            return value;
        } catch (IOException e) {
            throw new IllegalArgumentException(option + " cannot be read: " + file);
        }
    }
}
