package dev.cxq.bench;

import org.apache.flink.api.common.JobExecutionResult;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One timed job: events in, the job's wall-clock seconds (its net runtime), and over the whole call
 * that ran it ({@code windowSeconds}, cluster start included): the CPU seconds of this process, of
 * the JIT compiler threads among them (0 where they could not be told apart) and of the whole
 * machine (every process; 0 where {@code /proc/stat} is missing), which tells how much of the
 * machine other processes took meanwhile.
 *
 * <p>The steady-state figure takes the second half of the input only: the process's and the JIT's
 * CPU seconds from the emission of the record in the middle ({@link EmissionClock#atHalfway}) to
 * the job's end (NaN when the job's source does not mark it). The first half carries the cluster's
 * start, the deployment and the warm-up of the code, which a long-running job pays once; on the
 * small CEP input the start alone was most of the CPU.
 */
record Timed(
        long events,
        double wallSeconds,
        double windowSeconds,
        double cpuSeconds,
        double jitCpuSeconds,
        double machineCpuSeconds,
        double secondHalfCpuSeconds,
        double secondHalfJitCpuSeconds) {

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
        AtomicReference<double[]> halfway = new AtomicReference<>();
        EmissionClock.atHalfway(
                () ->
                        halfway.set(
                                new double[] {
                                    os.getProcessCpuTime() / 1e9,
                                    threads == null ? 0 : threads.now().get(ThreadCpu.Kind.JIT)
                                }));
        long start = System.nanoTime();
        JobExecutionResult result;
        try {
            result = job.run();
        } finally {
            EmissionClock.atHalfway(null);
        }
        long window = System.nanoTime() - start;
        long cpuAfter = os.getProcessCpuTime();
        double machine = machineBusySeconds() - machineBefore;
        double jit = threads == null ? 0 : threads.stop().get(ThreadCpu.Kind.JIT);
        double[] atHalfway = halfway.get();
        return new Timed(
                events,
                result.getNetRuntime() / 1e3,
                window / 1e9,
                (cpuAfter - cpuBefore) / 1e9,
                jit,
                machine,
                atHalfway == null ? Double.NaN : cpuAfter / 1e9 - atHalfway[0],
                atHalfway == null ? Double.NaN : jit - atHalfway[1]);
    }

    double perSecond() {
        return events / wallSeconds;
    }

    double perCpuSecond() {
        return events / cpuSeconds;
    }

    /** Over the whole run without the JIT: a long-running job compiles its hot code once. */
    double perCpuSecondWithoutJit() {
        return events / (cpuSeconds - jitCpuSeconds);
    }

    /** The steady-state figure: the second half of the input, without the JIT. */
    double perCpuSecondSteady() {
        return (events - events / 2) / (secondHalfCpuSeconds - secondHalfJitCpuSeconds);
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
