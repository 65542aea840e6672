package dev.cxq.job.demo;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo's clock: event time fast, never ahead of the wall clock, a KPI window closing soon. */
class DemoClockTest {

    private static final long START = Instant.parse("2026-03-09T15:02:17.345Z").toEpochMilli();
    private static final long FIVE_MINUTES = Duration.ofMinutes(5).toMillis();

    private final DemoClock clock = DemoClock.start(START, 10, Duration.ofSeconds(45));

    @Test
    void fortyFiveSecondsAtTenTimesCoverSevenAndAHalfMinutesOfEventTime() {
        assertThat(clock.eventTime(START)).isEqualTo(clock.eventStartMs());
        assertThat(clock.eventTime(START + 45_000) - clock.eventStartMs())
                .isEqualTo(Duration.ofMinutes(7).plusSeconds(30).toMillis());
        assertThat(clock.scriptOriginMs())
                .isEqualTo(clock.eventStartMs() - DemoClock.HISTORY.toMillis());
    }

    @Test
    void aFiveMinuteWindowEndsThirtySecondsOfEventTimeAfterTheStart() {
        long firstWindowEnd = clock.eventStartMs() + DemoClock.FIRST_WINDOW_CLOSE.toMillis();
        assertThat(firstWindowEnd % FIVE_MINUTES).isZero();
        assertThat(DemoClock.FIRST_WINDOW_CLOSE).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void eventTimeIsNeverAheadOfTheWallClockAndFollowsItOnceCaughtUp() {
        for (long wall = START; wall < START + 600_000; wall += 1_000) {
            assertThat(clock.eventTime(wall)).isLessThanOrEqualTo(wall);
        }
        long late = START + 3_600_000;
        assertThat(clock.eventTime(late)).isEqualTo(late);
        assertThat(clock.eventTime(late + 1_000) - clock.eventTime(late)).isEqualTo(1_000);
    }

    @Test
    void theWaitForAnEventTimeEndsWhenTheClockReachesIt() {
        long target = clock.eventStartMs() + 100_000;
        long wait = clock.wallDelay(target, START);
        assertThat(wait).isEqualTo(10_000);
        assertThat(clock.eventTime(START + wait)).isGreaterThanOrEqualTo(target);
        assertThat(clock.eventTime(START + wait - 1)).isLessThan(target);
        assertThat(clock.wallDelay(clock.eventStartMs(), START)).isZero();
    }
}
