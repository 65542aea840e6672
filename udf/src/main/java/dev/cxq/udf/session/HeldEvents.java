package dev.cxq.udf.session;

import dev.cxq.udf.model.CanonicalEvent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The events that arrived since their session was last handed over, per session, on the heap (not
 * in keyed state), and the sessions in the order in which they are due, so that a watermark finds
 * the sessions it passed without looking at the others.
 *
 * <p>A session is due when the watermark passes its earliest held event, except for the samples of
 * a quiet session: one whose last hand-over left nothing pending or open, so that a healthy
 * connected sample changes nothing but its statistics and its next deadline ({@link
 * SessionSteps#quietSpan}). Such a sample waits until that deadline, its horizon, and moves the
 * horizon as the hand-over would: a sample before the horizon puts it at the latest waiting
 * sample's time plus the quiet span. Handing the samples over together later applies the same
 * events at the same instants with the same deadlines, and nothing is written out for them, so the
 * rows and alerts do not change; a session gets one keyed-state read and write per {@link
 * #MAX_DEFERRED} healthy samples instead of one per sample (issue 17).
 */
final class HeldEvents {

    /**
     * The most samples of one quiet session that wait past their time (about a minute of samples at
     * one per 5 s): it divides the hand-overs of a healthy session by about as much.
     */
    static final int MAX_DEFERRED = 12;

    /**
     * The most samples that wait past their time on one subtask, whatever the number of sessions: a
     * held sample is about 470 bytes on the heap (bench input, measured with JOL), so about 47 MB.
     * Beyond it samples are due at their own time, as if no session were quiet.
     */
    static final int MAX_WAITING = 100_000;

    /** Sessions with held events or quiet; one entry each, so that an arrival looks up once. */
    private final Map<String, Held> sessions = new HashMap<>();

    /**
     * The sessions with held events by when they are due. An entry is stale unless it is the one
     * its session was last queued at; a session whose horizon moved is queued again lazily, when
     * its entry comes up, rather than on every sample that moves it.
     */
    private final DueOrder dueOrder = new DueOrder();

    /** Samples of all sessions that wait past their time. */
    private int waiting;

    /** Whether {@link #nextDue} is asked; in BATCH execution timers hand sessions over instead. */
    private final boolean ordered;

    /** Whether an in-time event can wait in a quiet session: a healthy connected sample. */
    private final Predicate<CanonicalEvent> quietSample;

    /** The most samples of all sessions that may wait ({@link #MAX_WAITING}). */
    private final int maxWaiting;

    HeldEvents(boolean ordered, Predicate<CanonicalEvent> quietSample, int maxWaiting) {
        this.ordered = ordered;
        this.quietSample = quietSample;
        this.maxWaiting = maxWaiting;
    }

    /** Holds {@code event}; whether it is the first event held for its session. */
    boolean hold(String key, CanonicalEvent event) {
        Held held = sessions.computeIfAbsent(key, Held::new);
        boolean first = held.events.isEmpty();
        held.events.add(event);
        if (held.quiet
                && event.ts < held.horizon
                && held.deferred < MAX_DEFERRED
                && waiting < maxWaiting
                && !event.lateOnArrival
                && quietSample.test(event)) {
            // The deadline after the waiting samples: the latest of them plus the span. The first
            // replaces the hand-over's deadline, which may be later (the inactivity timeout).
            held.horizon =
                    held.deferred == 0
                            ? event.ts + held.span
                            : Math.max(held.horizon, event.ts + held.span);
            held.deferred++;
            waiting++;
        } else {
            held.earliestUrgent = Math.min(held.earliestUrgent, event.ts);
        }
        long due = held.due();
        if (ordered && due < held.queuedAt) {
            held.queuedAt = due;
            dueOrder.add(due, held);
        }
        return first;
    }

    /** The next session due at or before {@code watermark}, or null. */
    String nextDue(long watermark) {
        while (dueOrder.size > 0 && dueOrder.firstTime() <= watermark) {
            long queuedAt = dueOrder.firstTime();
            Held held = dueOrder.removeFirst();
            if (held.queuedAt != queuedAt) {
                continue;
            }
            long due = held.due();
            if (due <= watermark) {
                return held.key;
            }
            held.queuedAt = due;
            dueOrder.add(due, held);
        }
        return null;
    }

    /**
     * Whether the session {@code key} holds samples that moved its deadline past {@code time}: its
     * timer at {@code time} has nothing to do, the session is due later.
     */
    boolean deferredPast(String key, long time) {
        Held held = sessions.get(key);
        return held != null && held.deferred > 0 && held.due() > time;
    }

    /** Removes and returns the events held for the session {@code key} (none: empty). */
    List<CanonicalEvent> take(String key) {
        Held held = sessions.get(key);
        if (held == null) {
            return List.of();
        }
        List<CanonicalEvent> events = held.events;
        held.events = new ArrayList<>();
        held.earliestUrgent = Long.MAX_VALUE;
        held.queuedAt = Long.MAX_VALUE;
        waiting -= held.deferred;
        held.deferred = 0;
        return events;
    }

    /**
     * After a hand-over: the session {@code key} is quiet until {@code horizon}, its next deadline,
     * and a quiet sample moves that to its time plus {@code span}; with {@code horizon} null it is
     * not quiet. Then holds {@code events} again, which {@link #take} returned and are not due.
     */
    void handedOver(String key, Long horizon, long span, List<CanonicalEvent> events) {
        if ((horizon == null || !ordered) && events.isEmpty()) {
            Held removed = sessions.remove(key);
            if (removed != null) {
                // Its entries in the due order are stale from now on.
                removed.queuedAt = Long.MAX_VALUE;
            }
            return;
        }
        Held held = sessions.computeIfAbsent(key, Held::new);
        held.quiet = horizon != null && ordered;
        held.horizon = held.quiet ? horizon : Long.MAX_VALUE;
        held.span = span;
        for (CanonicalEvent event : events) {
            hold(key, event);
        }
    }

    /** The held events, per session that has some: what a checkpoint keeps. */
    Map<String, List<CanonicalEvent>> bySession() {
        Map<String, List<CanonicalEvent>> all = new HashMap<>();
        sessions.forEach(
                (key, held) -> {
                    if (!held.events.isEmpty()) {
                        all.put(key, held.events);
                    }
                });
        return all;
    }

    /** One session: its held events, and whether its samples may wait. */
    private static final class Held {
        final String key;

        List<CanonicalEvent> events = new ArrayList<>();

        /** The earliest held event that does not wait for the horizon. */
        long earliestUrgent = Long.MAX_VALUE;

        /** When the session was last queued as due; none: the maximum. */
        long queuedAt = Long.MAX_VALUE;

        /** Whether the last hand-over left the session quiet. */
        boolean quiet;

        /** Until when quiet samples may wait. */
        long horizon = Long.MAX_VALUE;

        /** How far a quiet sample moves the horizon past its own time. */
        long span;

        /** Samples held that wait for the horizon. */
        int deferred;

        Held(String key) {
            this.key = key;
        }

        long due() {
            return deferred > 0 ? Math.min(earliestUrgent, horizon) : earliestUrgent;
        }
    }

    /**
     * A binary min-heap of sessions by the time they were queued at, in two arrays: no entry object
     * per queuing and no comparator call ({@code PriorityQueue} and its entries were 1.5 % of the
     * task threads on the heap backend in issue 17's profile, the map lookup of each entry's
     * session another 1.5 %).
     */
    private static final class DueOrder {
        private long[] times = new long[64];
        private Held[] sessions = new Held[64];
        int size;

        long firstTime() {
            return times[0];
        }

        void add(long time, Held held) {
            if (size == times.length) {
                times = Arrays.copyOf(times, size * 2);
                sessions = Arrays.copyOf(sessions, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (times[parent] <= time) {
                    break;
                }
                times[i] = times[parent];
                sessions[i] = sessions[parent];
                i = parent;
            }
            times[i] = time;
            sessions[i] = held;
        }

        Held removeFirst() {
            Held first = sessions[0];
            int last = --size;
            long time = times[last];
            Held held = sessions[last];
            sessions[last] = null;
            int i = 0;
            int half = last >>> 1;
            while (i < half) {
                int child = 2 * i + 1;
                if (child + 1 < last && times[child + 1] < times[child]) {
                    child++;
                }
                if (time <= times[child]) {
                    break;
                }
                times[i] = times[child];
                sessions[i] = sessions[child];
                i = child;
            }
            if (last > 0) {
                times[i] = time;
                sessions[i] = held;
            }
            return first;
        }
    }
}
