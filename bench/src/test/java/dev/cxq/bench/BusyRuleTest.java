package dev.cxq.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BusyRuleTest {

    private final BusyRule rule = new BusyRule(0.5, 0.25);

    @Test
    void theOneMinuteLoadAverageBeforeTheFirstRunDecides() {
        assertThat(rule.busyBefore(LoadAverage.parse("0.50 7.00 9.00 1/200 1234"))).isFalse();
        assertThat(rule.busyBefore(LoadAverage.parse("0.51 0.10 0.10 1/200 1234"))).isTrue();
    }

    @Test
    void anUnknownLoadAverageIsBusy() {
        assertThat(rule.busyBefore(new LoadAverage(Double.NaN, Double.NaN, Double.NaN))).isTrue();
    }

    @Test
    void aRunIsBusyWhenOtherProcessesTookMoreThanTheLimitMeanwhile() {
        // 10 s window, the run used 15 CPU-s: others took (17 - 15) / 10 = 0.2 cores.
        Timed quiet = new Timed(1000, 9, 10, 15, 2, 17, Double.NaN, Double.NaN);
        // Others took (18 - 15) / 10 = 0.3 cores.
        Timed busy = new Timed(1000, 9, 10, 15, 2, 18, Double.NaN, Double.NaN);

        assertThat(quiet.otherCores()).isCloseTo(0.2, within(1e-9));
        assertThat(rule.busyDuring(quiet)).isFalse();
        assertThat(rule.busyDuring(busy)).isTrue();
    }

    @Test
    void theRunsOwnCpuIsNeverCountedAsOthers() {
        // A run that used both cores for its whole window, alone on the machine.
        Timed alone = new Timed(1000, 9, 10, 20, 2, 20, Double.NaN, Double.NaN);

        assertThat(alone.otherCores()).isZero();
        assertThat(rule.busyDuring(alone)).isFalse();
    }
}
