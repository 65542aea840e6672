package dev.cxq.job.cli;

import dev.cxq.job.secret.Redaction;
import dev.cxq.job.secret.SecretRef;
import dev.cxq.job.sink.webhook.WebhookEndpoint;
import dev.cxq.job.sink.webhook.WebhookSettings;
import dev.cxq.job.sink.webhook.WebhookSignature;
import dev.cxq.job.sink.webhook.WebhookSinkOptions;

import picocli.CommandLine.Option;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The webhook options of the command line. Secrets never come from arguments: each endpoint names
 * where its own bearer token and signing secret are (a file or an environment variable), and the
 * sink reads them on the task managers (docs/secrets.md). The simple case, {@code --webhook-url}
 * with {@code CXQ_WEBHOOK_TOKEN} / {@code CXQ_WEBHOOK_SECRET} or the {@code --webhook-*-file}
 * options, is one endpoint; several endpoints with secrets are {@code --webhook-endpoint}s.
 */
final class WebhookCliOptions {

    static final String TOKEN_ENV = "CXQ_WEBHOOK_TOKEN";
    static final String SECRET_ENV = "CXQ_WEBHOOK_SECRET";

    /** The keys of a {@code --webhook-endpoint}. */
    private static final Set<String> ENDPOINT_KEYS =
            Set.of(
                    "name",
                    "url",
                    "url-file",
                    "url-env",
                    "token-file",
                    "token-env",
                    "secret-file",
                    "secret-env",
                    "allow-insecure-http");

    private static final Pattern ENDPOINT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,39}");

    /**
     * Hosts whose webhook URLs carry their credential in the path (Slack, Microsoft Teams and
     * Office 365 connectors, Discord); an inline URL to them is refused like one with user info.
     */
    private static final Pattern CREDENTIAL_IN_PATH_HOST =
            Pattern.compile(
                    "(?i)hooks\\.slack\\.com|(.+\\.)?webhook\\.office\\.com|outlook\\.office(365)?\\.com"
                            + "|(.+\\.)?discord(app)?\\.com");

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

    static final String WEBHOOK_MAX_ATTEMPTS = "--webhook-max-attempts";

    @Config(key = "webhook.max-attempts", rule = "1 or more")
    @Option(
            names = WEBHOOK_MAX_ATTEMPTS,
            defaultValue = "10",
            description =
                    "Calls per alert transition before it may be recorded as failed (once the"
                            + " retry window has passed too).")
    int maxAttempts;

    static final String WEBHOOK_RETRY_WINDOW = "--webhook-retry-window";

    @Config(key = "webhook.retry-window", rule = "not negative")
    @Option(
            names = WEBHOOK_RETRY_WINDOW,
            defaultValue = "10m",
            converter = DurationConverter.class,
            description =
                    "Time since its first call during which a transition is retried however many"
                            + " calls fail: an endpoint outage shorter than this loses nothing.")
    Duration retryWindow;

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

    static final String WEBHOOK_MAX_IN_FLIGHT = "--webhook-max-in-flight";

    @Config(key = "webhook.max-in-flight", rule = "1 or more")
    @Option(
            names = WEBHOOK_MAX_IN_FLIGHT,
            defaultValue = "16",
            description = "Concurrent calls per endpoint and subtask.")
    int maxInFlight;

    static final String WEBHOOK_FAIL_JOB = "--webhook-fail-job";

    @Config(key = "webhook.fail-job", rule = "true or false")
    @Option(
            names = WEBHOOK_FAIL_JOB,
            description = "Fail the job when a delivery exhausts its retries (default: record it).")
    boolean failJob;

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
                    endpoint(
                            null,
                            parseUrl(url, WEBHOOK_URL),
                            null,
                            token,
                            secret,
                            allowInsecureHttp,
                            env));
        }
        for (String spec : this.endpoints) {
            endpoints.add(parseEndpoint(spec, env));
        }
        Set<String> ids = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        for (WebhookEndpoint endpoint : endpoints) {
            if (!ids.add(endpoint.id()) || !hashes.add(endpoint.urlHash())) {
                throw new IllegalArgumentException(
                        "webhook endpoint " + endpoint + " is configured twice");
            }
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
     * An endpoint URL given inline: on the command line, in the environment or in the config file.
     * Program arguments are shown by the Flink web UI and logged by Flink at start, and the URL
     * goes into the job graph, so it must hold no credential: user info, a query string, a fragment
     * or a host known to put the credential in the path are refused; such a URL belongs in {@code
     * url-file} or {@code url-env} of a {@code --webhook-endpoint} (docs/secrets.md).
     *
     * @param name the option as the user wrote it (flag, environment variable or config key)
     * @throws IllegalArgumentException naming {@code name}, when {@code url} is not an absolute
     *     http(s) URL with a host or may hold a credential; the message never quotes a credential
     */
    static URI parseUrl(String url, String name) {
        URI uri = parseAnyUrl(url, name);
        String credential =
                uri.getRawUserInfo() != null
                        ? "user info"
                        : uri.getRawQuery() != null
                                ? "a query string"
                                : uri.getRawFragment() != null
                                        ? "a fragment"
                                        : CREDENTIAL_IN_PATH_HOST.matcher(uri.getHost()).matches()
                                                ? "a path that is a credential at this host"
                                                : null;
        if (credential != null) {
            throw new IllegalArgumentException(
                    name
                            + " "
                            + Redaction.url(uri)
                            + " has "
                            + credential
                            + ", which the Flink web UI, the logs and the job graph would show:"
                            + " give the URL in a file or an environment variable,"
                            + " --webhook-endpoint url-file=FILE or url-env=VARIABLE"
                            + " (docs/secrets.md)");
        }
        return uri;
    }

    /** An absolute http(s) URL with a host, whatever it holds (a URL read from a secret). */
    private static URI parseAnyUrl(String url, String name) {
        // A value that does not parse is quoted, unless it may hold a credential.
        String quoted = url.matches("[^@?#]*") ? ": " + url : "";
        try {
            URI uri = new URI(url);
            if (!uri.isAbsolute()) {
                throw new IllegalArgumentException(name + " not a URL" + quoted);
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    || uri.getHost() == null) {
                throw new IllegalArgumentException(name + " not an http(s) URL" + quoted);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(name + " not a URL" + quoted);
        }
    }

    /** An endpoint whose secrets are checked to be present and well-formed. */
    private static WebhookEndpoint endpoint(
            String name,
            URI url,
            SecretRef urlRef,
            SecretRef token,
            SecretRef secret,
            boolean allowInsecureHttp,
            Map<String, String> env) {
        WebhookEndpoint endpoint =
                WebhookEndpoint.of(name, url, urlRef, token, secret, allowInsecureHttp);
        try {
            if (token != null) {
                token.read(env);
            }
            if (secret != null) {
                try {
                    WebhookSignature.key(secret.read(env));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            "the signing secret in " + secret + " " + e.getMessage());
                }
            }
        } catch (IllegalStateException | UncheckedIOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "webhook endpoint " + endpoint + ": " + e.getMessage());
        }
        return endpoint;
    }

    /** Parses one {@code --webhook-endpoint KEY=VALUE,...}. */
    private static WebhookEndpoint parseEndpoint(String spec, Map<String, String> env) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : spec.split(",")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair.strip() : pair.substring(0, eq).strip();
            String value = eq < 0 ? "" : pair.substring(eq + 1).strip();
            if (key.equals("token") || key.equals("secret")) {
                throw new IllegalArgumentException(
                        "--webhook-endpoint "
                                + key
                                + " is a secret and is not given inline; use "
                                + key
                                + "-file or "
                                + key
                                + "-env");
            }
            if (!ENDPOINT_KEYS.contains(key)) {
                throw new IllegalArgumentException(
                        "--webhook-endpoint has no key '"
                                + key
                                + "'; keys: "
                                + String.join(", ", new TreeSet<>(ENDPOINT_KEYS)));
            }
            if (value.isEmpty() || fields.put(key, value) != null) {
                throw new IllegalArgumentException(
                        "--webhook-endpoint needs one non-empty value for " + key);
            }
        }
        String name = fields.get("name");
        if (name != null && !ENDPOINT_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "--webhook-endpoint name must be letters, digits, - and _ (at most 40): "
                            + name);
        }
        SecretRef urlRef = ref(fields, "url", null);
        if (fields.containsKey("url") == (urlRef != null)) {
            throw new IllegalArgumentException(
                    WEBHOOK_ENDPOINT
                            + (name != null ? " " + name : "")
                            + " needs exactly one of url, url-file and url-env");
        }
        URI url;
        if (urlRef == null) {
            url = parseUrl(fields.get("url"), "--webhook-endpoint url");
        } else {
            try {
                url = parseSecretUrl(urlRef.read(env), urlRef);
            } catch (IllegalStateException | UncheckedIOException e) {
                throw new IllegalArgumentException("--webhook-endpoint: " + e.getMessage());
            }
        }
        String insecure = fields.getOrDefault("allow-insecure-http", "false");
        if (!insecure.equals("true") && !insecure.equals("false")) {
            throw new IllegalArgumentException(
                    "--webhook-endpoint allow-insecure-http must be true or false: " + insecure);
        }
        return endpoint(
                name,
                url,
                urlRef,
                ref(fields, "token", name),
                ref(fields, "secret", name),
                Boolean.parseBoolean(insecure),
                env);
    }

    /** The location given by {@code <what>-file} or {@code <what>-env}, or null for neither. */
    private static SecretRef ref(Map<String, String> fields, String what, String name) {
        String file = fields.get(what + "-file");
        String variable = fields.get(what + "-env");
        if (file != null && variable != null) {
            throw new IllegalArgumentException(
                    WEBHOOK_ENDPOINT
                            + (name != null ? " " + name : "")
                            + " has both "
                            + what
                            + "-file and "
                            + what
                            + "-env");
        }
        return file != null
                ? SecretRef.file(Path.of(file))
                : variable != null ? SecretRef.env(variable) : null;
    }

    /** A URL read from a secret's location: an error names the location, not the URL. */
    private static URI parseSecretUrl(String url, SecretRef location) {
        try {
            return parseAnyUrl(url, "the URL in " + location);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--webhook-endpoint: the URL in " + location + " is not an http(s) URL");
        }
    }

    /** A {@code --webhook-endpoint} as shown: an inline URL without its path and query. */
    static String shownEndpoint(String spec) {
        List<String> shown = new ArrayList<>();
        for (String pair : spec.split(",")) {
            String key = pair.contains("=") ? pair.substring(0, pair.indexOf('=')).strip() : "";
            if (key.equals("url")) {
                String value = pair.substring(pair.indexOf('=') + 1).strip();
                try {
                    shown.add("url=" + Redaction.url(new URI(value)));
                } catch (URISyntaxException e) {
                    shown.add("url=" + Redaction.MASK);
                }
            } else if (ENDPOINT_KEYS.contains(key)) {
                shown.add(pair.strip());
            } else {
                shown.add(key.isEmpty() ? Redaction.MASK : key + "=" + Redaction.MASK);
            }
        }
        return String.join(",", shown);
    }

    void validate(Problems problems) {
        for (String url : urls) {
            try {
                parseUrl(url, problems.name(WEBHOOK_URL));
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        problems.readable(WEBHOOK_TOKEN_FILE, tokenFile);
        problems.readable(WEBHOOK_SECRET_FILE, secretFile);
        problems.atLeast(WEBHOOK_MAX_ATTEMPTS, maxAttempts, 1);
        problems.positive(WEBHOOK_MAX_BACKOFF, maxBackoff);
        problems.atLeast(WEBHOOK_MAX_IN_FLIGHT, maxInFlight, 1);
        problems.notNegative(WEBHOOK_RETRY_WINDOW, retryWindow);
        problems.atLeast(WEBHOOK_BREAKER_THRESHOLD, breakerThreshold, 1);
        problems.positive(WEBHOOK_BREAKER_OPEN, breakerOpen);
        problems.notBlank(ENVIRONMENT, environment);
    }
}
