package dev.cxq.udf.time;

import dev.cxq.udf.model.CanonicalEvent;

import java.util.Comparator;
import java.util.List;

/**
 * The hand-over in event-time order that every per-session function and operator shares: the events
 * whose timestamps the watermark has passed, grouped by instant, interleaved with the deadlines the
 * session asks for, so that the session sees the same sequence of {@code (time, events)} whatever
 * the arrival order and the execution mode ({@code DISCUSSION.md}).
 */
public final class EventTimeOrder {

    /**
     * Hand-over order: by timestamp; at one instant samples first, then interactions, then
     * recordings; then by id.
     */
    public static final Comparator<CanonicalEvent> HAND_OVER =
            Comparator.<CanonicalEvent>comparingLong(e -> e.ts)
                    .thenComparingInt(e -> e.kind.ordinal())
                    .thenComparing(e -> e.eventId);

    /** The session's step at one instant. */
    @FunctionalInterface
    public interface Step {
        /**
         * @return the next deadline, strictly after {@code time}, or {@code null} for none
         */
        Long at(long time, List<CanonicalEvent> events) throws Exception;
    }

    private EventTimeOrder() {}

    /**
     * Hands over {@code due} (sorted by {@link #HAND_OVER}, all at or before {@code upTo}) one
     * instant at a time, and runs every deadline up to {@code upTo}, starting from {@code
     * deadline}. A deadline that passed without its timer firing (BATCH execution) runs before the
     * next instant; a deadline equal to an instant is one step with its events.
     *
     * @return the next deadline, after {@code upTo}, or {@code null}
     */
    public static Long handOver(List<CanonicalEvent> due, Long deadline, long upTo, Step step)
            throws Exception {
        Long next = deadline;
        int from = 0;
        while (from < due.size()) {
            long time = due.get(from).ts;
            int to = from;
            while (to < due.size() && due.get(to).ts == time) {
                to++;
            }
            while (next != null && next < time) {
                next = call(step, next, List.of());
            }
            next = call(step, time, due.subList(from, to));
            from = to;
        }
        while (next != null && next <= upTo) {
            next = call(step, next, List.of());
        }
        return next;
    }

    /** Runs every remaining deadline: the input of the key is exhausted. */
    public static void runAll(Long deadline, Step step) throws Exception {
        Long next = deadline;
        while (next != null) {
            next = call(step, next, List.of());
        }
    }

    private static Long call(Step step, long time, List<CanonicalEvent> events) throws Exception {
        Long next = step.at(time, events);
        if (next != null && next <= time) {
            throw new IllegalStateException(
                    "next deadline " + next + " is not after the current time " + time);
        }
        return next;
    }
}
