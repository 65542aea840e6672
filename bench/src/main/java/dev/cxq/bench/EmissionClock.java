package dev.cxq.bench;

import java.util.concurrent.atomic.AtomicLong;

/**
 * When the source emitted its records, for the latency probe: the {@code System.nanoTime()} of
 * every 64th record, kept in a JVM-wide array (the benchmark runs a local cluster in this JVM).
 * Looking up a record rounds its index down to a multiple of 64, so the probe measures from at or
 * slightly before the real emission: latencies are overestimated by at most 64 records' time.
 *
 * <p>It also marks the middle of the input for the steady-state figure ({@link Timed}): the action
 * {@link #atHalfway} installs runs in a source thread as the {@code count / 2}-th record is
 * emitted, counted over every split: with more than one, the record at index {@code count / 2} may
 * come first.
 */
public final class EmissionClock {

    private static final int SHIFT = 6;

    private static volatile long[] nanos;
    private static volatile long halfway = -1;
    private static final AtomicLong emitted = new AtomicLong();
    private static volatile Runnable atHalfway;

    private EmissionClock() {}

    /** Starts recording for a run of {@code count} records. */
    public static void install(long count) {
        nanos = new long[(int) (count >>> SHIFT) + 1];
        halfway = count / 2;
        emitted.set(0);
    }

    public static void uninstall() {
        nanos = null;
        halfway = -1;
    }

    /** Runs {@code action} when the record in the middle of the input is emitted; null: none. */
    static void atHalfway(Runnable action) {
        atHalfway = action;
    }

    static void record(long index) {
        long[] clock = nanos;
        if (clock != null && (index & ((1 << SHIFT) - 1)) == 0) {
            clock[(int) (index >>> SHIFT)] = System.nanoTime();
        }
        if (emitted.getAndIncrement() == halfway) {
            Runnable action = atHalfway;
            if (action != null) {
                action.run();
            }
        }
    }

    /** When record {@code index} (or one up to 63 before it) was emitted, or -1 if unknown. */
    static long emittedAt(long index) {
        long[] clock = nanos;
        if (clock == null || (index >>> SHIFT) >= clock.length) {
            return -1;
        }
        long at = clock[(int) (index >>> SHIFT)];
        return at == 0 ? -1 : at;
    }
}
