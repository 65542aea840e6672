package dev.cxq.job.cli;

import dev.cxq.job.backfill.BackfillPlatform;
import dev.cxq.job.backfill.BackfillSettings;
import dev.cxq.job.backfill.ClientSecret;
import dev.cxq.job.http.RateLimit;
import dev.cxq.job.secret.Redaction;
import dev.cxq.udf.internal.IsoInstants;

import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Options of {@code --backfill}: read a time range straight from a platform's API instead of files
 * or Kafka (docs/adapters.md#backfill-from-the-platforms).
 */
final class BackfillCliOptions {

    static final String SECRET_ENV = "CXQ_BACKFILL_CLIENT_SECRET";

    static final String BACKFILL = "--backfill";

    @Config(key = "backfill.platform", rule = "genesys or nice; exactly one input")
    @Option(
            names = BACKFILL,
            paramLabel = "PLATFORM",
            description =
                    "genesys or nice: backfill [--from, --to) from the platform's API, in parallel"
                            + " time intervals, resumable from a checkpoint.")
    String platform;

    static final String FROM = "--from";

    @Config(key = "backfill.from", rule = "ISO-8601 instant; before backfill.to")
    @Option(
            names = FROM,
            description = "Backfill: start of the range, an ISO-8601 instant (inclusive).")
    String from;

    static final String TO = "--to";

    @Config(key = "backfill.to", rule = "ISO-8601 instant; after backfill.from")
    @Option(names = TO, description = "Backfill: end of the range (exclusive).")
    String to;

    static final String BACKFILL_BASE_URL = "--backfill-base-url";

    @Config(key = "backfill.base-url", rule = "http(s) URL with a host")
    @Option(
            names = BACKFILL_BASE_URL,
            description =
                    "Backfill: API root; Genesys https://api.mypurecloud.com (your region), NICE"
                            + " up to the API version, e.g. https://api-c32.incontact.com"
                            + "/inContactAPI/services/v27.0.")
    String baseUrl;

    static final String BACKFILL_TOKEN_URL = "--backfill-token-url";

    @Config(key = "backfill.token-url", rule = "http(s) URL with a host")
    @Option(
            names = BACKFILL_TOKEN_URL,
            description =
                    "Backfill: OAuth 2 token endpoint (client credentials), e.g."
                            + " https://login.mypurecloud.com/oauth/token.")
    String tokenUrl;

    static final String BACKFILL_CLIENT_ID = "--backfill-client-id";

    @Config(key = "backfill.client-id", rule = "not blank")
    @Option(names = BACKFILL_CLIENT_ID, description = "Backfill: OAuth client id.")
    String clientId;

    static final String BACKFILL_CLIENT_SECRET_FILE = "--backfill-client-secret-file";

    @Config(
            key = "backfill.client-secret-file",
            rule = "a readable file; else " + BackfillCliOptions.SECRET_ENV)
    @Option(
            names = BACKFILL_CLIENT_SECRET_FILE,
            paramLabel = "FILE",
            description =
                    "Backfill: file holding the OAuth client secret; without it the secret is read"
                            + " from "
                            + SECRET_ENV
                            + " (by each reader, never put in the job graph).")
    Path clientSecretFile;

    static final String BACKFILL_INTERVAL = "--backfill-interval";

    @Config(key = "backfill.interval", rule = "positive")
    @Option(
            names = BACKFILL_INTERVAL,
            defaultValue = "1h",
            converter = DurationConverter.class,
            description =
                    "Backfill: length of one split, the unit of parallelism and of resumption.")
    Duration interval;

    static final String BACKFILL_RATE_LIMIT = "--backfill-rate-limit";

    @Config(key = "backfill.rate-limit", rule = "REQUESTS/WINDOW, at least 2 per reader")
    @Option(
            names = BACKFILL_RATE_LIMIT,
            defaultValue = "300/1m",
            description =
                    "Backfill: the tenant's request budget N/WINDOW, shared by all readers (Genesys"
                            + " Cloud allows 300 requests a minute per client).")
    String rateLimit;

    static final String BACKFILL_PAGE_SIZE = "--backfill-page-size";

    @Config(key = "backfill.page-size", rule = "1 or more")
    @Option(
            names = BACKFILL_PAGE_SIZE,
            defaultValue = "100",
            description = "Backfill: records asked for per page.")
    int pageSize;

    static final String BACKFILL_POLL_INTERVAL = "--backfill-poll-interval";

    @Config(key = "backfill.poll-interval", rule = "positive")
    @Option(
            names = BACKFILL_POLL_INTERVAL,
            defaultValue = "2s",
            converter = DurationConverter.class,
            description = "Backfill: wait between two polls of a Genesys job's state.")
    Duration pollInterval;

    static final String BACKFILL_MAX_ATTEMPTS = "--backfill-max-attempts";

    @Config(key = "backfill.max-attempts", rule = "1 or more")
    @Option(
            names = BACKFILL_MAX_ATTEMPTS,
            defaultValue = "8",
            description =
                    "Backfill: calls of one request (429, 5xx, I/O errors) and submissions of one"
                            + " Genesys job before the backfill fails.")
    int maxAttempts;

    static final String BACKFILL_MAX_BACKOFF = "--backfill-max-backoff";

    @Config(key = "backfill.max-backoff", rule = "positive")
    @Option(
            names = BACKFILL_MAX_BACKOFF,
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "Backfill: cap of one retry delay (a longer Retry-After is capped too).")
    Duration maxBackoff;

    boolean enabled() {
        return platform != null;
    }

    /** Checks the backfill options (given {@link #enabled()}). */
    void validate(Problems problems, Map<String, String> env, int parallelism) {
        try {
            BackfillPlatform.of(platform);
        } catch (IllegalArgumentException e) {
            problems.add(problems.name(BACKFILL) + " must be genesys or nice: " + platform);
        }
        Instant start = instant(FROM, from, problems);
        Instant end = instant(TO, to, problems);
        if (start != null && end != null && !start.isBefore(end)) {
            problems.add(
                    problems.name(FROM)
                            + " must be before "
                            + problems.name(TO)
                            + ": "
                            + from
                            + " / "
                            + to);
        }
        url(BACKFILL_BASE_URL, baseUrl, problems);
        url(BACKFILL_TOKEN_URL, tokenUrl, problems);
        if (clientId == null || clientId.isBlank()) {
            problems.add(BACKFILL + " needs " + problems.name(BACKFILL_CLIENT_ID));
        }
        if (clientSecretFile != null) {
            problems.readable(BACKFILL_CLIENT_SECRET_FILE, clientSecretFile);
        } else if (env.get(SECRET_ENV) == null || env.get(SECRET_ENV).isBlank()) {
            problems.add(
                    BACKFILL
                            + " needs the client secret: "
                            + problems.name(BACKFILL_CLIENT_SECRET_FILE)
                            + " or "
                            + SECRET_ENV);
        }
        problems.positive(BACKFILL_INTERVAL, interval);
        try {
            RateLimit limit = rateLimit(rateLimit);
            if (limit.requests() / parallelism < 2) {
                problems.add(
                        problems.name(BACKFILL_RATE_LIMIT)
                                + " must allow at least 2 requests per window to each of the "
                                + parallelism
                                + " readers: "
                                + rateLimit);
            }
        } catch (IllegalArgumentException e) {
            problems.add(problems.name(BACKFILL_RATE_LIMIT) + " " + e.getMessage());
        }
        problems.atLeast(BACKFILL_PAGE_SIZE, pageSize, 1);
        problems.positive(BACKFILL_POLL_INTERVAL, pollInterval);
        problems.atLeast(BACKFILL_MAX_ATTEMPTS, maxAttempts, 1);
        problems.positive(BACKFILL_MAX_BACKOFF, maxBackoff);
    }

    /** The settings of a validated configuration. */
    BackfillSettings settings() {
        return new BackfillSettings(
                BackfillPlatform.of(platform),
                Instant.ofEpochMilli(IsoInstants.parseEpochMillis(from)),
                Instant.ofEpochMilli(IsoInstants.parseEpochMillis(to)),
                interval,
                URI.create(baseUrl),
                URI.create(tokenUrl),
                clientId,
                new ClientSecret(
                        clientSecretFile == null ? null : clientSecretFile.toString(), SECRET_ENV),
                rateLimit(rateLimit),
                pageSize,
                pollInterval,
                maxAttempts,
                maxBackoff);
    }

    /** A request budget written REQUESTS/WINDOW, e.g. 300/1m. */
    static RateLimit rateLimit(String text) {
        String[] parts = text.split("/", 2);
        try {
            int requests = Integer.parseInt(parts[0].trim());
            Duration window = new DurationConverter().convert(parts[1]);
            if (requests < 1 || window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException();
            }
            return new RateLimit(requests, window);
        } catch (ArrayIndexOutOfBoundsException
                | IllegalArgumentException
                | CommandLine.TypeConversionException e) {
            throw new IllegalArgumentException("must be REQUESTS/WINDOW, e.g. 300/1m: " + text);
        }
    }

    private static Instant instant(String flag, String value, Problems problems) {
        if (value == null) {
            problems.add(BACKFILL + " needs " + problems.name(flag));
            return null;
        }
        try {
            return Instant.ofEpochMilli(IsoInstants.parseEpochMillis(value));
        } catch (DateTimeException | ArithmeticException e) {
            problems.add(
                    problems.name(flag)
                            + " must be an ISO-8601 instant with offset (2026-03-01T00:00:00Z): "
                            + value);
            return null;
        }
    }

    private static void url(String flag, String value, Problems problems) {
        if (value == null) {
            problems.add(BACKFILL + " needs " + problems.name(flag));
            return;
        }
        URI uri;
        try {
            uri = URI.create(value);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            // Quoted unless it may hold a credential.
            problems.add(
                    problems.name(flag)
                            + " must be an http(s) URL with a host"
                            + (value.matches("[^@?#]*") ? ": " + value : ""));
            return;
        }
        if (uri.getRawUserInfo() != null
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            // Program arguments show in the web UI and the logs, and the URL in the job graph.
            problems.add(
                    problems.name(flag)
                            + " "
                            + Redaction.url(uri)
                            + " must hold no credential (no user info, query string or fragment);"
                            + " the client secret goes in "
                            + BACKFILL_CLIENT_SECRET_FILE
                            + " or "
                            + SECRET_ENV);
        }
    }
}
