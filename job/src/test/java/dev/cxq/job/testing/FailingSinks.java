package dev.cxq.job.testing;

import dev.cxq.job.sink.CxqSinks;
import dev.cxq.job.sink.CxqTables;
import dev.cxq.job.sink.ForwardingSinkWriter;
import dev.cxq.job.sink.Table;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Wraps the real sinks of every table and fails the task on chosen writes. Writes are counted
 * across all tables, subtasks and attempts of the job in this JVM (the MiniCluster runs in it), so
 * each chosen write number fails exactly once, wherever the replay after a restart brings it. The
 * production topology is unchanged: the test only swaps the {@link CxqSinks} it is given.
 */
public final class FailingSinks implements CxqSinks {

    private static final AtomicLong WRITES = new AtomicLong();
    private static final Set<Long> FAIL_AT = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger INJECTED = new AtomicInteger();

    /** Chosen writes reached but not failed yet: they wait for a checkpoint (see the gate). */
    private static final AtomicInteger DUE = new AtomicInteger();

    /** The newest completed checkpoint's id, or null to fail at the chosen write itself. */
    private static volatile LongSupplier newestCheckpoint;

    private static final AtomicLong CHECKPOINT_AT_LAST_FAILURE = new AtomicLong();

    /** With a gate: the newest attempt of the job that took a failure. */
    private static final AtomicInteger FAILED_ATTEMPT = new AtomicInteger(-1);

    private final CxqSinks delegate;

    public FailingSinks(CxqSinks delegate) {
        this.delegate = delegate;
    }

    /** Starts counting writes from zero; the task fails on each of the given write numbers. */
    public static void reset(Set<Long> failAtWrites) {
        reset(failAtWrites, null);
    }

    /**
     * As {@link #reset(Set)}, but a failure due at a chosen write waits until a checkpoint newer
     * than the one before the previous failure has completed ({@code newestCheckpoint}): a test
     * that restores from a retained checkpoint needs one, however fast the machine reaches the
     * writes.
     */
    public static void reset(Set<Long> failAtWrites, LongSupplier newestCheckpoint) {
        WRITES.set(0);
        INJECTED.set(0);
        DUE.set(0);
        CHECKPOINT_AT_LAST_FAILURE.set(0);
        FAILED_ATTEMPT.set(-1);
        FAIL_AT.clear();
        FAIL_AT.addAll(failAtWrites);
        FailingSinks.newestCheckpoint = newestCheckpoint;
    }

    /**
     * Takes one due failure if the gate is open. At the end of input the gate is ignored: a job
     * that finished with a failure still due (its writes outran the checkpoints) would not have
     * been failed at all; failing then restarts from the newest checkpoint, whichever it is. With a
     * gate, one failure per attempt of the job: Flink counts failures of one attempt as one
     * restart, and the tests count restarts.
     */
    private static boolean failNow(boolean endOfInput, int attempt) {
        if (DUE.get() == 0) {
            return false;
        }
        LongSupplier gate = newestCheckpoint;
        long checkpoint = gate == null ? 0 : gate.getAsLong();
        if (!endOfInput && gate != null && checkpoint <= CHECKPOINT_AT_LAST_FAILURE.get()) {
            return false;
        }
        if (gate != null) {
            int previous = FAILED_ATTEMPT.get();
            if (attempt <= previous || !FAILED_ATTEMPT.compareAndSet(previous, attempt)) {
                return false;
            }
        }
        for (int due = DUE.get(); due > 0; due = DUE.get()) {
            if (DUE.compareAndSet(due, due - 1)) {
                CHECKPOINT_AT_LAST_FAILURE.set(checkpoint);
                return true;
            }
        }
        return false;
    }

    /** Writes seen since {@link #reset}, replays included. */
    public static long writes() {
        return WRITES.get();
    }

    /** Failures thrown since {@link #reset}. */
    public static int injected() {
        return INJECTED.get();
    }

    @Override
    public <T> Sink<T> sink(Table<T> table) {
        // pipeline_status is written on the wall clock: counting its writes would move the
        // injected failures to other rows from run to run.
        if (table == CxqTables.PIPELINE_STATUS) {
            return delegate.sink(table);
        }
        return new FailingSink<>(delegate.sink(table));
    }

    private static final class FailingSink<T> implements Sink<T> {

        private static final long serialVersionUID = 1L;

        private final Sink<T> delegate;

        FailingSink(Sink<T> delegate) {
            this.delegate = delegate;
        }

        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
            return new FailingWriter<>(
                    delegate.createWriter(context), context.getTaskInfo().getAttemptNumber());
        }
    }

    private static final class FailingWriter<T> extends ForwardingSinkWriter<T, SinkWriter<T>> {

        /** The attempt of the job this writer runs in. */
        private final int attempt;

        FailingWriter(SinkWriter<T> delegate, int attempt) {
            super(delegate);
            this.attempt = attempt;
        }

        @Override
        public void write(T element, Context context) throws IOException, InterruptedException {
            long n = WRITES.incrementAndGet();
            if (FAIL_AT.remove(n)) {
                DUE.incrementAndGet();
            }
            if (failNow(false, attempt)) {
                INJECTED.incrementAndGet();
                throw new IllegalStateException("injected failure at write " + n);
            }
            super.write(element, context);
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            if (endOfInput && failNow(true, attempt)) {
                INJECTED.incrementAndGet();
                throw new IllegalStateException("injected failure at the end of input");
            }
            super.flush(endOfInput);
        }
    }
}
