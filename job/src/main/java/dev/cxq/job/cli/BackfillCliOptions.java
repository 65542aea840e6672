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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

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

    /** Every problem of the backfill options; {@code name} turns a flag into the name as set. */
    List<String> errors(UnaryOperator<String> name, Map<String, String> env, int parallelism) {
        List<String> errors = new ArrayList<>();
        try {
            BackfillPlatform.of(platform);
        } catch (IllegalArgumentException e) {
            errors.add(name.apply(BACKFILL) + " must be genesys or nice: " + platform);
        }
        Instant start = instant(FROM, from, name, errors);
        Instant end = instant(TO, to, name, errors);
        if (start != null && end != null && !start.isBefore(end)) {
            errors.add(
                    name.apply(FROM)
                            + " must be before "
                            + name.apply(TO)
                            + ": "
                            + from
                            + " / "
                            + to);
        }
        url(BACKFILL_BASE_URL, baseUrl, name, errors);
        url(BACKFILL_TOKEN_URL, tokenUrl, name, errors);
        if (clientId == null || clientId.isBlank()) {
            errors.add(BACKFILL + " needs " + name.apply(BACKFILL_CLIENT_ID));
        }
        if (clientSecretFile != null) {
            if (!(Files.isRegularFile(clientSecretFile) && Files.isReadable(clientSecretFile))) {
                errors.add(
                        name.apply(BACKFILL_CLIENT_SECRET_FILE)
                                + " is not a readable file: "
                                + clientSecretFile);
            }
        } else if (env.get(SECRET_ENV) == null || env.get(SECRET_ENV).isBlank()) {
            errors.add(
                    BACKFILL
                            + " needs the client secret: "
                            + name.apply(BACKFILL_CLIENT_SECRET_FILE)
                            + " or "
                            + SECRET_ENV);
        }
        if (interval.isNegative() || interval.isZero()) {
            errors.add(name.apply(BACKFILL_INTERVAL) + " must be positive: " + interval);
        }
        try {
            RateLimit limit = rateLimit(rateLimit);
            if (limit.requests() / parallelism < 2) {
                errors.add(
                        name.apply(BACKFILL_RATE_LIMIT)
                                + " must allow at least 2 requests per window to each of the "
                                + parallelism
                                + " readers: "
                                + rateLimit);
            }
        } catch (IllegalArgumentException e) {
            errors.add(name.apply(BACKFILL_RATE_LIMIT) + " " + e.getMessage());
        }
        if (pageSize < 1) {
            errors.add(name.apply(BACKFILL_PAGE_SIZE) + " must be 1 or more: " + pageSize);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            errors.add(name.apply(BACKFILL_POLL_INTERVAL) + " must be positive: " + pollInterval);
        }
        if (maxAttempts < 1) {
            errors.add(name.apply(BACKFILL_MAX_ATTEMPTS) + " must be 1 or more: " + maxAttempts);
        }
        if (maxBackoff.isNegative() || maxBackoff.isZero()) {
            errors.add(name.apply(BACKFILL_MAX_BACKOFF) + " must be positive: " + maxBackoff);
        }
        return errors;
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

    private static Instant instant(
            String flag, String value, UnaryOperator<String> name, List<String> errors) {
        if (value == null) {
            errors.add(BACKFILL + " needs " + name.apply(flag));
            return null;
        }
        try {
            return Instant.ofEpochMilli(IsoInstants.parseEpochMillis(value));
        } catch (DateTimeException | ArithmeticException e) {
            errors.add(
                    name.apply(flag)
                            + " must be an ISO-8601 instant with offset (2026-03-01T00:00:00Z): "
                            + value);
            return null;
        }
    }

    private static void url(
            String flag, String value, UnaryOperator<String> name, List<String> errors) {
        if (value == null) {
            errors.add(BACKFILL + " needs " + name.apply(flag));
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
            errors.add(
                    name.apply(flag)
                            + " must be an http(s) URL with a host"
                            + (value.matches("[^@?#]*") ? ": " + value : ""));
            return;
        }
        if (uri.getRawUserInfo() != null
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            // Program arguments show in the web UI and the logs, and the URL in the job graph.
            errors.add(
                    name.apply(flag)
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
