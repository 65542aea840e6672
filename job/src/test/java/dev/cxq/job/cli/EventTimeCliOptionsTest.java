package dev.cxq.job.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class EventTimeCliOptionsTest {

    private static EventTimeCliOptions parse(String... args) {
        EventTimeCliOptions options = new EventTimeCliOptions();
        new CommandLine(options).parseArgs(args);
        return options;
    }

    @Test
    void aReferenceNowReplacesTheClock() {
        EventTimeCliOptions options =
                parse("--reference-now", "2030-01-01T00:00:00Z", "--future-tolerance", "5m");
        assertThat(options.limits().latestAcceptedMillis())
                .isEqualTo(Instant.parse("2030-01-01T00:05:00Z").toEpochMilli());
    }

    @Test
    void byDefaultTheClockPlusOneMinute() {
        long before = System.currentTimeMillis();
        long latest = parse().limits().latestAcceptedMillis();
        long after = System.currentTimeMillis();
        assertThat(latest).isBetween(before + 60_000, after + 60_000);
    }

    @Test
    void aToleranceOfCenturiesDoesNotWrapAround() {
        EventTimeCliOptions options = parse("--future-tolerance", "PT2562047788015H");
        assertThat(options.limits().latestAcceptedMillis()).isEqualTo(Long.MAX_VALUE);
    }
}
