package dev.cxq.job.backfill;

import dev.cxq.job.http.RateLimit;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;

/**
 * Everything a backfill source needs, without the secret (see {@link ClientSecret}).
 *
 * @param platform where to read from
 * @param from start of the backfilled range (inclusive)
 * @param to end of the range (exclusive)
 * @param interval length of one split; the last one may be shorter
 * @param baseUrl the platform's API root (Genesys: {@code https://api.mypurecloud.com}; NICE: up to
 *     the API version, {@code https://api-{cluster}.niceincontact.com/inContactAPI/services/v27.0})
 * @param tokenUrl the OAuth 2 token endpoint
 * @param clientId the OAuth client id
 * @param clientSecret where the client secret is read from
 * @param rateLimit the tenant's request budget, shared by all readers
 * @param pageSize records asked for per page
 * @param pollInterval wait between two polls of a Genesys job's state
 * @param maxAttempts calls of one request (429, 5xx, I/O errors) and submissions of one Genesys job
 *     before the backfill fails
 * @param maxBackoff cap of one retry delay
 */
public record BackfillSettings(
        BackfillPlatform platform,
        Instant from,
        Instant to,
        Duration interval,
        URI baseUrl,
        URI tokenUrl,
        String clientId,
        ClientSecret clientSecret,
        RateLimit rateLimit,
        int pageSize,
        Duration pollInterval,
        int maxAttempts,
        Duration maxBackoff)
        implements Serializable {}
