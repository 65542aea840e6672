package dev.cxq.udf.session;

import dev.cxq.udf.model.CanonicalEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
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
     * The most samples of one quiet session that wait past their time: it bounds the heap (about a
     * minute of samples at one per 5 s) while dividing the hand-overs of a healthy session by it.
     */
    static final int MAX_DEFERRED = 12;

    private final Map<String, Arrived> arrived = new HashMap<>();

    /** The sessions in {@link #arrived} by when they are due; entries may be stale. */
    private final PriorityQueue<Due> dueOrder = new PriorityQueue<>();

    /** Sessions whose last hand-over left them quiet, with their horizon. */
    private final Map<String, Quiet> quiet = new HashMap<>();

    /** Whether {@link #nextDue} is asked; in BATCH execution timers hand sessions over instead. */
    private final boolean ordered;

    /** Whether an in-time event can wait in a quiet session: a healthy connected sample. */
    private final Predicate<CanonicalEvent> quietSample;

    HeldEvents(boolean ordered, Predicate<CanonicalEvent> quietSample) {
        this.ordered = ordered;
        this.quietSample = quietSample;
    }

    /** Holds {@code event}; whether it is the first event held for its session. */
    boolean hold(String key, CanonicalEvent event) {
        Arrived held = arrived.get(key);
        boolean first = held == null;
        if (first) {
            held = new Arrived();
            arrived.put(key, held);
        }
        held.events.add(event);
        Quiet session = ordered ? quiet.get(key) : null;
        if (session != null
                && event.ts < session.horizon
                && session.deferred < MAX_DEFERRED
                && !event.lateOnArrival
                && quietSample.test(event)) {
            // The deadline after the waiting samples: the latest of them plus the span. The first
            // replaces the hand-over's deadline, which may be later (the inactivity timeout).
            session.horizon =
                    session.deferred == 0
                            ? event.ts + session.span
                            : Math.max(session.horizon, event.ts + session.span);
            session.deferred++;
            held.horizon = session.horizon;
        } else {
            held.earliestUrgent = Math.min(held.earliestUrgent, event.ts);
        }
        if (ordered) {
            long due = Math.min(held.earliestUrgent, held.horizon);
            if (due != held.queuedAt) {
                held.queuedAt = due;
                dueOrder.add(new Due(due, key));
            }
        }
        return first;
    }

    /** The next session due at or before {@code watermark}, or null. */
    String nextDue(long watermark) {
        while (!dueOrder.isEmpty() && dueOrder.peek().ts <= watermark) {
            Due due = dueOrder.poll();
            Arrived held = arrived.get(due.key);
            if (held != null && held.queuedAt == due.ts) {
                return due.key;
            }
        }
        return null;
    }

    /**
     * Whether the session {@code key} holds samples that moved its deadline past {@code time}: its
     * timer at {@code time} has nothing to do, the session is due later.
     */
    boolean deferredPast(String key, long time) {
        Quiet session = quiet.get(key);
        Arrived held = arrived.get(key);
        return session != null
                && session.horizon > time
                && held != null
                && held.horizon != Long.MAX_VALUE
                && held.earliestUrgent > time;
    }

    /** Removes and returns the events held for the session {@code key} (none: empty). */
    List<CanonicalEvent> take(String key) {
        Arrived held = arrived.remove(key);
        return held == null ? List.of() : held.events;
    }

    /**
     * After a hand-over: the session {@code key} is quiet until {@code horizon}, its next deadline,
     * and a quiet sample moves it to its time plus {@code span}; with {@code horizon} null it is
     * not quiet. Then holds {@code events} again, which {@link #take} returned and are not due.
     */
    void handedOver(String key, Long horizon, long span, List<CanonicalEvent> events) {
        if (horizon == null || !ordered) {
            quiet.remove(key);
        } else {
            quiet.put(key, new Quiet(horizon, span));
        }
        for (CanonicalEvent event : events) {
            hold(key, event);
        }
    }

    /**
     * Removes and returns every held event, per session: a checkpoint moves them to state, where
     * they are due at their own time.
     */
    Map<String, List<CanonicalEvent>> drain() {
        Map<String, List<CanonicalEvent>> all = new HashMap<>();
        arrived.forEach((key, held) -> all.put(key, held.events));
        arrived.clear();
        dueOrder.clear();
        quiet.clear();
        return all;
    }

    /** Events of one session held on the heap until it is due. */
    private static final class Arrived {
        final List<CanonicalEvent> events = new ArrayList<>();

        /** The earliest event that does not wait for the quiet horizon. */
        long earliestUrgent = Long.MAX_VALUE;

        /** The quiet horizon its waiting samples are due at; none: the maximum. */
        long horizon = Long.MAX_VALUE;

        /** When the session was last queued as due. */
        long queuedAt = Long.MIN_VALUE;
    }

    /** A quiet session: until when its samples may wait, and how far each moves that. */
    private static final class Quiet {
        long horizon;
        final long span;
        int deferred;

        Quiet(long horizon, long span) {
            this.horizon = horizon;
            this.span = span;
        }
    }

    /** A session with held events, by when it is due. */
    private record Due(long ts, String key) implements Comparable<Due> {
        @Override
        public int compareTo(Due other) {
            return Long.compare(ts, other.ts);
        }
    }
}
