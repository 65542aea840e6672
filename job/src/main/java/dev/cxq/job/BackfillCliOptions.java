package dev.cxq.job;

import dev.cxq.job.backfill.BackfillPlatform;
import dev.cxq.job.backfill.BackfillSettings;
import dev.cxq.job.backfill.ClientSecret;
import dev.cxq.job.http.RateLimit;
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

    @Option(
            names = "--backfill",
            paramLabel = "PLATFORM",
            description =
                    "genesys or nice: backfill [--from, --to) from the platform's API, in parallel"
                            + " time intervals, resumable from a checkpoint.")
    String platform;

    @Option(
            names = "--from",
            description = "Backfill: start of the range, an ISO-8601 instant (inclusive).")
    String from;

    @Option(names = "--to", description = "Backfill: end of the range (exclusive).")
    String to;

    @Option(
            names = "--backfill-base-url",
            description =
                    "Backfill: API root; Genesys https://api.mypurecloud.com (your region), NICE"
                            + " up to the API version, e.g. https://api-c32.incontact.com"
                            + "/inContactAPI/services/v27.0.")
    String baseUrl;

    @Option(
            names = "--backfill-token-url",
            description =
                    "Backfill: OAuth 2 token endpoint (client credentials), e.g."
                            + " https://login.mypurecloud.com/oauth/token.")
    String tokenUrl;

    @Option(names = "--backfill-client-id", description = "Backfill: OAuth client id.")
    String clientId;

    @Option(
            names = "--backfill-client-secret-file",
            paramLabel = "FILE",
            description =
                    "Backfill: file holding the OAuth client secret; without it the secret is read"
                            + " from "
                            + SECRET_ENV
                            + " (by each reader, never put in the job graph).")
    Path clientSecretFile;

    @Option(
            names = "--backfill-interval",
            defaultValue = "1h",
            converter = DurationConverter.class,
            description =
                    "Backfill: length of one split, the unit of parallelism and of resumption.")
    Duration interval;

    @Option(
            names = "--backfill-rate-limit",
            defaultValue = "300/1m",
            description =
                    "Backfill: the tenant's request budget N/WINDOW, shared by all readers (Genesys"
                            + " Cloud allows 300 requests a minute per client).")
    String rateLimit;

    @Option(
            names = "--backfill-page-size",
            defaultValue = "100",
            description = "Backfill: records asked for per page.")
    int pageSize;

    @Option(
            names = "--backfill-poll-interval",
            defaultValue = "2s",
            converter = DurationConverter.class,
            description = "Backfill: wait between two polls of a Genesys job's state.")
    Duration pollInterval;

    @Option(
            names = "--backfill-max-attempts",
            defaultValue = "8",
            description =
                    "Backfill: calls of one request (429, 5xx, I/O errors) and submissions of one"
                            + " Genesys job before the backfill fails.")
    int maxAttempts;

    @Option(
            names = "--backfill-max-backoff",
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
            errors.add(name.apply("--backfill") + " must be genesys or nice: " + platform);
        }
        Instant start = instant("--from", from, name, errors);
        Instant end = instant("--to", to, name, errors);
        if (start != null && end != null && !start.isBefore(end)) {
            errors.add(
                    name.apply("--from")
                            + " must be before "
                            + name.apply("--to")
                            + ": "
                            + from
                            + " / "
                            + to);
        }
        url("--backfill-base-url", baseUrl, name, errors);
        url("--backfill-token-url", tokenUrl, name, errors);
        if (clientId == null || clientId.isBlank()) {
            errors.add("--backfill needs " + name.apply("--backfill-client-id"));
        }
        if (clientSecretFile != null) {
            if (!(Files.isRegularFile(clientSecretFile) && Files.isReadable(clientSecretFile))) {
                errors.add(
                        name.apply("--backfill-client-secret-file")
                                + " is not a readable file: "
                                + clientSecretFile);
            }
        } else if (env.get(SECRET_ENV) == null || env.get(SECRET_ENV).isBlank()) {
            errors.add(
                    "--backfill needs the client secret: "
                            + name.apply("--backfill-client-secret-file")
                            + " or "
                            + SECRET_ENV);
        }
        if (interval.isNegative() || interval.isZero()) {
            errors.add(name.apply("--backfill-interval") + " must be positive: " + interval);
        }
        try {
            RateLimit limit = rateLimit(rateLimit);
            if (limit.requests() / parallelism < 2) {
                errors.add(
                        name.apply("--backfill-rate-limit")
                                + " must allow at least 2 requests per window to each of the "
                                + parallelism
                                + " readers: "
                                + rateLimit);
            }
        } catch (IllegalArgumentException e) {
            errors.add(name.apply("--backfill-rate-limit") + " " + e.getMessage());
        }
        if (pageSize < 1) {
            errors.add(name.apply("--backfill-page-size") + " must be 1 or more: " + pageSize);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            errors.add(
                    name.apply("--backfill-poll-interval") + " must be positive: " + pollInterval);
        }
        if (maxAttempts < 1) {
            errors.add(
                    name.apply("--backfill-max-attempts") + " must be 1 or more: " + maxAttempts);
        }
        if (maxBackoff.isNegative() || maxBackoff.isZero()) {
            errors.add(name.apply("--backfill-max-backoff") + " must be positive: " + maxBackoff);
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
            errors.add("--backfill needs " + name.apply(flag));
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
            errors.add("--backfill needs " + name.apply(flag));
            return;
        }
        try {
            URI uri = URI.create(value);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            errors.add(name.apply(flag) + " must be an http(s) URL with a host: " + value);
        }
    }
}
