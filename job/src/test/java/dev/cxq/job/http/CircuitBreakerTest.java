package dev.cxq.job.http;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class CircuitBreakerTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final CircuitBreaker breaker = new CircuitBreaker(3, 500, now::get);

    @Test
    void opensAfterConsecutiveFailuresAndLetsOneProbeThroughAfterTheOpenTime() {
        breaker.onFailure();
        breaker.onFailure();
        assertThat(breaker.waitBeforeCall()).isZero();
        breaker.onFailure();
        assertThat(breaker.isOpen()).isTrue();
        assertThat(breaker.waitBeforeCall()).isEqualTo(500);

        now.addAndGet(200);
        assertThat(breaker.waitBeforeCall()).isEqualTo(300);

        now.addAndGet(300);
        assertThat(breaker.waitBeforeCall()).as("the probe").isZero();
        assertThat(breaker.waitBeforeCall()).as("while the probe is out").isPositive();

        breaker.onSuccess();
        assertThat(breaker.isOpen()).isFalse();
        assertThat(breaker.waitBeforeCall()).isZero();
    }

    @Test
    void aFailedProbeReopensTheCircuit() {
        for (int i = 0; i < 3; i++) {
            breaker.onFailure();
        }
        now.addAndGet(500);
        assertThat(breaker.waitBeforeCall()).isZero();
        breaker.onFailure();
        assertThat(breaker.waitBeforeCall()).isEqualTo(500);
    }

    @Test
    void aSuccessResetsTheFailureCount() {
        breaker.onFailure();
        breaker.onFailure();
        breaker.onSuccess();
        breaker.onFailure();
        breaker.onFailure();
        assertThat(breaker.isOpen()).isFalse();
    }
}
