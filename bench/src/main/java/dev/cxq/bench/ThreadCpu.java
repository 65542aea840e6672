package dev.cxq.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time of this JVM's threads during a job, by kind, read from {@code /proc/self/task} (Linux).
 * A short run spends a large share of its CPU in the JIT compiler, which a long-running job pays
 * once: splitting it out gives the steady-state cost per event. RocksDB's background threads are
 * native, invisible to the JVM's thread beans, hence {@code /proc}.
 *
 * <p>Threads that end before {@link #stop()} (the task threads, at the end of the job) are counted
 * with their last sample, taken every {@value #SAMPLE_MILLIS} ms.
 */
final class ThreadCpu {

    enum Kind {
        JIT,
        GC,
        ROCKSDB_BACKGROUND,
        /** Task threads, Flink's runtime and everything else. */
        JOB
    }

    private static final Path TASKS = Path.of("/proc/self/task");
    private static final long SAMPLE_MILLIS = 100;

    /** {@code USER_HZ}, the unit of {@code /proc} CPU times; 100 on every Linux kernel build. */
    private static final double TICKS_PER_SECOND = 100;

    private final Map<String, Long> atStart = new HashMap<>();
    private final Map<String, Long> latest = new HashMap<>();
    private final Map<String, Kind> kinds = new HashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;

    private ThreadCpu() {
        sample(atStart);
        sampler =
                new Thread(
                        () -> {
                            while (running) {
                                sample(latest);
                                try {
                                    Thread.sleep(SAMPLE_MILLIS);
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        },
                        "thread-cpu-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Starts sampling; null where {@code /proc} is not available (not Linux). */
    static ThreadCpu start() {
        return Files.isDirectory(TASKS) ? new ThreadCpu() : null;
    }

    /** CPU seconds per kind since {@link #start()}, sampling goes on. */
    Map<Kind, Double> now() {
        Map<String, Long> current = new HashMap<>();
        sample(current);
        return secondsSinceStart(current);
    }

    /** Stops sampling; CPU seconds per kind since {@link #start()}. */
    Map<Kind, Double> stop() throws InterruptedException {
        running = false;
        sampler.join();
        sample(latest);
        return secondsSinceStart(latest);
    }

    /**
     * {@code current} may miss threads that ended; their last sample in {@link #latest} stands for
     * them.
     */
    private synchronized Map<Kind, Double> secondsSinceStart(Map<String, Long> current) {
        Map<String, Long> ticksByThread = new HashMap<>(latest);
        ticksByThread.putAll(current);
        Map<Kind, Double> seconds = new EnumMap<>(Kind.class);
        for (Kind kind : Kind.values()) {
            seconds.put(kind, 0.0);
        }
        for (Map.Entry<String, Long> thread : ticksByThread.entrySet()) {
            long ticks = thread.getValue() - atStart.getOrDefault(thread.getKey(), 0L);
            seconds.merge(kinds.get(thread.getKey()), ticks / TICKS_PER_SECOND, Double::sum);
        }
        return seconds;
    }

    private synchronized void sample(Map<String, Long> into) {
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(TASKS)) {
            for (Path thread : threads) {
                String tid = thread.getFileName().toString();
                try {
                    String stat = Files.readString(thread.resolve("stat"));
                    // Fields after the command name, which is in parentheses and may hold spaces.
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    into.put(tid, Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
                    kinds.computeIfAbsent(tid, t -> kindOf(commandOf(thread)));
                } catch (IOException | RuntimeException e) {
                    // The thread ended while being read: its previous sample stands.
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + TASKS, e);
        }
    }

    private static String commandOf(Path thread) {
        try {
            return Files.readString(thread.resolve("comm")).trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** By the thread's name as the kernel keeps it (the first 15 characters). */
    static Kind kindOf(String command) {
        if (command.startsWith("C1 CompilerThre") || command.startsWith("C2 CompilerThre")) {
            return Kind.JIT;
        }
        if (command.startsWith("GC Thread")
                || command.startsWith("G1 ")
                || command.startsWith("VM Thread")) {
            return Kind.GC;
        }
        if (command.startsWith("rocksdb:")) {
            return Kind.ROCKSDB_BACKGROUND;
        }
        return Kind.JOB;
    }
}
