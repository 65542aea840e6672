package dev.cxq.job.http;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

    @Test
    void exponentialWithFullJitterStaysUnderTheDoublingCeilingAndTheCap() {
        for (int attempts = 1; attempts <= 12; attempts++) {
            long ceiling = Math.min(100L << (attempts - 1), 5000);
            for (int i = 0; i < 200; i++) {
                assertThat(backoff.delayMs(attempts, null, 0)).isBetween(0L, ceiling);
            }
        }
    }

    @Test
    void jitterSpreadsTheDelays() {
        long first = backoff.delayMs(6, null, 0);
        boolean differs = false;
        for (int i = 0; i < 50 && !differs; i++) {
            differs = backoff.delayMs(6, null, 0) != first;
        }
        assertThat(differs).isTrue();
    }

    @Test
    void honoursRetryAfterSecondsAndDatesUpToTheCap() {
        assertThat(backoff.delayMs(1, "2", 0)).isEqualTo(2000);
        assertThat(backoff.delayMs(1, "120", 0)).isEqualTo(5000);
        long now = Instant.parse("2026-03-09T14:00:00Z").toEpochMilli();
        String inThreeSeconds =
                DateTimeFormatter.RFC_1123_DATE_TIME.format(
                        Instant.ofEpochMilli(now + 3000).atOffset(ZoneOffset.UTC));
        assertThat(backoff.delayMs(1, inThreeSeconds, now)).isEqualTo(3000);
        assertThat(Backoff.parseRetryAfter("soon", now)).isEqualTo(-1);
        assertThat(Backoff.parseRetryAfter(null, now)).isEqualTo(-1);
    }
}
