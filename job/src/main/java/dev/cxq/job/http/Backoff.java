package dev.cxq.job.http;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;

/** Retry delays: exponential with full jitter, or the server's {@code Retry-After} when given. */
public final class Backoff {

    private final long initialMs;
    private final long maxMs;

    public Backoff(Duration initial, Duration max) {
        this.initialMs = initial.toMillis();
        this.maxMs = max.toMillis();
    }

    /** Delay before attempt number {@code attemptsMade + 1}. */
    public long delayMs(int attemptsMade, String retryAfter, long nowMillis) {
        long serverDelay = parseRetryAfter(retryAfter, nowMillis);
        if (serverDelay >= 0) {
            return Math.min(serverDelay, maxMs);
        }
        long ceiling = initialMs << Math.min(Math.max(attemptsMade - 1, 0), 20);
        ceiling = Math.min(Math.max(ceiling, 1), maxMs);
        return ThreadLocalRandom.current().nextLong(ceiling + 1);
    }

    /** {@code Retry-After} as delta-seconds or HTTP date; -1 when absent or unreadable. */
    static long parseRetryAfter(String value, long nowMillis) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        String text = value.trim();
        try {
            return Math.max(0, Long.parseLong(text) * 1000);
        } catch (NumberFormatException notSeconds) {
            try {
                long at =
                        ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME)
                                .toInstant()
                                .toEpochMilli();
                return Math.max(0, at - nowMillis);
            } catch (DateTimeParseException notADate) {
                return -1;
            }
        }
    }
}
