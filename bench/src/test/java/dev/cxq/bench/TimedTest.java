package dev.cxq.bench;

import org.apache.flink.api.common.JobExecutionResult;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The steady-state window: from the record in the middle of the input to the job's end. */
class TimedTest {

    private static final JobExecutionResult DONE = new JobExecutionResult(null, 0, Map.of());

    @AfterEach
    void uninstall() {
        EmissionClock.uninstall();
    }

    @Test
    void theSecondHalfLeavesOutTheCpuSpentBeforeTheRecordInTheMiddle() throws Exception {
        EmissionClock.install(10);

        Timed timed =
                Timed.measure(
                        10,
                        () -> {
                            for (long i = 0; i < 10; i++) {
                                if (i < 5) {
                                    burnCpu(0.02);
                                }
                                EmissionClock.record(i);
                            }
                            return DONE;
                        });

        assertThat(timed.secondHalfCpuSeconds()).isNotNaN();
        assertThat(timed.cpuSeconds() - timed.secondHalfCpuSeconds()).isGreaterThanOrEqualTo(0.1);
        assertThat(timed.secondHalfJitCpuSeconds()).isBetween(0.0, timed.jitCpuSeconds());
    }

    /** Two splits: the record at index count / 2 may be emitted first; the count decides. */
    @Test
    void theMiddleIsTheHalfOfTheRecordsEmittedWhateverTheirIndexes() throws Exception {
        EmissionClock.install(10);

        Timed timed =
                Timed.measure(
                        10,
                        () -> {
                            for (long i = 5; i < 10; i++) {
                                burnCpu(0.02);
                                EmissionClock.record(i);
                            }
                            for (long i = 0; i < 5; i++) {
                                EmissionClock.record(i);
                            }
                            return DONE;
                        });

        assertThat(timed.cpuSeconds() - timed.secondHalfCpuSeconds()).isGreaterThanOrEqualTo(0.1);
    }

    @Test
    void aJobThatNeverReachesTheMiddleHasNoSteadyStateFigure() throws Exception {
        EmissionClock.install(10);

        Timed timed =
                Timed.measure(
                        10,
                        () -> {
                            for (long i = 0; i < 5; i++) {
                                EmissionClock.record(i);
                            }
                            return DONE;
                        });

        assertThat(timed.secondHalfCpuSeconds()).isNaN();
        assertThat(timed.perCpuSecondSteady()).isNaN();
    }

    /** Keeps this thread busy for {@code seconds} of its own CPU time. */
    private static void burnCpu(double seconds) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long until = threads.getCurrentThreadCpuTime() + (long) (seconds * 1e9);
        long spin = 0;
        while (threads.getCurrentThreadCpuTime() < until) {
            spin++;
        }
        assertThat(spin).isPositive();
    }
}
