package dev.cxq.udf.session;

import dev.cxq.udf.model.CanonicalEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The events that arrived since their session was last handed over, per session, on the heap (not
 * in keyed state), and the sessions in the order of their earliest such event, so that a watermark
 * finds the sessions it passed without looking at the others.
 */
final class HeldEvents {

    private final Map<String, Arrived> arrived = new HashMap<>();

    /** The sessions in {@link #arrived} by their earliest event; entries may be stale. */
    private final PriorityQueue<Due> dueOrder = new PriorityQueue<>();

    /** Whether {@link #nextDue} is asked; in BATCH execution timers hand sessions over instead. */
    private final boolean ordered;

    HeldEvents(boolean ordered) {
        this.ordered = ordered;
    }

    /** Holds {@code event}; whether it is the first event held for its session. */
    boolean hold(String key, CanonicalEvent event) {
        Arrived held = arrived.get(key);
        boolean first = held == null;
        if (first) {
            held = new Arrived();
            arrived.put(key, held);
        }
        if (held.add(event) && ordered) {
            dueOrder.add(new Due(event.ts, key));
        }
        return first;
    }

    /** The next session whose earliest held event is at or before {@code watermark}, or null. */
    String nextDue(long watermark) {
        while (!dueOrder.isEmpty() && dueOrder.peek().ts <= watermark) {
            Due due = dueOrder.poll();
            Arrived held = arrived.get(due.key);
            if (held != null && held.earliest == due.ts) {
                return due.key;
            }
        }
        return null;
    }

    /** Removes and returns the events held for the session {@code key} (none: empty). */
    List<CanonicalEvent> take(String key) {
        Arrived held = arrived.remove(key);
        return held == null ? List.of() : held.events;
    }

    /** Holds {@code events} of the session {@code key} again, which {@link #take} returned. */
    void holdAgain(String key, List<CanonicalEvent> events) {
        for (CanonicalEvent event : events) {
            hold(key, event);
        }
    }

    /** Removes and returns every held event, per session: a checkpoint moves them to state. */
    Map<String, List<CanonicalEvent>> drain() {
        Map<String, List<CanonicalEvent>> all = new HashMap<>();
        arrived.forEach((key, held) -> all.put(key, held.events));
        arrived.clear();
        dueOrder.clear();
        return all;
    }

    /** Events of one session held on the heap until the watermark passes them. */
    private static final class Arrived {
        final List<CanonicalEvent> events = new ArrayList<>();
        long earliest = Long.MAX_VALUE;

        /** Whether {@code event} is now the earliest. */
        boolean add(CanonicalEvent event) {
            events.add(event);
            if (event.ts < earliest) {
                earliest = event.ts;
                return true;
            }
            return false;
        }
    }

    /** A session with held events, by its earliest. */
    private record Due(long ts, String key) implements Comparable<Due> {
        @Override
        public int compareTo(Due other) {
            return Long.compare(ts, other.ts);
        }
    }
}
