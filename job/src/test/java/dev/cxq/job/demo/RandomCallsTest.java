package dev.cxq.job.demo;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The unscripted calls: the same stream gives the same call, at the documented rates. */
class RandomCallsTest {

    private static final long ORIGIN = 1_000_000_000L;
    private static final int DRAWS = 100_000;

    private final RandomCalls calls = new RandomCalls(ORIGIN, 300);

    @Test
    void aCallInProgressIsConnectedWithinTheFirstSampleIntervalAndLaterOnesQueueFirst() {
        for (int i = 0; i < 1_000; i++) {
            CallPlan inProgress = calls.next(new SplittableRandom(i), ORIGIN, true);
            CallPlan later = calls.next(new SplittableRandom(i), ORIGIN + 60_000, false);
            if (!inProgress.ivrOnly) {
                assertThat(inProgress.queuedAt).isEqualTo(-1);
                assertThat(inProgress.connectedAt - ORIGIN)
                        .isBetween(0L, DemoScript.SAMPLE_INTERVAL_MS - 1);
            }
            if (!later.ivrOnly) {
                assertThat(later.queuedAt).isGreaterThanOrEqualTo(ORIGIN + 60_000);
                assertThat(later.connectedAt).isGreaterThan(later.queuedAt);
                assertThat(later.completedAt).isGreaterThan(later.talkEnd);
            }
        }
    }

    @Test
    void incidentsAndUploadsComeAtTheDocumentedRates() {
        int ivrOnly = 0;
        int degraded = 0;
        int failed = 0;
        int agentCalls = 0;
        SplittableRandom seeds = new SplittableRandom(3);
        for (int i = 0; i < DRAWS; i++) {
            CallPlan c = calls.next(seeds.split(), ORIGIN, false);
            if (c.ivrOnly) {
                ivrOnly++;
                continue;
            }
            agentCalls++;
            if (c.incident == MediaCondition.HIGH || c.incident == MediaCondition.CRITICAL) {
                degraded++;
            }
            if (c.recordingRequired && c.upload == CallPlan.Upload.FAILED) {
                failed++;
            }
        }
        assertThat(ivrOnly / (double) DRAWS).isBetween(0.055, 0.065);
        assertThat(degraded / (double) agentCalls).isBetween(0.008, 0.012);
        int recorded = (int) Math.round(agentCalls * 0.70);
        assertThat(failed / (double) recorded).isBetween(0.07, 0.09);
    }
}
