package dev.cxq.bench;

import org.apache.flink.api.common.JobExecutionResult;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One timed job: events in, the job's wall-clock seconds (its net runtime), and over the whole call
 * that ran it ({@code windowSeconds}, cluster start included): the CPU seconds of this process, of
 * the JIT compiler threads among them (0 where they could not be told apart) and of the whole
 * machine (every process; 0 where {@code /proc/stat} is missing), which tells how much of the
 * machine other processes took meanwhile.
 */
record Timed(
        long events,
        double wallSeconds,
        double windowSeconds,
        double cpuSeconds,
        double jitCpuSeconds,
        double machineCpuSeconds) {

    private static final Path PROC_STAT = Path.of("/proc/stat");

    /** {@code USER_HZ}, the unit of {@code /proc} CPU times; 100 on every Linux kernel build. */
    private static final double TICKS_PER_SECOND = 100;

    /** A job to time; it returns when the job has finished. */
    interface Job {
        JobExecutionResult run() throws Exception;
    }

    static Timed measure(long events, Job job) throws Exception {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean();
        ThreadCpu threads = ThreadCpu.start();
        double machineBefore = machineBusySeconds();
        long cpuBefore = os.getProcessCpuTime();
        long start = System.nanoTime();
        JobExecutionResult result = job.run();
        long window = System.nanoTime() - start;
        long cpu = os.getProcessCpuTime() - cpuBefore;
        double machine = machineBusySeconds() - machineBefore;
        double jit = threads == null ? 0 : threads.stop().get(ThreadCpu.Kind.JIT);
        return new Timed(
                events, result.getNetRuntime() / 1e3, window / 1e9, cpu / 1e9, jit, machine);
    }

    double perSecond() {
        return events / wallSeconds;
    }

    double perCpuSecond() {
        return events / cpuSeconds;
    }

    /** The steady-state figure: a long-running job compiles its hot code once. */
    double perCpuSecondWithoutJit() {
        return events / (cpuSeconds - jitCpuSeconds);
    }

    /** Cores other processes kept busy on average while the job ran. */
    double otherCores() {
        return Math.max(0, machineCpuSeconds - cpuSeconds) / windowSeconds;
    }

    /** Busy (not idle, not waiting for I/O) CPU seconds of the whole machine since boot. */
    private static double machineBusySeconds() throws IOException {
        if (!Files.isReadable(PROC_STAT)) {
            return 0;
        }
        String[] cpu = Files.readAllLines(PROC_STAT).get(0).trim().split("\\s+");
        long busy = 0;
        // cpu user nice system idle iowait irq softirq steal: everything but idle and iowait.
        for (int field = 1; field <= 8 && field < cpu.length; field++) {
            if (field != 4 && field != 5) {
                busy += Long.parseLong(cpu[field]);
            }
        }
        return busy / TICKS_PER_SECOND;
    }
}
