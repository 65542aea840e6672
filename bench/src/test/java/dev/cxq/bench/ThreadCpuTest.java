package dev.cxq.bench;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ThreadCpuTest {

    @Test
    void tellsTheJitAndTheCollectorFromTheJobByThreadName() {
        assertThat(ThreadCpu.kindOf("C2 CompilerThre")).isEqualTo(ThreadCpu.Kind.JIT);
        assertThat(ThreadCpu.kindOf("C1 CompilerThre")).isEqualTo(ThreadCpu.Kind.JIT);
        assertThat(ThreadCpu.kindOf("GC Thread#1")).isEqualTo(ThreadCpu.Kind.GC);
        assertThat(ThreadCpu.kindOf("G1 Conc#0")).isEqualTo(ThreadCpu.Kind.GC);
        assertThat(ThreadCpu.kindOf("rocksdb:low")).isEqualTo(ThreadCpu.Kind.ROCKSDB_BACKGROUND);
        assertThat(ThreadCpu.kindOf("Session quality")).isEqualTo(ThreadCpu.Kind.JOB);
    }

    @Test
    void countsTheCpuOfAThreadThatEndedBeforeTheStop() throws Exception {
        ThreadCpu cpu = ThreadCpu.start();
        assumeTrue(cpu != null, "needs /proc/self/task (Linux)");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Thread worker =
                new Thread(
                        () -> {
                            long x = 0;
                            // Busy until this thread itself has used 0.5 s of CPU.
                            while (threads.getCurrentThreadCpuTime() < 500_000_000L) {
                                x += Long.numberOfTrailingZeros(x + System.nanoTime());
                            }
                            if (x == 42) {
                                System.out.println();
                            }
                        },
                        "busy-worker");
        worker.start();
        worker.join();

        Map<ThreadCpu.Kind, Double> seconds = cpu.stop();

        // The last sample may be up to one sampling interval before the thread ended.
        assertThat(seconds.get(ThreadCpu.Kind.JOB)).isGreaterThanOrEqualTo(0.3);
    }
}
